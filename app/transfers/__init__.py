"""Wrong-account transfer requests: the subscriber asks staff to move a misdirected payment."""

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

bp = Blueprint("transfers", __name__, url_prefix="/transfers", template_folder="templates")


def init_app(app: Flask) -> None:
    from app.tenancy.theming import add_menu_item

    from . import models, routes  # noqa: F401  (views and tables register on import)
    from .cli import transfers_cli
    from .service import enabled

    app.register_blueprint(bp)
    add_menu_item(
        app, "transfers.index", _l("Payment to the wrong account"), order=40, visible=enabled
    )
    app.cli.add_command(transfers_cli)
