"""The daily charging run and the promised payment (the ledger itself is app.core.ledger)."""

from flask import Blueprint, Flask

bp = Blueprint("billing", __name__, url_prefix="/promised-payment", template_folder="templates")
PROMISED_ENDPOINT = "billing.promised_page"


def has_promised_payment(tenant) -> bool:
    """Whether the ISP offers a promised payment at all."""
    return tenant is not None and tenant.config.billing.promised_payment is not None


def init_app(app: Flask) -> None:
    from . import models, routes, schedule  # noqa: F401  (tables, views, jobs register on import)
    from .cli import billing_cli

    app.register_blueprint(bp)
    app.cli.add_command(billing_cli)
    _add_menu_item(app)


def _add_menu_item(app: Flask) -> None:
    from app.tenancy.names import FeatureName
    from app.tenancy.theming import add_menu_item

    # «Отсрочка платежа», «Доверительный платёж»: each ISP's own word, read per request.
    label = FeatureName("promised_payment")
    add_menu_item(app, PROMISED_ENDPOINT, label, order=25, visible=has_promised_payment)
