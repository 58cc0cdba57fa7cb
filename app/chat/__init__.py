"""Live chat with the ISP's consultants within the tenant's hours; a request outside them."""

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

bp = Blueprint(
    "chat",
    __name__,
    url_prefix="/help",
    template_folder="templates",
    static_folder="static",
    static_url_path="/chat-static",
)


def init_app(app: Flask) -> None:
    """Register the chat pages, its broker and `flask chat`."""
    from app.core.signals import logged_in
    from app.tenancy.theming import add_menu_item

    from . import broker, models, routes  # noqa: F401  (views and tables register on import)
    from .cli import chat_cli
    from .service import enabled

    broker.init_app(app)
    logged_in.connect(routes.carry_across_login)
    app.register_blueprint(bp)
    add_menu_item(app, "chat.page", _l("Online chat"), order=55, visible=enabled)
    app.cli.add_command(chat_cli)
