"""flask transfers list|set-status: the operators' queue until staff pages exist."""

import click
from flask import current_app
from flask.cli import AppGroup

from app.extensions import db
from app.tenancy import registry_of

from . import service, storage
from .models import TransferRequest, TransferStatus

transfers_cli = AppGroup("transfers", help="Wrong-account transfer requests.")
STATUSES = click.Choice([s.value for s in TransferStatus])


def _check_tenant(slug: str | None) -> None:
    if slug is not None and slug not in registry_of(current_app).tenants:
        raise click.BadParameter(f"no tenant {slug!r}", param_hint="--tenant")


def _printable(value: str) -> str:
    # Subscribers typed these; a control character must not steer the operator's terminal.
    return "".join(ch if ch.isprintable() else " " for ch in value)


def _line(filed: TransferRequest) -> str:
    amount = f"{filed.amount // 100}.{filed.amount % 100:02d} RUB"
    when = filed.created_at.isoformat(timespec="seconds")
    path = storage.uploads_root(current_app) / filed.file_path
    return (
        f"{filed.label}  {filed.tenant}  {filed.status}  {when}  "
        f"account {filed.correct_account}  {amount}  paid {filed.paid_on.isoformat()}  "
        f"{filed.full_name}  {filed.phone}  {filed.address}  "
        f"receipt {path} ({filed.original_filename}, {filed.content_type})"
    )


@transfers_cli.command("list")
@click.option("--tenant", "slug", help="Only this tenant's requests.")
@click.option("--status", type=STATUSES, help="Only requests in this status.")
def transfers_list(slug: str | None, status: str | None) -> None:
    """Print requests oldest first: number, tenant, status, sent (UTC), details, receipt file."""
    _check_tenant(slug)
    requests = service.queue(slug, status)
    if not requests:
        click.echo("No transfer requests.")
    for filed in requests:
        # One line per request, so the output can be grepped.
        click.echo(_printable(_line(filed)))


@transfers_cli.command("set-status")
@click.argument("number")
@click.argument("status", type=STATUSES)
@click.option("--note", help="Shown to the subscriber on the request's page.")
@click.option("--tenant", "slug", help="Needed when several tenants have this number.")
def transfers_set_status(number: str, status: str, note: str | None, slug: str | None) -> None:
    """Move request NUMBER (e.g. TR-000123) to STATUS, with an optional note."""
    _check_tenant(slug)
    value = service.parse_number(number)
    if value is None:
        raise click.BadParameter(f"{number!r} is not a request number like TR-000123")
    found = service.find(value, slug)
    if not found:
        raise click.ClickException(f"no transfer request {number}")
    if len(found) > 1:
        tenants = ", ".join(f.tenant for f in found)
        raise click.ClickException(f"{found[0].label} exists in {tenants}: add --tenant")
    try:
        filed = service.set_status(found[0], TransferStatus(status), note, actor="cli")
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"{filed.label} ({filed.tenant}) is now {filed.status}.")
