"""Operator commands: flask billing run | runs | verify."""

import json
import sys
import time
from contextlib import contextmanager
from datetime import date

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from app.core import jobs
from app.extensions import db
from app.tenancy import registry_of

from .ranges import active_accounts
from .report import as_dict, describe, roubles, run_as_dict

billing_cli = AppGroup("billing", help="Daily charging and ledger checks.")


@billing_cli.command("run")
@click.option(
    "--date",
    "day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Local date to charge (YYYY-MM-DD); default: today in each account's timezone.",
)
@click.option("--tenant", "slug", help="Only this tenant (its slug).")
@click.option("--json", "as_json", is_flag=True, help="One JSON summary on stdout, for scripts.")
@click.option(
    "--dry-run",
    is_flag=True,
    help="Say what the run would charge and suspend, then roll it all back; no daily jobs.",
)
@click.option(
    "--queue",
    "to_queue",
    is_flag=True,
    help="Hand the run to the job workers (split by account range) instead of running here.",
)
def billing_run(day, slug: str | None, as_json: bool, dry_run: bool, to_queue: bool) -> None:
    """Charge every active account its daily part; repay due promised payments; suspend."""
    from .charging import run_tenant
    from .schedule import TENANT_JOB

    tenants = registry_of(current_app).tenants
    if slug is not None and slug not in tenants:
        known = ", ".join(tenants)
        raise click.BadParameter(f"no tenant {slug!r}; known: {known}", param_hint="--tenant")
    if to_queue and dry_run:
        raise click.UsageError("--queue and --dry-run do not go together")
    chosen: date | None = day.date() if day else None
    chosen_tenants = [tenants[slug]] if slug else list(tenants.values())
    if to_queue:
        for tenant in chosen_tenants:
            jobs.enqueue(TENANT_JOB, tenant.slug, chosen.isoformat() if chosen else None)
        click.echo(f"billing queued for {len(chosen_tenants)} tenant(s); see flask billing runs")
        return
    failed = False
    summary = []
    for tenant in chosen_tenants:
        started = time.perf_counter()
        with _progress(tenant.slug, quiet=as_json) as progress:
            report = run_tenant(tenant, chosen, dry_run=dry_run, progress=progress)
        seconds = time.perf_counter() - started
        if as_json:
            summary.append(as_dict(report, seconds))
        else:
            click.echo(describe(report, seconds))
        failed = failed or bool(report.job_errors)
    if as_json:
        answer = {"tenants": summary, "failed": failed, "dry_run": dry_run}
        click.echo(json.dumps(answer, ensure_ascii=False))
    if failed:
        sys.exit(1)


@billing_cli.command("runs")
@click.option("--limit", default=20, show_default=True, help="How many of the latest runs.")
@click.option("--json", "as_json", is_flag=True, help="JSON on stdout, for scripts.")
def billing_runs(limit: int, as_json: bool) -> None:
    """The latest scheduled runs: how many ranges each has done, and what it did."""
    from .schedule import recent_runs

    runs = recent_runs(limit)
    if as_json:
        click.echo(json.dumps([run_as_dict(run) for run in runs], ensure_ascii=False))
        return
    for run in runs:
        state = "finished" if run.finished_at else "running"
        click.echo(
            f"#{run.id} {run.tenant} started {run.started_at:%Y-%m-%d %H:%M} UTC, {state}, "
            f"{run.ranges_done}/{run.ranges} range(s), charged {run.charged}, "
            f"{roubles(run.kopecks)}, suspended {run.suspended}"
            + (f": {run.summary}" if run.summary else "")
        )
    if not runs:
        click.echo("No scheduled runs yet.")


@contextmanager
def _progress(slug: str, quiet: bool):
    """A bar on the terminal, where a person watches; nothing for scripts and logs."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    total = db.session.scalar(
        sa.select(sa.func.count()).select_from(active_accounts(slug).subquery())
    )
    with click.progressbar(length=total, label=slug, file=sys.stderr) as bar:
        yield bar.update


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
