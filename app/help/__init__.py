"""Help: the ISP's contacts for everyone, and requests to its staff with a thread of replies."""

from flask import Blueprint, Flask, g, has_request_context
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import escape

bp = Blueprint(
    "help",
    __name__,
    url_prefix="/help",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)
DEFAULT_NAME = _l("Requests")


class SectionName:
    """The ISP's name of the requests section («Обратная связь»), read when shown, so it
    fits where a lazy gettext string goes (the menu, page titles)."""

    def __str__(self) -> str:
        tenant = g.get("tenant") if has_request_context() else None
        own = tenant.config.help.requests.name if tenant is not None else None
        if own is None:
            return str(DEFAULT_NAME)
        return tenant.text(own, str(get_locale() or tenant.config.locales.default))

    def __html__(self) -> str:
        return str(escape(str(self)))


SECTION = SectionName()


def init_app(app: Flask) -> None:
    """Register the contacts page, the request pages and `flask help`."""
    from app.tenancy.theming import add_menu_item

    from . import models, routes  # noqa: F401  (views and tables register on import)
    from .cli import help_cli
    from .service import enabled

    app.register_blueprint(bp)
    add_menu_item(app, "help.requests", SECTION, order=50, visible=enabled)
    add_menu_item(app, "help.contacts", _l("Contacts"), order=95)
    app.cli.add_command(help_cli)
