"""The public recovery pages: ask, confirm the code or link, set the new password."""

from flask import abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

import app.auth.service as auth_service
import app.notify.service as notify
from app.core import verification
from app.core.subscribers import subscriber_of
from app.core.verification import Challenge, Outcome
from app.extensions import limiter
from app.tenancy.resolve import public_url
from app.tenancy.schema import Delivery
from app.web import login_session, pacing
from app.web.forms import NewPasswordForm

from . import bp, service
from .forms import CodeForm, chosen_delivery, request_form, typed_values
from .models import Purpose

SESSION_KEY = login_session.RESET_KEY


def _flow(code: str):
    for flow in g.tenant.config.recovery.flows:
        if flow.code == code:
            return flow
    abort(404)


def _profile() -> str:
    return current_app.config["PORTAL_ARGON2_PROFILE"]


@bp.route("")
def choose():
    if current_user.is_authenticated:
        return redirect(url_for("auth.change_password"))
    flows = g.tenant.config.recovery.flows
    if len(flows) == 1:
        return redirect(url_for("recovery.ask", code=flows[0].code))
    return render_template("recovery/choose.html", flows=flows)


@bp.route("/via/<code>", methods=["GET", "POST"])
def ask(code: str):
    flow = _flow(code)
    form = request_form(g.tenant, flow)
    if not form.validate_on_submit():
        return render_template("recovery/ask.html", flow=flow, form=form)
    started = pacing.started()
    delivery = chosen_delivery(form, flow)
    prepared = service.prepare(
        g.tenant, flow, delivery, typed_values(form, flow), request.remote_addr or ""
    )
    if prepared.wait_minutes:
        pacing.pad(started)
        message = _(
            "Too many attempts. Please try again in %(minutes)s min.", minutes=prepared.wait_minutes
        )
        return render_template("recovery/ask.html", flow=flow, form=form, error=message), 429
    _queue_message(prepared)
    pacing.pad(started)
    login_session.hold_reset(prepared.handle, flow.code)
    if delivery == Delivery.SMS_CODE:
        return redirect(url_for("recovery.code"))
    return redirect(url_for("recovery.sent", flow=flow.code, delivery=delivery.value))


def _queue_message(prepared) -> None:
    """Queue the secret when an account matched; it goes out after the response, and how
    that goes never shows here."""
    if prepared.subscriber_id is None:
        return
    if prepared.delivery == Delivery.SMS_CODE:
        notify.send_reset_code(g.tenant, prepared.destination, prepared.secret)
    elif prepared.delivery == Delivery.EMAIL_LINK:
        notify.send_reset_link(
            g.tenant,
            prepared.destination,
            public_url(g.tenant, url_for("recovery.link", token=prepared.secret)),
        )
    else:
        channel = service.channel_of(prepared.delivery)
        notify.send_temporary_password(g.tenant, channel, prepared.destination, prepared.secret)


@bp.route("/sent")
def sent():
    flow = _flow(request.args.get("flow", ""))
    delivery = request.args.get("delivery", "")
    if delivery not in {d.value for d in flow.deliver}:
        abort(404)
    return render_template("recovery/sent.html", flow=flow, delivery=delivery)


@bp.route("/code", methods=["GET", "POST"])
@limiter.limit("30 per 10 minutes", methods=["POST"])
def code():
    state = session.get(SESSION_KEY)
    if not state:
        return redirect(url_for("recovery.choose"))
    flow = _flow(state["flow"])
    form = CodeForm()
    error = None
    if form.validate_on_submit():
        outcome = verification.check_code(
            g.tenant.slug, state["handle"], form.code.data, g.tenant.config.recovery.max_guesses
        )
        if outcome == Outcome.OK:
            return redirect(url_for("recovery.new_password"))
        error = CODE_ERRORS[outcome]()
    return render_template("recovery/code.html", flow=flow, form=form, error=error)


CODE_ERRORS = {
    Outcome.WRONG: lambda: _("The code is incorrect. Check the SMS and try again."),
    Outcome.EXPIRED: lambda: _("The code has expired. Please request a new one."),
    Outcome.LOCKED: lambda: _("Too many wrong codes. Please request a new one."),
    Outcome.GONE: lambda: _("This code is no longer valid. Use the newest code or request one."),
}


@bp.route("/password", methods=["GET", "POST"])
def new_password():
    state = session.get(SESSION_KEY) or {}
    challenge = verification.verified(g.tenant.slug, state.get("handle", ""))
    if challenge is None:
        flash(_("Please start the recovery again."), "error")
        return redirect(url_for("recovery.choose"))
    return _set_password(challenge)


@bp.route("/link/<token>", methods=["GET", "POST"])
def link(token: str):
    outcome, challenge = verification.by_link_token(g.tenant.slug, token, Purpose.RESET)
    if challenge is None:
        message = (
            _("This link has expired. Please request a new one.")
            if outcome == Outcome.EXPIRED
            else _("This link is no longer valid: it was used, or a newer one was sent.")
        )
        return render_template("recovery/link_invalid.html", message=message), 410
    return _set_password(challenge)


def _set_password(challenge: Challenge):
    form = NewPasswordForm()
    if not form.validate_on_submit():
        return render_template("recovery/password.html", form=form)
    subscriber_id = service.complete_reset(g.tenant, challenge, form.new.data, _profile())
    _notify_changed(subscriber_id, challenge.channel)
    flow = next((f for f in g.tenant.config.recovery.flows if f.code == challenge.flow), None)
    logins = service.login_names(g.tenant, subscriber_id) if flow and flow.tell_login else []
    session.pop(SESSION_KEY, None)
    # Who typed a temporary password at login has just logged in with it, in effect.
    if g.tenant.config.recovery.log_in_after_reset or challenge.purpose == Purpose.TEMPORARY:
        user = auth_service.start_session(g.tenant.slug, subscriber_id)
        login_session.begin(user, method="reset")
        return redirect(url_for("account.dashboard"))
    flash(_("Your new password is set. Please log in with it."), "info")
    if logins:
        flash(_("Your login: %(login)s", login=logins[0]), "info")
    return redirect(url_for("auth.login"))


def _notify_changed(subscriber_id: int, used_channel: str) -> None:
    subscriber = subscriber_of(g.tenant, subscriber_id)
    target = service.other_channel(subscriber, used_channel)
    if target is None:
        return
    notify.send_password_changed(g.tenant, *target)


def back_to_new_password(sender, **extra) -> None:
    """A cabinet page asked for a login from a browser that typed a temporary password: it
    goes on to setting the new password instead (flask-login's user_unauthorized)."""
    state = session.get(SESSION_KEY) or {}
    tenant = g.get("tenant")
    if tenant is None or not state.get("temporary"):
        return
    if verification.verified(tenant.slug, state.get("handle", "")) is not None:
        abort(redirect(url_for("recovery.new_password")))
