"""flask help list|reply|status: the operators' side of requests until staff pages exist."""

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from app.core import uploads
from app.extensions import db
from app.tenancy import registry_of

from . import service
from .models import HelpRequest, RequestStatus

help_cli = AppGroup("help", help="Help requests: list them and answer them.")
STATUSES = click.Choice([s.value for s in RequestStatus])


def _tenant(slug: str):
    tenant = registry_of(current_app).tenants.get(slug)
    if tenant is None:
        raise click.BadParameter(f"no tenant {slug!r}", param_hint="--tenant")
    return tenant


def _printable(value: str) -> str:
    # Subscribers typed these; a control character must not steer the operator's terminal.
    return "".join(ch if ch.isprintable() else " " for ch in value)


def _line(filed: HelpRequest) -> str:
    when = filed.updated_at.isoformat(timespec="seconds")
    first = filed.messages[0].text if filed.messages else ""
    files = sum(len(m.attachments) for m in filed.messages)
    return (
        f"{filed.label}  {filed.tenant}  {filed.status}  {filed.subject}  updated {when}  "
        f"subscriber {filed.subscriber_id}  {len(filed.messages)} message(s)  "
        f"{files} file(s)  {first[:80]}"
    )


@help_cli.command("list")
@click.option("--tenant", "slug", help="Only this tenant's requests.")
@click.option("--status", type=STATUSES, help="Only requests in this status.")
def help_list(slug: str | None, status: str | None) -> None:
    """Print requests, the longest waiting first: number, tenant, status, subject, start."""
    if slug is not None:
        _tenant(slug)
    found = service.queue(slug, status)
    if not found:
        click.echo("No help requests.")
    for filed in found:
        # One line per request, so the output can be grepped.
        click.echo(_printable(_line(filed)))


@help_cli.command("show")
@click.argument("number")
@click.option("--tenant", "slug", help="Needed when several tenants have this number.")
def help_show(number: str, slug: str | None) -> None:
    """Print request NUMBER's thread with the paths of its files."""
    filed = _find(slug, number)
    root = uploads.uploads_root(current_app)
    click.echo(_printable(_line(filed)))
    for message in filed.messages:
        when = message.created_at.isoformat(timespec="seconds")
        click.echo(f"--- {message.author} {message.staff_name or ''} {when}")
        click.echo(_printable(message.text))
        for attached in message.attachments:
            click.echo(f"    file {root / attached.file_path} ({attached.content_type})")


def _find(slug: str | None, number: str) -> HelpRequest:
    if slug is not None:
        _tenant(slug)
    value = service.parse_number(number)
    if value is None:
        raise click.BadParameter(f"{number!r} is not a request number like HR-000123")
    query = sa.select(HelpRequest).where(HelpRequest.number == value)
    if slug is not None:
        query = query.where(HelpRequest.tenant == slug)
    found = list(db.session.scalars(query.order_by(HelpRequest.tenant)))
    if not found:
        raise click.ClickException(f"no help request {number}")
    if len(found) > 1:
        tenants = ", ".join(f.tenant for f in found)
        raise click.ClickException(f"{found[0].label} exists in {tenants}: add --tenant")
    return found[0]


@help_cli.command("reply")
@click.argument("number")
@click.option("--tenant", "slug", help="Needed when several tenants have this number.")
@click.option("--text", required=True, help="The answer the subscriber reads.")
@click.option("--staff", default="cli", show_default=True, help="Who answers, for the record.")
def help_reply(number: str, slug: str | None, text: str, staff: str) -> None:
    """Answer request NUMBER (e.g. HR-000123); the subscriber gets a notice."""
    filed = _find(slug, number)
    try:
        service.staff_reply(
            _tenant(filed.tenant), filed.number, text, staff, uploads.uploads_root(current_app)
        )
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"{filed.label} ({filed.tenant}) is answered.")


@help_cli.command("status")
@click.argument("number")
@click.argument("status", type=STATUSES)
@click.option("--tenant", "slug", help="Needed when several tenants have this number.")
def help_status(number: str, status: str, slug: str | None) -> None:
    """Move request NUMBER to STATUS, e.g. in_progress once someone took it."""
    filed = _find(slug, number)
    try:
        service.set_status(_tenant(filed.tenant), filed.number, RequestStatus(status))
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"{filed.label} ({filed.tenant}) is now {status}.")
