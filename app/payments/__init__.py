"""Paying online: the pay pages, the provider registry and interface, autopay, receipts."""

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

bp = Blueprint(
    "payments",
    __name__,
    url_prefix="/payments",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)
PAY_ENDPOINT = "payments.pay"


def has_payment_methods(tenant) -> bool:
    """Whether the ISP lists any way to pay at all."""
    return tenant is not None and bool(tenant.config.payments.methods)


def init_app(app: Flask) -> None:
    """Register the pay pages, the payment providers, autopay's daily job and the menu item."""
    from . import autopay, autopay_routes, models, public_routes, receipts, routes  # noqa: F401
    from .providers import register_provider
    from .providers.sandbox import SandboxProvider

    register_provider(app, SandboxProvider())
    autopay.subscribe()
    receipts.subscribe()
    app.register_blueprint(bp)
    _add_menu_item(app)


def _add_menu_item(app: Flask) -> None:
    from app.tenancy.theming import add_menu_item

    add_menu_item(app, PAY_ENDPOINT, _l("Top up"), order=20, visible=has_payment_methods)
