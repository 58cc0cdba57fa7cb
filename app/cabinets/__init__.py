"""«My contracts»: one person's several cabinets of the same ISP, linked, and a switch
between them in the header without logging in again."""

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

bp = Blueprint("cabinets", __name__, url_prefix="/contracts", template_folder="templates")


def offered(tenant) -> bool:
    """Whether the ISP offers linking cabinets (profile.linked_cabinets.offered)."""
    return tenant.config.profile.linked_cabinets.offered


def init_app(app: Flask) -> None:
    """Register the page and its actions, the menu entry, the header's list, and the
    unlinking of a cabinet whose password changes."""
    from app.tenancy.theming import add_menu_item

    from . import routes, service  # views attach to bp on import

    app.register_blueprint(bp)
    service.subscribe()
    add_menu_item(app, "cabinets.index", _l("My contracts"), order=79, visible=offered)
    # The header includes cabinets/_switch.html for a linked subscriber; it asks for its list.
    app.add_template_global(routes.linked_cabinets)
