"""flask outbox show: the texts the development SMS provider kept instead of sending;
flask notify deliver: the deliverer of the message queue."""

import logging
from contextlib import suppress

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from app.core.identifiers import e164
from app.core.outbox import run_every
from app.extensions import db
from app.persistence import utcnow
from app.tenancy import registry_of

from .delivery import sms_outbox
from .models import QueuedMessage, Status
from .queue import REQUEST_KEY, deliver, masked

log = logging.getLogger("app.notify")
outbox_cli = AppGroup("outbox", help="The development SMS outbox.")


@outbox_cli.command("show")
@click.option("--tenant", "slug", help="Only this tenant's texts.")
@click.option("--phone", help="Only texts to this number (E.164, e.g. +79131234567).")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(min=1))
def outbox_show(slug: str | None, phone: str | None, limit: int) -> None:
    """Print the SMS outbox, newest first: time (UTC), tenant, phone, text."""
    tenants = registry_of(current_app).tenants
    if slug is not None and slug not in tenants:
        raise click.BadParameter(f"no tenant {slug!r}", param_hint="--tenant")
    if phone is not None:
        # Accept the number as people type it; the outbox stores E.164.
        region = tenants[slug].config.phone_region if slug else "ZZ"
        with suppress(ValueError):
            phone = e164(phone, region)
    messages = sms_outbox(slug, phone, limit)
    if not messages:
        click.echo("The SMS outbox is empty.")
    for message in messages:
        when = message.created_at.isoformat(timespec="seconds")
        # One line per text, so the output can be grepped.
        text = " ".join(message.text.splitlines())
        click.echo(f"{when}  {message.tenant}  {message.phone}  {text}")


notify_cli = AppGroup("notify", help="The outgoing e-mail and SMS queue.")


@notify_cli.command("deliver")
@click.option(
    "--every",
    type=click.FloatRange(min=0.1),
    help="Keep running: look for due messages every SECONDS. Without it: one pass.",
)
def notify_deliver(every: float | None) -> None:
    """Send the queued messages that are due, retrying failed ones with growing pauses."""
    if every is None:
        click.echo(f"{deliver()} message(s) sent.")
        return
    run_every(deliver, every, log)


@outbox_cli.command("failed")
@click.option("--tenant", "slug", help="Only this tenant's messages.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(min=1))
def outbox_failed(slug: str | None, limit: int) -> None:
    """The dead letters: messages given up after their last try, newest first."""
    query = sa.select(QueuedMessage).where(QueuedMessage.status == Status.FAILED)
    if slug is not None:
        query = query.where(QueuedMessage.tenant == slug)
    messages = db.session.scalars(query.order_by(QueuedMessage.id.desc()).limit(limit)).all()
    if not messages:
        click.echo("No message has failed.")
    for message in messages:
        age = utcnow() - message.created_at
        click.echo(
            f"{message.id}  {message.tenant}  {message.channel}  {masked(message)}  "
            f"tries {message.attempts}, queued {age.days} d {age.seconds // 3600} h ago  "
            f"{'(text blanked, cannot go again)' if not message.body else ''}"
            f"{message.last_error or ''}"
        )


@outbox_cli.command("retry")
@click.argument("ids", nargs=-1, type=int)
@click.option("--all-failed", is_flag=True, help="Every failed message whose text is kept.")
def outbox_retry(ids: tuple[int, ...], all_failed: bool) -> None:
    """Queue failed messages once more, with a fresh set of tries."""
    from app.core import jobs

    from .sent import resend

    if not ids and not all_failed:
        raise click.UsageError("name message ids, or --all-failed")
    query = sa.select(QueuedMessage).where(QueuedMessage.status == Status.FAILED)
    if not all_failed:
        query = query.where(QueuedMessage.id.in_(ids))
    queued = [message.id for message in db.session.scalars(query).all() if resend(message)]
    db.session.commit()
    if queued:
        jobs.enqueue(REQUEST_KEY, queued)
    click.echo(f"{len(queued)} message(s) queued again.")
