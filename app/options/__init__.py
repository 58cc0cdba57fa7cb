"""Options: pauses, boosts, temporary blocks, add-ons and one-off orders («My services»)."""

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

bp = Blueprint(
    "options",
    __name__,
    url_prefix="/my-services",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)


def has_options(tenant) -> bool:
    """Whether the ISP offers any option the cabinet can switch."""
    from .service import catalogue

    return tenant is not None and bool(catalogue(tenant))


def init_app(app: Flask) -> None:
    """Register the pages, the menu item, the daily fees and the operator commands."""
    from app.tenancy.theming import add_menu_item

    from . import models, routes  # noqa: F401  (tables and views register on import)
    from .cli import options_cli
    from .jobs import subscribe

    app.register_blueprint(bp)
    app.cli.add_command(options_cli)
    subscribe()
    add_menu_item(app, "options.my_services", _l("My services"), order=20, visible=has_options)
