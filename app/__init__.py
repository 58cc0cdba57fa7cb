"""The application factory."""

from flask import Flask, current_app
from werkzeug.middleware.proxy_fix import ProxyFix

from . import core, errors, observe, tenancy, web
from .config import load_settings
from .core import jobs
from .extensions import csrf, db, limiter, login_manager, migrate
from .web import input_guard


class Portal(Flask):
    """Flask with a Jinja environment that knows each tenant's template overrides."""

    jinja_environment = tenancy.theming.TenantEnvironment


def create_app(overrides: dict | None = None) -> Flask:
    """Build the portal: settings, extensions, tenants, features, error pages, commands."""
    app = Portal(__name__, instance_relative_config=True)
    app.config.from_mapping(load_settings(overrides))
    # First: its hooks give every request an id and time it, whatever answers it.
    observe.init_app(app)
    input_guard.init_app(app)
    _trust_proxies(app)
    _init_extensions(app)
    tenancy.init_app(app)
    core.init_app(app)
    web.init_app(app)
    # After tenancy, so rate-limit keys can see which tenant a request is for.
    limiter.init_app(app)
    _register_features(app)
    # After the features: the queue registers every job they declared.
    jobs.init_app(app)
    errors.init_app(app)
    app.after_request(_security_headers)
    app.after_request(_commit_once)
    _register_commands(app)
    return app


def _trust_proxies(app: Flask) -> None:
    hops = app.config["PORTAL_TRUSTED_PROXIES"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)


def _register_features(app: Flask) -> None:
    from . import (
        account,
        audit_feed,
        auth,
        billing,
        cabinets,
        chat,
        help,
        news,
        notify,
        options,
        passkeys,
        payments,
        profile,
        provisioning,
        recovery,
        sandbox,
        security,
        services,
        staff,
        statements,
        transfers,
        usage,
    )

    for feature in (
        audit_feed,
        auth,
        account,
        billing,
        services,
        notify,
        recovery,
        profile,
        cabinets,
        security,
        transfers,
        statements,
        options,
        payments,
        passkeys,
        provisioning,
        usage,
        help,
        chat,
        news,
        staff,
        sandbox,
    ):
        feature.init_app(app)


def _commit_once(response):
    # One commit per request, once the view has answered without an error: a view and the
    # services it calls only flush, so a failure half-way leaves nothing behind. Batch
    # jobs, and a payment that must be durable before the payer goes to the bank, commit
    # on their own.
    if response.status_code < 400:
        db.session.commit()
    else:
        db.session.rollback()
    return response


CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)


def _security_headers(response):
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    if hsts := current_app.config.get("PORTAL_HSTS"):
        headers.setdefault("Strict-Transport-Security", hsts)
    if response.mimetype == "text/html":
        # Pages show balances and personal data: never keep them in a shared cache.
        headers.setdefault("Cache-Control", "no-store")
    return response


def _register_commands(app: Flask) -> None:
    from .cli import register

    register(app)
