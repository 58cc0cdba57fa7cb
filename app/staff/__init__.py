"""The staff console: the ISP's operators, under /staff on the tenant's own hosts."""

from flask import Blueprint, Flask

bp = Blueprint("staff", __name__, url_prefix="/staff", template_folder="templates")


def init_app(app: Flask) -> None:
    from . import (  # noqa: F401
        access,
        auth_routes,
        cli,
        home_routes,
        lookup_routes,
        money_routes,
        team_routes,
    )

    app.register_blueprint(bp)
    cli.register(app)
