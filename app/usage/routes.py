"""The «Traffic» page: a point's daily bytes in and out as a chart and as a table."""

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.units import format_unit
from flask import g, render_template, request
from flask_login import current_user, login_required

from app.tenancy.locale import current_locale
from app.web.chart import shape

from . import bp, service
from .forms import RECENT, TrafficForm, period_choices, period_days

# Decimal units, as ISPs count and bill them: 1 GB is 10^9 bytes.
UNITS = ((10**9, "digital-gigabyte"), (10**6, "digital-megabyte"), (10**3, "digital-kilobyte"))


@bp.route("/")
@login_required
def traffic():
    """The chosen point's traffic over the chosen period (the last 30 days unless asked)."""
    points = service.points_of(g.tenant, current_user.subscriber_id)
    if not points:
        return render_template("usage/traffic.html", points=points, form=None)
    today = datetime.now(ZoneInfo(g.tenant.timezone(g.region))).date()
    form = TrafficForm(request.args)
    form.point.choices = [(str(p.id), f"{number}: {p.address}") for number, p in points]
    form.period.choices = period_choices(today)
    form.point.data = form.point.data or str(points[0][1].id)
    form.period.data = form.period.data or RECENT
    if not form.validate():
        # A point that is not the subscriber's own, or a period not offered: what a foreign
        # object gets, so the page never tells which point ids exist.
        return render_template("usage/traffic.html", points=points, form=form), 404
    first, last = period_days(form.period.data, today)
    days = service.point_days(g.tenant, int(form.point.data), first, last)
    top = max(max(days.bytes_in), max(days.bytes_out))
    unit = next(((size, name) for size, name in UNITS if top >= size), UNITS[-1])
    return render_template(
        "usage/traffic.html",
        points=points,
        form=form,
        point=next(p for _, p in points if str(p.id) == form.point.data),
        days=days,
        rows=list(zip(days.days, days.bytes_in, days.bytes_out, strict=True))[::-1],
        inbound=shape(days.bytes_in, high=top),
        outbound=shape(days.bytes_out, high=top),
        amount=lambda n: _amount(n, unit),
        total_in=sum(days.bytes_in),
        total_out=sum(days.bytes_out),
    )


def _amount(count: int, unit: tuple[int, str]) -> str:
    size, name = unit
    return format_unit(
        count / size, name, length="short", format="#,##0.##", locale=current_locale()
    )
