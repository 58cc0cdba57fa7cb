"""flask staff import-run: take the remaining chunks of started CSV imports."""

import click
from flask import current_app

from app.tenancy import registry_of

from . import import_run
from .cli import staff_cli


@staff_cli.command("import-run")
@click.option("--tenant", default=None, help="Only this tenant's imports (all by default).")
def import_run_command(tenant: str | None) -> None:
    """Finish every started import whose page was closed; one commit per chunk."""
    tenants = registry_of(current_app).tenants
    if tenant is not None and tenant not in tenants:
        raise click.BadParameter(f"no tenant {tenant!r}", param_hint="--tenant")
    profile = current_app.config["PORTAL_ARGON2_PROFILE"]
    for slug in [tenant] if tenant else sorted(tenants):
        taken = import_run.run_pending(tenants[slug], profile)
        if taken:
            click.echo(f"{slug}: {taken} rows taken")
