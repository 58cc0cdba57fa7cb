"""Why a promised payment cannot be taken, in the subscriber's words: for its own page, and
for the dashboard of a blocked account (through billing's service)."""

from flask_babel import format_date, ngettext
from flask_babel import gettext as _

from app.core.money import money
from app.tenancy.registry import Tenant

from . import promised
from .promised import Offer, Refusal


def refusal_text(tenant: Tenant, offer: Offer) -> str:
    """Why the promised payment cannot be taken, naming the rule that stops it."""
    rule = offer.rule
    if offer.refusal == Refusal.OPEN:
        due = promised.due_on(tenant, offer.open) if offer.open else offer.due_on
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
