"""flask news send: tell subscribers their region's current news through their chosen channel."""

import click
from flask import current_app
from flask.cli import AppGroup

from app.extensions import db
from app.tenancy import registry_of

from . import service

news_cli = AppGroup("news", help="News of the regions: send them to subscribers.")


@news_cli.command("send")
@click.option("--tenant", "slug", help="Only this tenant.")
def news_send(slug: str | None) -> None:
    """Tell each subscriber every current item of their region once (a rerun tells nothing
    new); meant for the daily run."""
    tenants = registry_of(current_app).tenants
    if slug is not None and slug not in tenants:
        raise click.BadParameter(f"no tenant {slug!r}", param_hint="--tenant")
    for tenant in tenants.values():
        if slug is not None and tenant.slug != slug:
            continue
        told = service.send(tenant)
        # A commit per tenant: one ISP's failure does not undo what another's subscribers got.
        db.session.commit()
        click.echo(f"{tenant.slug}: {told} passed to the notification centre")
