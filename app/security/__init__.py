"""The «Security» page: where the subscriber is logged in, recent logins, ending sessions."""

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

bp = Blueprint("security", __name__, url_prefix="/security", template_folder="templates")


def init_app(app: Flask) -> None:
    from app.tenancy.theming import add_menu_item

    from . import routes  # noqa: F401  (views attach to bp on import)

    app.register_blueprint(bp)
    add_menu_item(app, "security.index", _l("Security"), order=85)
