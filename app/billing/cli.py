"""Operator commands: flask billing run | verify."""

import sys
import time
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


def _describe(report, seconds: float) -> str:
    days = ", ".join(sorted(d.isoformat() for d in report.dates))
    line = (
        f"{report.tenant} ({days}): charged {report.charged} account(s), "
        f"{_roubles(report.kopecks)} ({report.kopecks} kopecks); "
        f"suspended {report.suspended}; promised payments repaid {report.repaid}; "
        f"tariff changes applied {report.tariffs_changed}, "
        f"refused for want of money {report.tariffs_refused}; "
        f"{''.join(job + '; ' for job in report.jobs)}"
        f"{''.join(f'FAILED ({error}); ' for error in report.job_errors)}{seconds:.1f} s"
    )
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
def billing_run(day, slug: str | None) -> None:
    """Charge every active account its daily part; repay due promised payments; suspend."""
    from .charging import run_tenant

    tenants = registry_of(current_app).tenants
    if slug is not None and slug not in tenants:
        known = ", ".join(tenants)
        raise click.BadParameter(f"no tenant {slug!r}; known: {known}", param_hint="--tenant")
    chosen: date | None = day.date() if day else None
    failed = False
    for tenant in [tenants[slug]] if slug else tenants.values():
        started = time.perf_counter()
        report = run_tenant(tenant, chosen)
        click.echo(_describe(report, time.perf_counter() - started))
        failed = failed or bool(report.job_errors)
    if failed:
        sys.exit(1)


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
