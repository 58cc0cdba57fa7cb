"""The dashboard."""

from datetime import datetime

from flask import g, render_template
from flask_babel import get_timezone
from flask_login import current_user, login_required

from . import bp, service


@bp.route("/")
@login_required
def dashboard():
    today = datetime.now(get_timezone()).date()
    # The session loader already found the subscriber within this tenant: no second query.
    accounts = service.account_overview(g.tenant, current_user.subscriber_id, today)
    return render_template("account/dashboard.html", name=current_user.name, accounts=accounts)
