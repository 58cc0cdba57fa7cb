"""Operator commands: flask billing run | verify."""

import json
import sys
import time
from dataclasses import asdict
from datetime import date

import click
from flask import current_app
from flask.cli import AppGroup

from app.core.money import plain_roubles
from app.tenancy import registry_of

billing_cli = AppGroup("billing", help="Daily charging and ledger checks.")


def _roubles(kopecks: int) -> str:
    sign = "-" if kopecks < 0 else ""
    return f"{sign}{plain_roubles(abs(kopecks))} RUB"


def describe(report, seconds: float | None = None) -> str:
    """One line for the operator (or the log) of what a tenant's run did."""
    days = ", ".join(sorted(d.isoformat() for d in report.dates))
    line = (
        f"{report.tenant} ({days}): charged {report.charged} account(s), "
        f"{_roubles(report.kopecks)} ({report.kopecks} kopecks); "
        f"suspended {report.suspended}; promised payments repaid {report.repaid}; "
        f"tariff changes applied {report.tariffs_changed}, "
        f"refused for want of money {report.tariffs_refused}; "
        f"{''.join(job + '; ' for job in report.jobs)}"
        f"{''.join(f'FAILED ({error}); ' for error in report.job_errors)}"
    )
    line += f"{seconds:.1f} s" if seconds is not None else "done"
    if report.unknown_tariffs:
        unknown = ", ".join(sorted(report.unknown_tariffs))
        line += f"; WARNING: points on unknown tariffs were not charged: {unknown}"
    return line


@billing_cli.command("run")
@click.option(
    "--date",
    "day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Local date to charge (YYYY-MM-DD); default: today in each account's timezone.",
)
@click.option("--tenant", "slug", help="Only this tenant (its slug).")
@click.option("--json", "as_json", is_flag=True, help="One JSON summary on stdout, for scripts.")
def billing_run(day, slug: str | None, as_json: bool) -> None:
    """Charge every active account its daily part; repay due promised payments; suspend."""
    from .charging import run_tenant

    tenants = registry_of(current_app).tenants
    if slug is not None and slug not in tenants:
        known = ", ".join(tenants)
        raise click.BadParameter(f"no tenant {slug!r}; known: {known}", param_hint="--tenant")
    chosen: date | None = day.date() if day else None
    failed = False
    summary = []
    for tenant in [tenants[slug]] if slug else tenants.values():
        started = time.perf_counter()
        report = run_tenant(tenant, chosen)
        seconds = time.perf_counter() - started
        if as_json:
            summary.append(_as_dict(report, seconds))
        else:
            click.echo(describe(report, seconds))
        failed = failed or bool(report.job_errors)
    if as_json:
        click.echo(json.dumps({"tenants": summary, "failed": failed}, ensure_ascii=False))
    if failed:
        sys.exit(1)


def _as_dict(report, seconds: float) -> dict:
    fields = asdict(report)
    fields["dates"] = sorted(d.isoformat() for d in report.dates)
    fields["unknown_tariffs"] = sorted(report.unknown_tariffs)
    fields["seconds"] = round(seconds, 3)
    return fields


@billing_cli.command("verify")
def billing_verify() -> None:
    """Prove every cached balance equals the sum of its ledger entries."""
    from app.core.ledger import balance_mismatches

    bad = balance_mismatches()
    for tenant, number, cached, actual in bad:
        click.echo(f"{tenant} account {number}: cached {cached}, ledger {actual}", err=True)
    if bad:
        sys.exit(1)
    click.echo("All balances match their ledgers.")
