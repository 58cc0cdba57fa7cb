"""flask staff create|grant|reset: staff accounts from the command line (the first one)."""

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app.extensions import db
from app.tenancy import registry_of

from . import service
from .roles import Role

staff_cli = AppGroup("staff", help="Staff accounts of the console.")
ROLES = click.Choice([r.value for r in Role])


def _tenant(slug: str) -> str:
    if slug not in registry_of(current_app).tenants:
        raise click.BadParameter(f"no tenant {slug!r}", param_hint="--tenant")
    return slug


def _profile() -> str:
    return current_app.config["PORTAL_ARGON2_PROFILE"]


@staff_cli.command("create")
@click.option("--tenant", required=True, help="The tenant's slug (its folder under tenants/).")
@click.option("--email", required=True, help="The staff member's e-mail: their login.")
@click.option("--name", required=True, help="Their name as colleagues see it.")
@click.option("--role", type=ROLES, default=Role.ADMINISTRATOR.value, show_default=True)
def create(tenant: str, email: str, name: str, role: str) -> None:
    """Create a staff account with a role in a tenant; prints its temporary password."""
    slug = _tenant(tenant)
    try:
        account, password = service.create_account(email, name, _profile())
    except service.StaffError as exc:
        raise click.ClickException(str(exc)) from exc
    service.grant(account, slug, Role(role))
    db.session.commit()
    click.echo(f"{account.email}: {role} of {slug}. Temporary password: {password}")
    click.echo("At the first login they set their own password and an authenticator app.")


@staff_cli.command("grant")
@click.option("--tenant", required=True)
@click.option("--email", required=True)
@click.option("--role", type=ROLES, required=True)
def grant(tenant: str, email: str, role: str) -> None:
    """Give an existing staff account a role in another tenant (or change it there)."""
    slug = _tenant(tenant)
    account = service.account_by_email(email)
    if account is None:
        raise click.ClickException(f"no staff account {email!r}")
    service.grant(account, slug, Role(role))
    db.session.commit()
    click.echo(f"{account.email}: {role} of {slug}.")


@staff_cli.command("reset")
@click.option("--email", required=True)
def reset(email: str) -> None:
    """A new temporary password and authenticator enrolment for a staff account."""
    account = service.account_by_email(email)
    if account is None:
        raise click.ClickException(f"no staff account {email!r}")
    password = service.reset_login(account, _profile())
    db.session.commit()
    click.echo(f"{account.email}: temporary password {password}; enrol the authenticator anew.")


def register(app: Flask) -> None:
    app.cli.add_command(staff_cli)
