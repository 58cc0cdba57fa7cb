"""Seeing the money: the statement, its CSV, payment receipts, the bank receipt, the chart."""

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

bp = Blueprint(
    "statements",
    __name__,
    url_prefix="/statement",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)


def init_app(app: Flask) -> None:
    """Register the pages, the «Statement» menu item and the dashboard's chart helper."""
    from app.tenancy.theming import add_menu_item

    from . import receipt_routes, routes  # noqa: F401  (views attach to bp on import)

    app.register_blueprint(bp)
    add_menu_item(app, "statements.statement", _l("Statement"), order=30)
