"""The staff console: the ISP's operators, under /staff on the tenant's own hosts."""

from flask import Blueprint, Flask

bp = Blueprint("staff", __name__, url_prefix="/staff", template_folder="templates")


def init_app(app: Flask) -> None:
    from . import access, audit_routes, auth_routes, cli, home_routes, team_routes  # noqa: F401

    app.register_blueprint(bp)
    cli.register(app)
