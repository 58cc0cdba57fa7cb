"""Subscriber lookup: find one by anything the caller says, see their side, help them in."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SearchField
from wtforms.validators import Length

import app.help.service as help_service
import app.notify.service as notify
import app.options.service as options_service
import app.statements.service as statements
from app.core import audit, devices
from app.core.ledger import kind_label
from app.core.subscribers import AccountStatus, accounts_of, subscriber_of
from app.tenancy.locale import current_locale
from app.web.input_guard import ID_MAX

from . import bp, lookup
from .access import may, requires
from .forms import ConfirmForm
from .home_routes import section
from .roles import Permission

section(
    "staff.subscribers",
    _l("Subscribers"),
    _l("Find a subscriber by login, contract, account, phone, e-mail, address or name."),
    Permission.LOOKUP,
)

ACCOUNT_STATUSES = {
    AccountStatus.ACTIVE: _l("active"),
    AccountStatus.BLOCKED: _l("blocked"),
    AccountStatus.PAUSED: _l("paused"),
}
# The outbox's statuses (app.notify.models.Status).
MESSAGE_STATUSES = {
    "pending": _l("waiting"),
    "sending": _l("sending"),
    "sent": _l("sent"),
    "failed": _l("not delivered"),
}


class SearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    q = SearchField(
        _l("Login, contract, account, phone, e-mail, address or name"),
        validators=[Length(max=200)],
    )


def _page_arg(name: str) -> int:
    value = request.args.get(name, "1")
    return int(value) if value.isdigit() and 0 < int(value) < 10_000 else 1


def subscriber_or_404(subscriber_id: int):
    """The subscriber of this tenant, or 404: another ISP's is not here."""
    subscriber = subscriber_of(g.tenant, subscriber_id)
    if subscriber is None:
        abort(404)
    return subscriber


@bp.route("/subscribers")
@requires(Permission.LOOKUP)
def subscribers():
    form = SearchForm(request.args)
    found = None
    if form.q.data and form.validate():
        found = lookup.search(g.tenant, form.q.data, _page_arg("page"))
    return render_template("staff/lookup/search.html", form=form, found=found)


def _zone(subscriber) -> str:
    return g.tenant.timezone(g.tenant.region(subscriber.region))


@bp.route("/subscribers/<int:subscriber_id>")
@requires(Permission.LOOKUP)
def subscriber(subscriber_id: int):
    person = subscriber_or_404(subscriber_id)
    accounts = accounts_of(g.tenant, person.id, with_points=True)
    chosen = next((a for a in accounts if a.number == request.args.get("account")), None)
    chosen = chosen or (accounts[0] if accounts else None)
    zone = _zone(person)
    locale = current_locale()
    statement = None
    if chosen is not None:
        older = request.args.get("older")
        statement = statements.statement_page(g.tenant, chosen.id, zone, locale, older)
    account_ids = [a.id for a in accounts]
    catalogue = {o.code: o for o in options_service.catalogue(g.tenant)}
    messages, more_messages = lookup.messages_to(g.tenant, person, _page_arg("messages"))
    return render_template(
        "staff/lookup/subscriber.html",
        person=person,
        accounts=accounts,
        chosen=chosen,
        statement=statement,
        kind_label=kind_label,
        options=options_service.activations(g.tenant, account_ids, open_only=True),
        catalogue=catalogue,
        sessions=devices.active_sessions(g.tenant.slug, person.id),
        logins=devices.history(g.tenant.slug, person.id),
        requests=help_service.requests_of(g.tenant, person.id),
        messages=messages,
        messages_page=_page_arg("messages"),
        more_messages=more_messages,
        can_resend=notify.resendable,
        account_statuses=ACCOUNT_STATUSES,
        message_statuses=MESSAGE_STATUSES,
        tariff_name=lambda code: _named(g.tenant.tariffs.get(code), code, locale),
        option_name=lambda code: _named(catalogue.get(code), code, locale),
        subject_name=lambda code: _named(help_service.subject(g.tenant, code), code, locale),
        may=may,
        Permission=Permission,
    )


def _named(item, code: str, locale: str) -> str:
    return g.tenant.text(item.name, locale) if item is not None else code


def _back(subscriber_id: int):
    return redirect(url_for("staff.subscriber", subscriber_id=subscriber_id))


@bp.route("/subscribers/<int:subscriber_id>/password", methods=["POST"])
@requires(Permission.SUBSCRIBER_SUPPORT)
def reset_subscriber_password(subscriber_id: int):
    person = subscriber_or_404(subscriber_id)
    if not ConfirmForm().validate_on_submit():
        return _back(person.id)
    phone = lookup.issue_temporary_password(g.tenant, person)
    if phone is None:
        flash(_("There is no phone on record to send a temporary password to."), "error")
        return _back(person.id)
    audit.record(
        g.tenant.slug,
        "support.temporary_password_sent",
        subscriber_id=person.id,
        target=f"subscriber:{person.id}",
        after={"channel": "sms"},
    )
    flash(_("A temporary password is on its way by SMS to the phone on record."), "info")
    return _back(person.id)


@bp.route("/subscribers/<int:subscriber_id>/unlock", methods=["POST"])
@requires(Permission.SUBSCRIBER_SUPPORT)
def unlock_subscriber(subscriber_id: int):
    person = subscriber_or_404(subscriber_id)
    if not ConfirmForm().validate_on_submit():
        return _back(person.id)
    lookup.unlock(g.tenant, person)
    audit.record(
        g.tenant.slug,
        "support.login_unlocked",
        subscriber_id=person.id,
        target=f"subscriber:{person.id}",
    )
    flash(_("The subscriber may try to log in again at once."), "info")
    return _back(person.id)


@bp.route("/subscribers/<int:subscriber_id>/sessions/end", methods=["POST"])
@requires(Permission.SUBSCRIBER_SUPPORT)
def end_subscriber_sessions(subscriber_id: int):
    person = subscriber_or_404(subscriber_id)
    if not ConfirmForm().validate_on_submit():
        return _back(person.id)
    before = len(devices.active_sessions(g.tenant.slug, person.id))
    lookup.end_sessions(g.tenant, person)
    audit.record(
        g.tenant.slug,
        "support.sessions_ended",
        subscriber_id=person.id,
        target=f"subscriber:{person.id}",
        before={"sessions": before},
        after={"sessions": 0},
    )
    flash(_("The subscriber is logged out on every device."), "info")
    return _back(person.id)


@bp.route("/subscribers/<int:subscriber_id>/resend", methods=["POST"])
@requires(Permission.SUBSCRIBER_SUPPORT)
def resend_subscriber_message(subscriber_id: int):
    person = subscriber_or_404(subscriber_id)
    # The message is a field of the form: one id per console URL, like every other.
    message_id = request.form.get("message", "")
    message = None
    if message_id.isdigit() and int(message_id) <= ID_MAX:
        message = lookup.message_to(g.tenant, person, int(message_id))
    if message is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        return _back(person.id)
    lookup.refuse_shared_demo(g.tenant, person)
    before = {
        "attempts": message.attempts,
        "due": message.next_attempt_at.isoformat(),
    }
    if not notify.resend(message):
        flash(
            _("This message cannot be sent again: its text is not kept once sent or given up."),
            "error",
        )
        return _back(person.id)
    audit.record(
        g.tenant.slug,
        "support.message_resent",
        subscriber_id=person.id,
        target=f"message:{message.id}",
        before=before,
        after={"attempts": 0, "due": message.next_attempt_at.isoformat()},
    )
    flash(_("The message goes out again now."), "info")
    return _back(person.id)
