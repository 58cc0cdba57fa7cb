"""Usage: what the ISP's accounting counted, imported by it, shown as the «Traffic» page."""

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

bp = Blueprint(
    "usage",
    __name__,
    url_prefix="/usage",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)


def has_usage(tenant) -> bool:
    """Whether the ISP's accounting can send usage at all (a token variable is named)."""
    link = tenant.config.provisioning if tenant is not None else None
    return link is not None and link.usage_token_env is not None


def init_app(app: Flask) -> None:
    """Register the «Traffic» page, the import endpoint and `flask usage import`."""
    from app.tenancy.theming import add_menu_item

    from . import import_routes, models, routes  # noqa: F401  (views attach to bp on import)
    from .cli import usage_cli

    app.register_blueprint(bp)
    app.cli.add_command(usage_cli)
    add_menu_item(app, "usage.traffic", _l("Traffic"), order=35, visible=has_usage)
