"""flask transfers list|set-status|approve|refuse: the queue from a terminal; the console's
transfer queue (app/staff/queue_routes.py) calls the same service functions."""

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


def _one(number: str, slug: str | None) -> TransferRequest:
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
    return found[0]


@transfers_cli.command("set-status")
@click.argument("number")
@click.argument("status", type=STATUSES)
@click.option("--note", help="Shown to the subscriber on the request's page.")
@click.option("--tenant", "slug", help="Needed when several tenants have this number.")
def transfers_set_status(number: str, status: str, note: str | None, slug: str | None) -> None:
    """Move request NUMBER (e.g. TR-000123) to STATUS, with an optional note; «done» only
    through `flask transfers approve`, which moves the money."""
    filed = _one(number, slug)
    try:
        filed = service.set_status(filed, TransferStatus(status), note, actor="cli")
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"{filed.label} ({filed.tenant}) is now {filed.status}.")


NOT_APPROVED = {
    "decided": "is already decided",
    "no_source": "names no account of its tenant to take the money from",
    "no_target": "names no account of its tenant to put the money on: give --to",
    "same": "would move the money to the account it is taken from",
}


@transfers_cli.command("approve")
@click.argument("number")
@click.option("--from", "source", required=True, help="The account the payment reached.")
@click.option("--to", "target", help="The account it was meant for, if not the one asked.")
@click.option("--note", help="Shown to the subscriber on the request's page.")
@click.option("--tenant", "slug", help="Needed when several tenants have this number.")
def transfers_approve(
    number: str, source: str, target: str | None, note: str | None, slug: str | None
) -> None:
    """Move request NUMBER's money from account --from to the one it was meant for: done."""
    filed = _one(number, slug)
    tenant = registry_of(current_app).tenants[filed.tenant]
    try:
        moved = service.approve(tenant, filed.id, source, target, note, actor="cli")
    except service.NotApproved as exc:
        db.session.rollback()
        raise click.ClickException(f"{filed.label} {NOT_APPROVED[exc.reason]}") from exc
    db.session.commit()
    amount = f"{filed.amount // 100}.{filed.amount % 100:02d} RUB"
    click.echo(
        f"{filed.label} ({filed.tenant}) is now done: {amount} moved"
        f" from {moved.source.number} to {moved.target.number}."
    )


@transfers_cli.command("refuse")
@click.argument("number")
@click.option("--reason", required=True, help="Why: the subscriber reads it.")
@click.option("--tenant", "slug", help="Needed when several tenants have this number.")
def transfers_refuse(number: str, reason: str, slug: str | None) -> None:
    """Reject request NUMBER with the reason the subscriber reads."""
    filed = _one(number, slug)
    tenant = registry_of(current_app).tenants[filed.tenant]
    try:
        service.refuse(tenant, filed.id, reason, actor="cli")
    except service.NotApproved as exc:
        db.session.rollback()
        raise click.ClickException(f"{filed.label} {NOT_APPROVED[exc.reason]}") from exc
    except ValueError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"{filed.label} ({filed.tenant}) is now rejected.")
