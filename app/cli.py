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
@click.option(
    "--scale",
    type=click.IntRange(min=1),
    help="Also add this many load-test subscribers across the tenants (PostgreSQL only).",
)
@click.option(
    "--entries",
    type=click.IntRange(min=1, max=1000),
    default=30,
    show_default=True,
    help="Ledger entries per load-test account.",
)
@click.option(
    "--deep",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Extra entries on one load-test account (a statement many pages long).",
)
@click.option("--tenant", "slugs", multiple=True, help="Load-test data only for these tenants.")
def demo_seed(scale: int | None, entries: int, deep: int, slugs: tuple[str, ...]) -> None:
    """Create demo subscribers for every tenant (safe to run again); --scale adds many."""
    from .demo.scale import ScaleError, check_database
    from .demo.service import read_demo, seed_tenant

    if scale:
        try:
            check_database()
        except ScaleError as exc:
            raise click.ClickException(str(exc)) from None

    profile = current_app.config["PORTAL_ARGON2_PROFILE"]
    for tenant in registry_of(current_app).tenants.values():
        data = read_demo(tenant)
        if data is None:
            continue
        today = datetime.now(ZoneInfo(tenant.config.timezone)).date()
        created = seed_tenant(tenant, data, today, profile)
        db.session.commit()
        click.echo(f"{tenant.slug}: {created} demo subscriber(s) created")
    if scale:
        _seed_scale(scale, entries, deep, slugs)


def _seed_scale(count: int, entries: int, deep: int, slugs: tuple[str, ...]) -> None:
    from .demo.scale import SCALE_PASSWORD, ScaleError, seed_scale

    tenants = registry_of(current_app).tenants
    unknown = [slug for slug in slugs if slug not in tenants]
    if unknown:
        raise click.BadParameter(f"no tenant {unknown[0]!r}", param_hint="--tenant")
    chosen = [tenants[slug] for slug in slugs] if slugs else list(tenants.values())
    profile = current_app.config["PORTAL_ARGON2_PROFILE"]
    with click.progressbar(length=count, label="load-test subscribers", file=sys.stderr) as bar:
        try:
            report = seed_scale(chosen, count, entries, deep, profile, progress=bar.update)
        except ScaleError as exc:
            raise click.ClickException(str(exc)) from None
    for slug, made in report.by_tenant.items():
        click.echo(f"{slug}: {made} load-test subscriber(s)")
    click.echo(
        f"{report.subscribers} subscriber(s), {report.entries} ledger entries in "
        f"{report.seconds:.1f} s; password {SCALE_PASSWORD!r}"
        + (f"; account {report.deep_account} has {deep} more entries" if deep else "")
    )


def register(app: Flask) -> None:
    for group in (tenants_cli, demo_cli):
        app.cli.add_command(group)
