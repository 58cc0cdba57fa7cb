"""Logging in and out, sessions, passwords."""

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

bp = Blueprint("auth", __name__, template_folder="templates")


def init_app(app: Flask) -> None:
    from app.core.signals import login_unlocked
    from app.tenancy.theming import add_menu_item

    from . import limits, routes, sessions  # noqa: F401  (views attach to bp on import)

    sessions.init_app(app)
    login_unlocked.connect(limits.forget_failures)
    app.register_blueprint(bp)
    add_menu_item(app, "auth.change_password", _l("Change password"), order=90)
