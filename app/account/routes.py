"""The dashboard."""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import g, render_template
from flask_login import current_user, login_required

import app.billing.service as billing
import app.options.service as options
import app.statements.service as statements

from . import bp, service


@bp.route("/")
@login_required
def dashboard():
    # The region's timezone (the subscriber's own region, else the tenant's), the one the
    # page's dates and times are shown in.
    zone = g.tenant.timezone(g.region)
    today = datetime.now(ZoneInfo(zone)).date()
    # The session loader already found the subscriber within this tenant: no second query.
    accounts = service.account_overview(
        g.tenant, current_user.subscriber_id, current_user.region, today, zone
    )
    balances = {a.number: (a.balance, a.balance_updated_at) for a in accounts}
    charts = statements.balance_charts(g.tenant, current_user.subscriber_id, balances, today, zone)
    refusals = {
        a.number: billing.refusal_text(g.tenant, a.promised)
        for a in accounts
        if a.promised is not None and not a.promised.allowed
    }
    return render_template(
        "account/dashboard.html",
        name=current_user.name,
        accounts=accounts,
        charts=charts,
        refusals=refusals,
        quick_options=options.catalogue(g.tenant),
        # What the subscriber holds, for the news' personal offers: already loaded here.
        news_holdings={a.number: {p.tariff_code for p in a.points} for a in accounts},
    )
