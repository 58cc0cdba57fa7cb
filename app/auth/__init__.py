"""Logging in and out, sessions, passwords."""

from flask import Blueprint, Flask

bp = Blueprint("auth", __name__, template_folder="templates")


def init_app(app: Flask) -> None:
    from . import routes, sessions  # noqa: F401  (views attach to bp on import)

    sessions.init_app(app)
    app.register_blueprint(bp)
