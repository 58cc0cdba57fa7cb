"""The dashboard."""

from datetime import datetime

from flask import abort, g, render_template
from flask_babel import get_timezone
from flask_login import current_user, login_required

from . import bp, service


@bp.route("/")
@login_required
def dashboard():
    today = datetime.now(get_timezone()).date()
    subscriber = service.subscriber_profile(g.tenant, current_user.subscriber_id)
    if subscriber is None:
        abort(404)
    accounts = service.account_overview(g.tenant, current_user.subscriber_id, today)
    return render_template("account/dashboard.html", subscriber=subscriber, accounts=accounts)
