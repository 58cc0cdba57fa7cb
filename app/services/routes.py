"""The services pages: the catalogue, changing a point's tariff, the SMS code, cancelling."""

import logging

from flask import abort, flash, g, redirect, render_template, session, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user, login_required

import app.options.service as options
from app.core.subscribers import subscriber_of
from app.core.verification import Outcome
from app.extensions import db
from app.tenancy.schema import ChangeTiming
from app.tenancy.theming import text

from . import bp, service
from .forms import CancelForm, ChangeForm, CodeForm, ConfirmForm
from .rules import Quote, Refusal, rules_of
from .words import TIMING_LABELS, option_terms, refusal_text, refused_text, rules_text

log = logging.getLogger(__name__)
SESSION_KEY = "tariff_challenge"
BACK = {"dashboard": "account.dashboard", "services": "services.catalogue"}


def _subscriber():
    subscriber = subscriber_of(g.tenant, current_user.subscriber_id)
    if subscriber is None:
        abort(404)
    return subscriber


@bp.route("/", methods=["GET"])
@login_required
def catalogue():
    subscriber = _subscriber()
    rules = rules_of(g.tenant)
    points = service.points_of(g.tenant, subscriber.id)
    accounts = sorted({choice.account.id for choice in points})
    return render_template(
        "services/catalogue.html",
        offers=service.catalogue(g.tenant, subscriber),
        points=points,
        # The subscriber's own options first, beside each point's tariff.
        running=options.activations(g.tenant, accounts, open_only=True),
        options=g.tenant.config.catalogue.options,
        option_terms=option_terms,
        rules=rules_text(rules),
        # The option engine switches them on «My services»; this page only lists them.
        switchable=bool(options.catalogue(g.tenant)),
        refused_text=refused_text,
    )


def _change_form(subscriber, choice) -> ChangeForm:
    form = ChangeForm()
    offers = service.catalogue(g.tenant, subscriber)
    form.tariff.choices = [
        (o.tariff.code, text(o.tariff.name))
        for o in offers
        if o.tariff.code != choice.point.tariff_code
    ]
    timings = rules_of(g.tenant).timing
    form.timing.choices = [(t.value, str(TIMING_LABELS[t])) for t in timings]
    if len(timings) == 1:
        form.timing.data = timings[0].value
    form.offers = {o.tariff.code: o for o in offers}
    return form


def _point(point_id: int):
    choice = service.point_of(g.tenant, current_user.subscriber_id, point_id)
    if choice is None:
        abort(404)
    return choice


@bp.route("/points/<int:point_id>/tariff", methods=["GET", "POST"])
@login_required
def change_tariff(point_id: int):
    subscriber = _subscriber()
    choice = _point(point_id)
    form = _change_form(subscriber, choice)
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return _change_page(form, choice, status)
    timing = ChangeTiming(form.timing.data)
    terms = service.preview(g.tenant, subscriber, choice, form.tariff.data, timing)
    if not terms.allowed:
        form.tariff.errors = [refusal_text(terms)]
        return _change_page(form, choice, 409, top_up=terms.refusal == Refusal.BALANCE)
    if service.needs_confirmation(g.tenant, timing, terms) and form.confirmed.data != "1":
        # Not from the posted data: it carries confirmed="" from the first step.
        confirm = ConfirmForm(
            formdata=None, tariff=form.tariff.data, timing=timing.value, confirmed="1"
        )
        return render_template(
            "services/summary.html",
            form=confirm,
            choice=choice,
            target=g.tenant.tariffs[form.tariff.data],
            terms=terms,
            timing=TIMING_LABELS[timing],
            sms=rules_of(g.tenant).confirm_by_sms,
        )
    if rules_of(g.tenant).confirm_by_sms:
        return _send_code(subscriber, choice, form.tariff.data, timing)
    ordered = service.order(g.tenant, subscriber, choice.point.id, form.tariff.data, timing)
    return _finish(ordered, choice.account.number)


def _change_page(form, choice, status: int, top_up: bool = False):
    return (
        render_template(
            "services/change.html",
            form=form,
            choice=choice,
            rules=rules_text(rules_of(g.tenant)),
            top_up=top_up,
        ),
        status,
    )


def _finish(result, account_number: str | None = None):
    if isinstance(result, Quote):
        db.session.rollback()
        flash(refusal_text(result), "error")
        if result.refusal == Refusal.BALANCE:
            # The balance fell between the summary and the confirmation: on to topping up.
            return redirect(url_for("payments.pay", account=account_number))
        return redirect(url_for("services.catalogue"))
    name = text(g.tenant.tariffs[result.to_code].name)
    if result.status == service.ChangeStatus.APPLIED:
        flash(_("Done: the tariff is now «%(tariff)s».", tariff=name), "info")
    else:
        flash(
            _(
                "Done: from %(date)s the tariff becomes «%(tariff)s». You can cancel the "
                "change until then.",
                date=format_date(result.effective_on, "long"),
                tariff=name,
            ),
            "info",
        )
    return redirect(url_for("services.catalogue"))


def _send_code(subscriber, choice, code: str, timing: ChangeTiming):
    try:
        sent = service.send_code(g.tenant, subscriber, choice, code, timing)
    except ValueError:  # the phone on record is not a number a text can go to
        log.warning("tariff change code not sent", exc_info=True)
        db.session.rollback()
        flash(_("We could not send the SMS right now. Please try again in a few minutes."), "error")
        return redirect(url_for("services.catalogue"))
    if sent.no_phone:
        flash(_("There is no mobile phone on record to send the code to. Please call us."), "error")
        return redirect(url_for("services.catalogue"))
    if sent.wait_minutes is not None:
        flash(
            _("Too many attempts. Please try again in %(minutes)s min.", minutes=sent.wait_minutes),
            "error",
        )
        return redirect(url_for("services.catalogue"))
    session[SESSION_KEY] = sent.handle
    return redirect(url_for("services.confirm_code"))


CODE_ERRORS = {
    Outcome.WRONG: lambda: _("The code is incorrect. Please check the SMS and try again."),
    Outcome.EXPIRED: lambda: _("The code has expired. Please ask for a new one."),
    Outcome.LOCKED: lambda: _("Too many wrong codes. Please ask for a new one."),
    Outcome.GONE: lambda: _("The code is no longer valid. Please ask for a new one."),
}


@bp.route("/confirm", methods=["GET", "POST"])
@login_required
def confirm_code():
    handle = session.get(SESSION_KEY)
    if not handle:
        return redirect(url_for("services.catalogue"))
    form = CodeForm()
    if form.validate_on_submit():
        subscriber = _subscriber()
        outcome, result = service.confirm(g.tenant, subscriber, handle, form.code.data)
        if outcome == Outcome.OK and result is not None:
            session.pop(SESSION_KEY, None)
            return _finish(result)
        form.code.errors.append(CODE_ERRORS[outcome]())
    minutes = g.tenant.config.recovery.code_minutes
    return render_template("services/code.html", form=form, minutes=minutes)


@bp.route("/changes/<int:change_id>/cancel", methods=["POST"])
@login_required
def cancel_change(change_id: int):
    form = CancelForm()
    if not form.validate_on_submit():
        abort(400)
    if not service.cancel(g.tenant, current_user.subscriber_id, change_id):
        abort(404)
    flash(_("The tariff change is cancelled."), "info")
    return redirect(url_for(BACK.get(form.back.data, "services.catalogue")))
