"""The subscriber's own cabinet: dashboard and account facts."""

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

bp = Blueprint("account", __name__, template_folder="templates")


def init_app(app: Flask) -> None:
    from app.tenancy.theming import add_menu_item

    from . import routes  # noqa: F401  (views attach to bp on import)

    app.register_blueprint(bp)
    add_menu_item(app, "account.dashboard", _l("My account"), order=10)
