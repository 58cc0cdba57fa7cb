"""The callback form: in the cabinet with the profile's name and phone, or from the
contacts page without logging in, with the picture code and a limit per address."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.core.budgets import network
from app.core.subscribers import subscriber_of

from . import SECTION, bp, callback, limits
from .forms import CallbackForm, CaptchaCallbackForm


def _form():
    logged_in = current_user.is_authenticated
    if not logged_in and not callback.rules(g.tenant).public:
        return None
    kind = CallbackForm if logged_in else CaptchaCallbackForm
    form = kind(tenant=g.tenant, windows=callback.windows(g.tenant, g.region))
    if logged_in and request.method == "GET":
        subscriber = subscriber_of(g.tenant, current_user.subscriber_id)
        form.name.data = subscriber.display_name
        form.phone.data = subscriber.phone
    return form


def _budget() -> tuple[str, int | str]:
    if current_user.is_authenticated:
        return "callback", current_user.subscriber_id
    return "public_callback", network(request.remote_addr or "")


@bp.route("/callback", methods=["GET", "POST"])
def callback_form():
    """Ask to be called back in one of the ISP's windows."""
    if not callback.enabled(g.tenant):
        abort(404)
    form = _form()
    if form is None:
        return redirect(url_for("auth.login", next=request.path))
    status = 200
    if form.validate_on_submit():
        action, who = _budget()
        wait = limits.wait_minutes(g.tenant, action, who)
        if wait is None:
            filed = callback.open_callback(
                g.tenant,
                g.region,
                current_user.subscriber_id if current_user.is_authenticated else None,
                form.name.data,
                form.phone.data,
                form.when.data,
                form.comment.data or "",
            )
            limits.spend(g.tenant, action, who)
            flash(
                _(
                    "We will call you back: your request %(number)s has been sent.",
                    number=filed.label,
                ),
                "info",
            )
            if current_user.is_authenticated:
                return redirect(url_for("help.detail", number=filed.number), 303)
            return redirect(url_for("help.contacts"), 303)
        form.name.errors = [*form.name.errors, _too_many(wait)]
        status = 429
    return render_template("help/callback.html", form=form, section=SECTION), status


def _too_many(minutes: int) -> str:
    return _(
        "Several calls have been asked for from here in a short time. Please try again in "
        "%(minutes)s min or call us.",
        minutes=minutes,
    )
