"""The profile page: contract facts, contacts confirmed by a code, language, login, data."""

from flask import abort, current_app, flash, g, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

import app.auth.service as auth_service
import app.notify.service as notify
from app.core.subscribers import subscriber_of
from app.core.verification import Outcome
from app.extensions import limiter
from app.persistence import utcnow

from . import bp, export, service
from .forms import CodeForm, EmailForm, ExportForm, LoginForm, PhoneForm

SESSION_KEY = "profile_contact"
CHANNELS = {"sms": PhoneForm, "email": EmailForm}
CODE_ERRORS = {
    Outcome.WRONG: lambda: _("The code is incorrect. Check the message and try again."),
    Outcome.EXPIRED: lambda: _("The code has expired. Please request a new one."),
    Outcome.LOCKED: lambda: _("Too many wrong codes. Please request a new one."),
    Outcome.GONE: lambda: _("This code is no longer valid. Use the newest code or request one."),
}


def _forms(**given):
    return {
        "phone_form": given.get("sms") or PhoneForm(prefix="sms"),
        "email_form": given.get("email") or EmailForm(prefix="email"),
        "login_form": given.get("login") or LoginForm(prefix="login"),
        "export_form": ExportForm(prefix="export"),
    }


def _page(status: int = 200, **given):
    subscriber = subscriber_of(g.tenant, current_user.subscriber_id)
    kind = service.login_kind(g.tenant)
    return render_template(
        "profile/index.html",
        subscriber=subscriber,
        contract=service.on_contract(g.tenant, subscriber),
        login_kind=kind,
        login=service.current_login(g.tenant, subscriber.id) if kind else None,
        **_forms(**given),
    ), status


def _password_ok(form) -> bool:
    profile = current_app.config["PORTAL_ARGON2_PROFILE"]
    if auth_service.check_password(
        g.tenant, current_user.subscriber_id, form.current.data, profile
    ):
        return True
    form.current.errors.append(_("The current password is incorrect."))
    return False


@bp.route("/")
@login_required
def index():
    return _page()


@bp.route("/phone", methods=["POST"])
@login_required
def start_phone():
    return _start_contact("sms")


@bp.route("/email", methods=["POST"])
@login_required
def start_email():
    return _start_contact("email")


def _start_contact(channel: str):
    auth_service.refuse_if_shared_demo(g.tenant, current_user.subscriber_id)
    form = CHANNELS[channel](prefix=channel)
    if not form.validate_on_submit() or not _password_ok(form):
        return _page(**{channel: form})
    value = service.normalised_contact(g.tenant, channel, form.value.data)
    if value is None:
        form.value.errors.append(
            _("Enter a mobile phone number, e.g. +7 913 555-12-34.")
            if channel == "sms"
            else _("Enter an e-mail address, e.g. name@example.ru.")
        )
        return _page(**{channel: form})
    issued = service.start_contact_change(g.tenant, current_user.subscriber_id, channel, value)
    if isinstance(issued, int):
        flash(_("Too many attempts. Please try again in %(minutes)s min.", minutes=issued), "error")
        return _page(status=429, **{channel: form})
    if issued is None:
        form.value.errors.append(str(service.CONTACT_REFUSED))
        return _page(**{channel: form})
    notify.send_contact_code(g.tenant, channel, value, issued.secret)
    session[SESSION_KEY] = {"handle": issued.handle, "channel": channel}
    return redirect(url_for("profile.confirm_contact"))


@bp.route("/contact/confirm", methods=["GET", "POST"])
@login_required
@limiter.limit("30 per 10 minutes", methods=["POST"])
def confirm_contact():
    state = session.get(SESSION_KEY)
    if not state:
        return redirect(url_for("profile.index"))
    form = CodeForm()
    error = None
    if form.validate_on_submit():
        auth_service.refuse_if_shared_demo(g.tenant, current_user.subscriber_id)
        outcome = service.finish_contact_change(
            g.tenant, current_user.subscriber_id, state["handle"], form.code.data
        )
        if outcome == Outcome.OK:
            session.pop(SESSION_KEY, None)
            flash(
                _("Your new phone is saved.")
                if state["channel"] == "sms"
                else _("Your new e-mail is saved."),
                "info",
            )
            return redirect(url_for("profile.index"))
        error = CODE_ERRORS[outcome]()
    return render_template("profile/code.html", form=form, error=error, channel=state["channel"]), (
        200 if error is None else 422
    )


@bp.route("/login", methods=["POST"])
@login_required
def change_login():
    auth_service.refuse_if_shared_demo(g.tenant, current_user.subscriber_id)
    if service.login_kind(g.tenant) is None:
        abort(404)
    form = LoginForm(prefix="login")
    if not form.validate_on_submit() or not _password_ok(form):
        return _page(login=form)
    problem = service.change_login(g.tenant, current_user.subscriber_id, form.login.data)
    if problem:
        form.login.errors.append(problem)
        return _page(login=form)
    flash(_("Your login is changed. From now on, log in with the new one."), "info")
    return redirect(url_for("profile.index"))


@bp.route("/data.zip", methods=["POST"])
@login_required
@limiter.limit("10 per hour")
def download_data():
    # The shared demo's sessions and logins are every visitor's, not this one's.
    auth_service.refuse_if_shared_demo(g.tenant, current_user.subscriber_id)
    form = ExportForm(prefix="export")
    if not form.validate_on_submit():
        return _page(status=400)
    readme = _(
        "Everything the personal account keeps about you, as of %(when)s UTC: data.json "
        "holds it all, the csv folder one table per file. Amounts are in kopecks.",
        when=utcnow().strftime("%Y-%m-%d %H:%M"),
    )
    body = export.archive(g.tenant, current_user.subscriber_id, readme + "\n")
    name = f"my-data-{utcnow():%Y%m%d}.zip"
    response = current_app.response_class(body, mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/first-login")
@login_required
def first_login():
    """Where At Home's first login leads once the password is set: the login offer."""
    if service.login_kind(g.tenant) is None:
        return redirect(url_for("account.dashboard"))
    flash(
        _("You may also choose a login of your own instead of the one from the contract."), "info"
    )
    return redirect(url_for("profile.index", _anchor="login-title"))
