"""The sandbox bank: a test acquirer shipped with the portal, like a gateway's test mode.

It has its own plain pages under /sandbox/… (card form, 3-D Secure step, mobile operator's
code, e-wallet confirmation), keeps its own records, and tells the portal the outcome only
through a signed server-to-server notification, exactly as a real gateway would.
"""

from flask import Blueprint, abort, current_app

bp = Blueprint("sandbox", __name__, url_prefix="/sandbox", template_folder="templates")


@bp.before_request
def _switched_on() -> None:
    if not current_app.config.get("PAYMENTS_SANDBOX_ENABLED"):
        abort(404)
