"""Paying online: the pay pages, the provider interface, the sandbox bank and autopay."""

import os

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

bp = Blueprint(
    "payments",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/payments/static",
)
PAY_ENDPOINT = "payments.pay"


def has_payment_methods(tenant) -> bool:
    """Whether the ISP lists any way to pay at all."""
    return tenant is not None and bool(tenant.config.payments.methods)


def init_app(app: Flask) -> None:
    """Register the pay pages, the sandbox bank's pages and the «Top up» menu item."""
    from . import autopay_routes, models, public_routes, routes  # noqa: F401  (register on import)
    from .sandbox import bp as sandbox_bp
    from .sandbox import models as sandbox_models  # noqa: F401
    from .sandbox import routes as sandbox_routes  # noqa: F401

    _settings(app)
    app.register_blueprint(bp)
    app.register_blueprint(sandbox_bp)
    _add_menu_item(app)


def _settings(app: Flask) -> None:
    env = os.environ.get
    # Overrides the sandbox merchant keys' master secret (default: SECRET_KEY).
    app.config.setdefault("PAYMENTS_SANDBOX_SECRET", env("PAYMENTS_SANDBOX_SECRET"))
    # The sandbox approves test cards: in production it is off unless explicitly switched on.
    default = "0" if app.config.get("PORTAL_ENV") == "production" else "1"
    enabled = env("PAYMENTS_SANDBOX_ENABLED", default).strip().lower() in {"1", "true", "yes", "on"}
    app.config.setdefault("PAYMENTS_SANDBOX_ENABLED", enabled)


def _add_menu_item(app: Flask) -> None:
    from app.tenancy.theming import add_menu_item

    add_menu_item(app, PAY_ENDPOINT, _l("Top up"), order=20, visible=has_payment_methods)
