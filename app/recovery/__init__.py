"""Getting back in: each tenant's password recovery flows, and recovery contacts."""

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

bp = Blueprint("recovery", __name__, url_prefix="/recover", template_folder="templates")


def init_app(app: Flask) -> None:
    from flask_login.signals import user_unauthorized

    from app.tenancy.theming import add_menu_item

    from . import contact_routes, models, routes  # noqa: F401  (views and tables register on import)

    app.register_blueprint(bp)
    user_unauthorized.connect(routes.back_to_new_password, app)
    add_menu_item(app, "recovery.contacts", _l("Password recovery"), order=80)
