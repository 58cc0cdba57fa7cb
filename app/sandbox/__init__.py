"""The sandbox bank: a test acquirer shipped with the portal, like a gateway's test mode.

It has its own plain pages under /sandbox/… (card form, 3-D Secure step, mobile operator's
code, e-wallet confirmation), keeps its own records, and tells the portal the outcome only
through a signed server-to-server notification, exactly as a real gateway would.
"""

import os

from flask import Blueprint, Flask, abort, current_app

bp = Blueprint("sandbox", __name__, url_prefix="/sandbox", template_folder="templates")


def init_app(app: Flask) -> None:
    """Open the bank's pages, switched off in production unless asked for."""
    from . import models, routes  # noqa: F401  (tables and views register on import)

    _settings(app)
    app.register_blueprint(bp)


def _settings(app: Flask) -> None:
    env = os.environ.get
    # Overrides the sandbox merchant keys' master secret (default: SECRET_KEY).
    app.config.setdefault("PAYMENTS_SANDBOX_SECRET", env("PAYMENTS_SANDBOX_SECRET"))
    # The sandbox approves test cards: in production it is off unless explicitly switched on.
    default = "0" if app.config.get("PORTAL_ENV") == "production" else "1"
    enabled = env("PAYMENTS_SANDBOX_ENABLED", default).strip().lower() in {"1", "true", "yes", "on"}
    app.config.setdefault("PAYMENTS_SANDBOX_ENABLED", enabled)


@bp.before_request
def _switched_on() -> None:
    if not current_app.config.get("PAYMENTS_SANDBOX_ENABLED"):
        abort(404)
