"""Help: the ISP's contacts for everyone, and requests to its staff with a thread of replies."""

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

from app.tenancy.names import OwnName

bp = Blueprint(
    "help",
    __name__,
    url_prefix="/help",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)
# The ISP's name of the requests section («Обратная связь»): menu and page titles.
SECTION = OwnName(lambda config: config.help.requests.name, _l("Requests"))


def init_app(app: Flask) -> None:
    """Register the contacts page, the request pages and `flask help`."""
    from app.tenancy.theming import add_menu_item

    from . import callback_routes, models, routes, visit_routes  # noqa: F401  (they register)
    from .cli import help_cli
    from .service import enabled
    from .visit_reminders import subscribe
    from .visits import enabled as visits_on

    app.register_blueprint(bp)
    add_menu_item(app, "help.requests", SECTION, order=50, visible=enabled)
    add_menu_item(app, "help.visit_new", _l("Call a technician"), order=51, visible=visits_on)
    add_menu_item(app, "help.contacts", _l("Contacts"), order=95)
    app.cli.add_command(help_cli)
    subscribe()
