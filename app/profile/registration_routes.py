"""«Registration»: a cabinet for an existing contract, confirmed by a link to its e-mail."""

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

import app.notify.service as notify
from app.core.verification import Outcome
from app.tenancy.resolve import public_url
from app.web import pacing
from app.web.forms import NewPasswordForm

from . import registration, registration_bp
from .forms import registration_form, typed_values
from .registration import Reply


def _offered() -> None:
    if not g.tenant.config.profile.registration.offered:
        abort(404)


@registration_bp.route("", methods=["GET", "POST"])
def start():
    _offered()
    if current_user.is_authenticated:
        return redirect(url_for("account.dashboard"))
    form = registration_form(g.tenant)
    if not form.validate_on_submit():
        return render_template("profile/register.html", form=form)
    started = pacing.started()
    prepared = registration.prepare(
        g.tenant, typed_values(form, g.tenant), request.remote_addr or ""
    )
    if prepared.wait_minutes:
        pacing.pad(started)
        message = _(
            "Too many attempts. Please try again in %(minutes)s min.",
            minutes=prepared.wait_minutes,
        )
        return render_template("profile/register.html", form=form, error=message), 429
    _queue_message(prepared)
    pacing.pad(started)
    return redirect(url_for("registration.sent"))


def _queue_message(prepared: registration.Prepared) -> None:
    # Queued only; it goes out after the response, and how that goes never shows here.
    if prepared.reply == Reply.LINK:
        link = public_url(g.tenant, url_for("registration.link", token=prepared.secret))
        minutes = g.tenant.config.profile.registration.link_minutes
        notify.send_registration_link(g.tenant, prepared.destination, link, minutes)
    elif prepared.reply == Reply.EXISTS:
        notify.send_already_registered(
            g.tenant, prepared.destination, public_url(g.tenant, url_for("recovery.choose"))
        )


@registration_bp.route("/sent")
def sent():
    _offered()
    return render_template("profile/register_sent.html")


@registration_bp.route("/link/<token>", methods=["GET", "POST"])
def link(token: str):
    _offered()
    outcome, challenge = registration.open_link(g.tenant, token)
    if challenge is None:
        message = (
            _("This link has expired. Please register again.")
            if outcome == Outcome.EXPIRED
            else _("This link is no longer valid: it was used, or a newer one was sent.")
        )
        return render_template("profile/register_invalid.html", message=message), 410
    form = NewPasswordForm()
    if not form.validate_on_submit():
        return render_template("profile/register_password.html", form=form)
    logins = registration.complete(
        g.tenant, challenge, form.new.data, current_app.config["PORTAL_ARGON2_PROFILE"]
    )
    flash(_("Your personal account is ready. Please log in with your new password."), "info")
    if logins:
        flash(_("Your login: %(login)s", login=logins[0]), "info")
    return redirect(url_for("auth.login"))
