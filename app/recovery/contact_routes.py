"""Inside the cabinet: the phone and e-mail recovery uses, confirmed by a code."""

import logging

from flask import current_app, flash, g, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

import app.auth.service as auth_service
import app.notify.service as notify
from app.core.identifiers import normalise, normalise_phone
from app.core.subscribers import Subscriber, subscriber_of
from app.core.verification import Outcome
from app.tenancy.schema import IdentifierKind

from . import bp, service
from .forms import CodeForm, ContactForm, SwitchOffForm

log = logging.getLogger(__name__)
SESSION_KEY = "contact_challenge"
CONTACT_REFUSED = service.CONTACT_REFUSED


def _subscriber() -> Subscriber:
    return subscriber_of(g.tenant, current_user.subscriber_id)


def _password_ok(form) -> bool:
    profile = current_app.config["PORTAL_ARGON2_PROFILE"]
    if auth_service.check_password(
        g.tenant, current_user.subscriber_id, form.current.data, profile
    ):
        return True
    form.current.errors.append(_("The current password is incorrect."))
    return False


def _normalised(form: ContactForm) -> str | None:
    if form.channel.data == "sms":
        value = normalise_phone(form.value.data, g.tenant.config.phone_region)
        if value is None:
            form.value.errors.append(_("Enter a mobile phone number, e.g. +7 913 555-12-34."))
        return value
    value = normalise(IdentifierKind.EMAIL, form.value.data)
    if value is None:
        form.value.errors.append(_("Enter an e-mail address, e.g. name@example.ru."))
    return value


def _page(form=None, off_form=None, status: int = 200):
    subscriber = _subscriber()
    opt_in = any(f.requires_opt_in for f in g.tenant.config.recovery.flows)
    return render_template(
        "recovery/contacts.html",
        subscriber=subscriber,
        form=form or ContactForm(prefix="contact"),
        off_form=off_form or SwitchOffForm(prefix="off"),
        opt_in=opt_in,
        state=service.opt_in_state(g.tenant, subscriber),
    ), status


@bp.route("/contacts", methods=["GET"])
@login_required
def contacts():
    return _page()


@bp.route("/contacts", methods=["POST"])
@login_required
def confirm_contact_start():
    auth_service.refuse_if_shared_demo(g.tenant, current_user.subscriber_id)
    form = ContactForm(prefix="contact")
    if not form.validate_on_submit() or not _password_ok(form):
        return _page(form=form)
    value = _normalised(form)
    if value is None:
        return _page(form=form)
    issued = service.start_contact_confirmation(
        g.tenant, current_user.subscriber_id, form.channel.data, value
    )
    if isinstance(issued, int):
        flash(_("Too many attempts. Please try again in %(minutes)s min.", minutes=issued), "error")
        return _page(form=form, status=429)
    if issued is None:
        form.value.errors.append(str(CONTACT_REFUSED))
        return _page(form=form)
    notify.send_contact_code(g.tenant, form.channel.data, value, issued.secret)
    session[SESSION_KEY] = issued.handle
    return redirect(url_for("recovery.confirm_contact_code"))


@bp.route("/contacts/confirm", methods=["GET", "POST"])
@login_required
def confirm_contact_code():
    handle = session.get(SESSION_KEY)
    if not handle:
        return redirect(url_for("recovery.contacts"))
    form = CodeForm()
    error = None
    if form.validate_on_submit():
        auth_service.refuse_if_shared_demo(g.tenant, current_user.subscriber_id)
        outcome = service.finish_contact_confirmation(
            g.tenant, current_user.subscriber_id, handle, form.code.data
        )
        if outcome == Outcome.OK:
            session.pop(SESSION_KEY, None)
            flash(_("Confirmed. Password recovery will use it."), "info")
            return redirect(url_for("recovery.contacts"))
        error = _("The code is incorrect or no longer valid.")
    return render_template("recovery/contact_code.html", form=form, error=error)


@bp.route("/contacts/off", methods=["POST"])
@login_required
def switch_off():
    auth_service.refuse_if_shared_demo(g.tenant, current_user.subscriber_id)
    form = SwitchOffForm(prefix="off")
    if not form.validate_on_submit() or not _password_ok(form):
        return _page(off_form=form)
    service.switch_off(g.tenant, current_user.subscriber_id)
    flash(_("Password recovery is switched off."), "info")
    return redirect(url_for("recovery.contacts"))
