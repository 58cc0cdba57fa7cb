"""flask outbox show: the texts the development SMS provider kept instead of sending;
flask notify deliver: the deliverer of the message queue."""

import logging
from contextlib import suppress

import click
from flask import current_app
from flask.cli import AppGroup

from app.core.identifiers import e164
from app.core.outbox import run_every
from app.tenancy import registry_of

from .delivery import sms_outbox
from .queue import deliver

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
