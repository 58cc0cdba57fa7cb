"""The promised-payment pages: the rule in plain words, a button per account, the code."""

import logging

from flask import abort, flash, g, redirect, render_template, session, url_for
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core.money import money
from app.core.scoped import get_owned
from app.core.subscribers import Account, account_of, accounts_of, subscriber_of
from app.core.verification import Outcome
from app.extensions import db
from app.persistence import utcnow

from . import bp, confirmation, has_promised_payment, promised
from .forms import CodeForm, TakeForm
from .models import PromisedPayment
from .promised import Offer, Refusal

log = logging.getLogger(__name__)
SESSION_KEY = "promised_challenge"


def refusal_text(offer: Offer) -> str:
    """Why the promised payment cannot be taken, naming the rule that stops it."""
    rule = offer.rule
    if offer.refusal == Refusal.OPEN:
        due = promised.due_on(g.tenant, offer.open) if offer.open else offer.due_on
        return _(
            "The previous promised payment is not repaid yet. A new one is possible once it "
            "is written off on %(date)s",
            date=format_date(due, "long"),
        )
    if offer.refusal == Refusal.USED_UP:
        return _used_up_text(rule)
    messages = {
        Refusal.ORGANISATION: _(
            "A promised payment is for persons only: it cannot be taken on an organisation's "
            "account."
        ),
        Refusal.NEW_CONTRACT: ngettext(
            "A promised payment is not possible in the first %(num)s day after the contract "
            "is signed. It will be possible from %(date)s.",
            "A promised payment is not possible in the first %(num)s days after the contract "
            "is signed. It will be possible from %(date)s.",
            rule.min_contract_days,
            date=format_date(offer.possible_from, "long") if offer.possible_from else "",
        ),
        Refusal.PAUSED: _("The account is paused, so there is no access to restore."),
        Refusal.NOT_NEGATIVE: _(
            "There is money on the balance: a promised payment is only possible when the "
            "balance is negative."
        ),
        Refusal.DEBT_TOO_BIG: _(
            "The debt of %(debt)s is too big: a promised payment is possible for a debt of "
            "at most %(limit)s. Please top up the balance.",
            debt=money(offer.debt),
            limit=money(rule.max_debt),
        ),
        Refusal.NOTHING_TO_LEND: _("This account has no monthly fee, so there is nothing to lend."),
    }
    return messages[offer.refusal]


def _used_up_text(rule) -> str:
    if rule.period == "rolling":
        return ngettext(
            "Already used: the promised payment can be taken %(num)s time in any %(days)s days.",
            "Already used: the promised payment can be taken %(num)s times in any %(days)s days.",
            rule.times,
            days=rule.window_days,
        )
    return ngettext(
        "Already used this month: the promised payment can be taken %(num)s time a month.",
        "Already used this month: the promised payment can be taken %(num)s times a month.",
        rule.times,
    )


def _rule():
    if not has_promised_payment(g.tenant):
        abort(404)
    return g.tenant.config.billing.promised_payment


def _page(status: int = 200):
    rule = _rule()
    now = utcnow()
    cards = []
    for account in accounts_of(g.tenant, current_user.subscriber_id):
        offer = promised.offer(g.tenant, account, now)
        reason = refusal_text(offer) if offer.refusal else None
        cards.append((account, offer, reason))
    return render_template("billing/promised.html", rule=rule, cards=cards), status


@bp.route("", methods=["GET"])
@login_required
def promised_page():
    return _page()


@bp.route("", methods=["POST"])
@login_required
def promised_take():
    rule = _rule()
    form = TakeForm()
    if not form.validate_on_submit():
        flash(_("Please choose an account and try again."), "error")
        return _page(status=400)
    account = account_of(g.tenant, current_user.subscriber_id, form.account.data)
    if account is None:
        abort(404)
    if rule.confirm_by_code:
        return _send_code(account)
    result = promised.take(g.tenant, account.id)
    return _finish(result, account)


def _finish(result, account):
    if isinstance(result, Refusal):
        db.session.rollback()
        offer = promised.offer(g.tenant, account)
        flash(refusal_text(offer) if offer.refusal else _("Please try again."), "error")
        return _page(status=409)
    _flash_done(result, account.number)
    return redirect(url_for("billing.promised_page"))


def _flash_done(promise: PromisedPayment, number: str) -> None:
    flash(
        _(
            "Done: %(amount)s is credited to account %(number)s and access is on. "
            "It will be written off on %(date)s",
            amount=money(promise.amount),
            number=number,
            date=format_date(promised.due_on(g.tenant, promise), "long"),
        ),
        "info",
    )


def _send_code(account):
    offer = promised.offer(g.tenant, account)
    if offer.refusal is not None:
        db.session.rollback()
        flash(refusal_text(offer), "error")
        return _page(status=409)
    subscriber = subscriber_of(g.tenant, current_user.subscriber_id)
    try:
        sent = confirmation.send_code(g.tenant, subscriber, account, offer.amount)
    except ValueError:  # the phone on record is not a number a text can go to
        log.warning("promised payment code not sent", exc_info=True)
        db.session.rollback()
        flash(_("We could not send the SMS right now. Please try again in a few minutes."), "error")
        return _page(status=503)
    if sent.no_phone:
        flash(_("There is no mobile phone on record to send the code to. Please call us."), "error")
        return _page(status=409)
    if sent.wait_minutes is not None:
        flash(
            _("Too many attempts. Please try again in %(minutes)s min.", minutes=sent.wait_minutes),
            "error",
        )
        return _page(status=429)
    session[SESSION_KEY] = sent.handle
    return redirect(url_for("billing.promised_confirm"))


CODE_ERRORS = {
    Outcome.WRONG: lambda: _("The code is incorrect. Please check the SMS and try again."),
    Outcome.EXPIRED: lambda: _("The code has expired. Please ask for a new one."),
    Outcome.LOCKED: lambda: _("Too many wrong codes. Please ask for a new one."),
    Outcome.GONE: lambda: _("The code is no longer valid. Please ask for a new one."),
}


@bp.route("/confirm", methods=["GET", "POST"])
@login_required
def promised_confirm():
    _rule()
    handle = session.get(SESSION_KEY)
    if not handle:
        return redirect(url_for("billing.promised_page"))
    form = CodeForm()
    if form.validate_on_submit():
        outcome, result = confirmation.confirm(
            g.tenant, current_user.subscriber_id, handle, form.code.data
        )
        if outcome == Outcome.OK and result is not None:
            session.pop(SESSION_KEY, None)
            if isinstance(result, Refusal):
                return _refused_after_code()
            account = get_owned(Account, g.tenant, result.account_id)
            _flash_done(result, account.number)
            return redirect(url_for("billing.promised_page"))
        # On the field, so the message is tied to the input (aria-describedby).
        form.code.errors.append(CODE_ERRORS[outcome]())
    minutes = g.tenant.config.recovery.code_minutes
    return render_template("billing/promised_code.html", form=form, minutes=minutes)


def _refused_after_code():
    flash(_("The promised payment was not taken: the account no longer meets the rules."), "error")
    return redirect(url_for("billing.promised_page"))
