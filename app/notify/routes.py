"""The notification centre: a channel per event, and the subscriber's quiet hours."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.core.scoped import get_owned
from app.core.subscribers import Subscriber
from app.tenancy.notify_schema import EVENTS

from . import bp, preferences

EVENT_NAMES = {
    "payment_credited": _l("Payment credited"),
    "low_balance": _l("The money runs out in a few days"),
    "suspension": _l("Access suspended for debt, or restored"),
    "promised_due": _l("Promised payment written off tomorrow"),
    "request_answered": _l("Reply to your request"),
    "visit_reminder": _l("Technician's visit"),
    "region_news": _l("News of your region"),
}
CHANNEL_NAMES = {"email": _l("E-mail"), "sms": _l("SMS"), "none": _l("Do not notify")}
HOURS = tuple(f"{hour:02d}:00" for hour in range(24))


def _subscriber() -> Subscriber:
    subscriber = get_owned(Subscriber, g.tenant, current_user.subscriber_id)
    if subscriber is None:
        abort(404)
    return subscriber


def _clocks(default) -> list[str]:
    # The ISP's own hours (22:30, say) stay choosable next to the whole hours.
    extra = {default.start, default.end} if default else set()
    return sorted(set(HOURS) | extra)


@bp.route("/")
@login_required
def centre():
    subscriber = _subscriber()
    default = g.tenant.config.notifications.quiet_hours
    own = preferences.quiet_hours(g.tenant, subscriber.id)
    return render_template(
        "notify/centre.html",
        choices=preferences.choices(g.tenant, subscriber.id),
        offered=preferences.offered(g.tenant, subscriber),
        subscriber=subscriber,
        event_names=EVENT_NAMES,
        channel_names=CHANNEL_NAMES,
        default_quiet=default,
        quiet=own,
        quiet_mode=preferences.quiet_mode(g.tenant, subscriber.id),
        clocks=_clocks(default),
        reminder_days=g.tenant.config.notifications.reminders.days_left,
    )


def _refuse_shared_demo():
    if current_user.shared_demo:
        flash(
            _("This is a public demo account: its notification settings cannot be changed."),
            "error",
        )
        return redirect(url_for("notify.centre"), 303)
    return None


@bp.route("/events/<event>", methods=["POST"])
@login_required
def choose(event: str):
    if event not in EVENTS:
        abort(404)
    if refused := _refuse_shared_demo():
        return refused
    channel = request.form.get("channel", "")
    try:
        preferences.choose(g.tenant, _subscriber(), event, channel)
    except ValueError:
        flash(_("Please choose one of the ways offered."), "error")
        return redirect(url_for("notify.centre", _anchor=event), 303)
    flash(
        _(
            "Saved: %(event)s — %(channel)s.",
            event=EVENT_NAMES[event],
            channel=CHANNEL_NAMES[channel],
        ),
        "info",
    )
    return redirect(url_for("notify.centre", _anchor=event), 303)


@bp.route("/quiet-hours", methods=["POST"])
@login_required
def quiet_hours():
    if refused := _refuse_shared_demo():
        return refused
    subscriber = _subscriber()
    mode = request.form.get("mode", "")
    start, end = request.form.get("start", ""), request.form.get("end", "")
    clocks = _clocks(g.tenant.config.notifications.quiet_hours)
    if mode == "default":
        preferences.forget_quiet_hours(g.tenant, subscriber.id)
    elif mode == "off":
        preferences.set_quiet_hours(g.tenant, subscriber.id, None)
    elif mode == "own" and start in clocks and end in clocks and start != end:
        preferences.set_quiet_hours(g.tenant, subscriber.id, (start, end))
    else:
        flash(
            _("Please choose when the quiet hours begin and end; they cannot be the same."), "error"
        )
        return redirect(url_for("notify.centre", _anchor="quiet"), 303)
    flash(_("Your quiet hours are saved."), "info")
    return redirect(url_for("notify.centre", _anchor="quiet"), 303)
