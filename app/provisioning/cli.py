"""flask provisioning deliver|show|retry: the outbox's deliverer, its log, a second chance."""

import logging

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from app.core.outbox import run_every
from app.extensions import db
from app.persistence import utcnow
from app.tenancy import registry_of

from .models import ProvisioningEvent, Status
from .outbox import deliver

log = logging.getLogger("app.provisioning")
provisioning_cli = AppGroup("provisioning", help="Service changes sent to the ISPs' networks.")


@provisioning_cli.command("deliver")
@click.option(
    "--every",
    type=click.FloatRange(min=0.1),
    help="Keep running: look for due events every SECONDS. Without it: one pass.",
)
def provisioning_deliver(every: float | None) -> None:
    """Post the events that are due, retrying failed ones with growing pauses."""
    if every is None:
        click.echo(f"{deliver()} event(s) delivered.")
        return
    run_every(deliver, every, log)


@provisioning_cli.command("show")
@click.option("--tenant", "slug", help="Only this tenant's events.")
@click.option(
    "--failed",
    is_flag=True,
    help="Only events not delivered: given up, skipped (no link) or waiting after an error.",
)
@click.option("--limit", default=50, show_default=True, type=click.IntRange(min=1))
def provisioning_show(slug: str | None, failed: bool, limit: int) -> None:
    """Print events, newest first: created (UTC), tenant, status, tries, event, account,
    point, event id, and the last error."""
    if slug is not None and slug not in registry_of(current_app).tenants:
        raise click.BadParameter(f"no tenant {slug!r}", param_hint="--tenant")
    query = sa.select(ProvisioningEvent).order_by(ProvisioningEvent.id.desc()).limit(limit)
    if slug is not None:
        query = query.where(ProvisioningEvent.tenant == slug)
    if failed:
        query = query.where(
            sa.or_(
                ProvisioningEvent.status.in_([Status.FAILED, Status.SKIPPED]),
                ProvisioningEvent.last_error.is_not(None),
            )
        )
    rows = db.session.scalars(query).all()
    if not rows:
        click.echo("No provisioning events.")
    for row in rows:
        when = row.created_at.isoformat(timespec="seconds")
        point = row.point_id if row.point_id is not None else "-"
        line = (
            f"{when}  {row.tenant}  {row.status}  tries={row.attempts}  {row.event}  "
            f"account={row.account_number}  point={point}  {row.event_id}"
        )
        if row.status == Status.PENDING and row.last_error:
            line += f"  next={row.next_attempt_at.isoformat(timespec='seconds')}"
        if row.last_error:
            line += f"  error: {row.last_error}"
        click.echo(line)


@provisioning_cli.command("retry")
@click.option("--tenant", "slug", help="Only this tenant's events.")
def provisioning_retry(slug: str | None) -> None:
    """Make given-up events due again, with a fresh count of tries (e.g. once the ISP's
    endpoint or secret is fixed); skipped events stay skipped."""
    if slug is not None and slug not in registry_of(current_app).tenants:
        raise click.BadParameter(f"no tenant {slug!r}", param_hint="--tenant")
    statement = (
        sa.update(ProvisioningEvent)
        .where(ProvisioningEvent.status == Status.FAILED)
        .values(status=Status.PENDING, attempts=0, next_attempt_at=utcnow())
    )
    if slug is not None:
        statement = statement.where(ProvisioningEvent.tenant == slug)
    count = db.session.execute(statement).rowcount
    db.session.commit()
    click.echo(f"{count} event(s) due again.")
