"""The subscriber's own profile: contacts, language, login name, their data; and
registering a cabinet for an existing contract."""

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

bp = Blueprint("profile", __name__, url_prefix="/profile", template_folder="templates")
registration_bp = Blueprint("registration", __name__, url_prefix="/register")


def init_app(app: Flask) -> None:
    from app.tenancy.theming import add_menu_item

    from . import registration_routes, routes  # noqa: F401  (views attach on import)

    app.register_blueprint(bp)
    app.register_blueprint(registration_bp)
    add_menu_item(app, "profile.index", _l("Profile"), order=78)
