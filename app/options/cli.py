"""flask options run: start and end options on time; flask options review: decide a request."""

import logging
import sys
import time

import click
from flask import current_app
from flask.cli import AppGroup

from app.core import jobs
from app.extensions import db
from app.persistence import utcnow
from app.tenancy import registry_of

from . import service

log = logging.getLogger("app.options")
options_cli = AppGroup("options", help="Options that run on time, and requests staff decide.")


@jobs.periodic("options.run", minute="*")
def run_once() -> tuple[int, int]:
    """One pass over every tenant: (started, ended)."""
    started = ended = 0
    for tenant in registry_of(current_app).tenants.values():
        began, over = service.run_due(tenant, utcnow())
        started, ended = started + began, ended + over
    return started, ended


@options_cli.command("run")
@click.option(
    "--every",
    type=click.FloatRange(min=0.1),
    help="Keep running: look for options to start or end every SECONDS. Without it: one pass.",
)
def options_run(every: float | None) -> None:
    """Start the scheduled options whose time has come and end the expired ones."""
    while True:
        if every is None:
            started, ended = run_once()
            click.echo(f"{started} option(s) started, {ended} ended.")
            return
        try:
            run_once()
        except Exception:  # e.g. the database restarting: the runner keeps going
            db.session.rollback()
            log.exception("options pass failed; trying again in %s s", every)
        time.sleep(every)


@options_cli.command("review")
@click.argument("activation_id", type=click.IntRange(min=1, max=2**31 - 1))
@click.option("--approve", "decision", flag_value="approve", help="Approve the request.")
@click.option(
    "--refuse", "reason", metavar="REASON", help="Refuse it; the subscriber reads REASON."
)
def options_review(activation_id: int, decision: str | None, reason: str | None) -> None:
    """Approve or refuse a request waiting for staff (a voluntary block, an order)."""
    if (decision is None) == (reason is None):
        raise click.UsageError("give either --approve or --refuse REASON")
    for tenant in registry_of(current_app).tenants.values():
        row = service.review(tenant, activation_id, reason is None, reason or "", utcnow())
        if row is not None:
            db.session.commit()
            click.echo(f"{tenant.slug}: request {activation_id} is now {row.status}.")
            return
    db.session.rollback()
    click.echo(f"No request {activation_id} waits for a decision.", err=True)
    sys.exit(1)
