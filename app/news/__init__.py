"""News and notices: the ISP's news, promotions and offers per region, and the outage and
maintenance notices of the dashboard, all from the tenant's YAML."""

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

bp = Blueprint(
    "news",
    __name__,
    url_prefix="/news",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)


def init_app(app: Flask) -> None:
    """Register the news page, the dismissal of a notice and the dashboard's notices."""
    from app.tenancy.theming import add_menu_item

    from . import models, routes  # noqa: F401  (the table registers on import)
    from .cli import news_cli
    from .service import has_news

    app.register_blueprint(bp)
    app.add_template_global(routes.dashboard_notices, "news_notices")
    add_menu_item(app, "news.index", _l("News"), order=40, visible=has_news)
    app.cli.add_command(news_cli)
