"""Logging in and out, sessions, passwords."""

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

bp = Blueprint("auth", __name__, template_folder="templates")


def init_app(app: Flask) -> None:
    from app.tenancy.theming import add_menu_item

    from . import routes, sessions  # noqa: F401  (views attach to bp on import)

    sessions.init_app(app)
    app.register_blueprint(bp)
    add_menu_item(app, "auth.change_password", _l("Change password"), order=90)
