"""Operator commands: flask tenants check|list|schema, flask demo seed (billing: its own cli)."""

import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from .extensions import db
from .tenancy import catalogue_locales, registry_of, tenant_roots
from .tenancy.loader import TenantConfigError
from .tenancy.registry import load_registry

tenants_cli = AppGroup("tenants", help="Inspect and validate tenant configuration.")
demo_cli = AppGroup("demo", help="Demo data.")


@tenants_cli.command("check")
@click.option("--dir", "folder", help="Tenants folder(s) to check instead of the configured ones.")
def tenants_check(folder: str | None) -> None:
    """Validate every tenant folder; print file:line: key: problem for each problem."""
    config = current_app.config
    roots = tenant_roots(folder or config["PORTAL_TENANTS_DIR"])
    catalogues = catalogue_locales(Path(config["BABEL_TRANSLATION_DIRECTORIES"]))
    try:
        registry = load_registry(roots, catalogues, dev_hosts=config["PORTAL_DEV_HOSTS"])
        problems = _demo_problems(registry)
    except TenantConfigError as exc:
        problems = [str(p) for p in exc.problems]
    if problems:
        for problem in problems:
            click.echo(problem, err=True)
        click.echo(f"{len(problems)} problem(s) found.", err=True)
        sys.exit(1)
    click.echo(f"{len(registry.tenants)} tenant(s) OK: {', '.join(registry.tenants)}")


def _demo_problems(registry) -> list[str]:
    from .demo.service import read_demo

    problems = []
    for tenant in registry.tenants.values():
        try:
            read_demo(tenant)
        except TenantConfigError as exc:
            problems += [str(p) for p in exc.problems]
    return problems


@tenants_cli.command("list")
def tenants_list() -> None:
    """Print every tenant with its hosts and regions."""
    registry = registry_of(current_app)
    for slug, tenant in registry.tenants.items():
        click.echo(f"{slug}: {tenant.config.name.get('ru')}")
        for host, site in sorted(registry.sites.items()):
            if site.tenant is tenant:
                where = f"region {site.region.code}" if site.region else "whole tenant"
                pinned = f", locale {site.locale}" if site.locale else ""
                click.echo(f"  {host}  ({where}{pinned})")


@tenants_cli.command("schema")
def tenants_schema() -> None:
    """Print the Markdown reference of every tenant.yaml and demo.yaml key."""
    from .demo.schema import DemoData
    from .tenancy.reference import reference
    from .tenancy.schema import TenantConfig

    click.echo(reference(TenantConfig, DemoData), nl=False)


@demo_cli.command("seed")
def demo_seed() -> None:
    """Create demo subscribers for every tenant (safe to run again)."""
    from .demo.service import read_demo, seed_tenant

    profile = current_app.config["PORTAL_ARGON2_PROFILE"]
    for tenant in registry_of(current_app).tenants.values():
        data = read_demo(tenant)
        if data is None:
            continue
        today = datetime.now(ZoneInfo(tenant.config.timezone)).date()
        created = seed_tenant(tenant, data, today, profile)
        db.session.commit()
        click.echo(f"{tenant.slug}: {created} demo subscriber(s) created")


def register(app: Flask) -> None:
    for group in (tenants_cli, demo_cli):
        app.cli.add_command(group)
