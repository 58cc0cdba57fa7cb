"""The services pages' words: timings, refusals naming their rule, the rules in plain words."""

from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.core.money import money
from app.tenancy.schema import ChangeTiming, Option
from app.tenancy.schema import TariffChange as Rules

from .models import TariffChange
from .rules import Quote, Refusal, cost

TIMING_LABELS = {
    ChangeTiming.IMMEDIATELY: _l("Immediately"),
    ChangeTiming.NEXT_DAY: _l("From tomorrow"),
    ChangeTiming.NEXT_MONTH: _l("From the first day of next month"),
}


def refusal_text(terms: Quote) -> str:
    """Why the change cannot be made, naming the rule that stops it."""
    if terms.refusal == Refusal.MIN_STAY:
        return _(
            "The tariff can be changed after a minimum stay on the current one: from %(date)s.",
            date=format_date(terms.allowed_from, "long"),
        )
    if terms.refusal == Refusal.BALANCE:
        return _(
            "The balance does not cover this change: it costs %(cost)s now, %(missing)s is "
            "missing. Please top up the balance first.",
            cost=money(cost(terms.fee, terms.difference_today)),
            missing=money(terms.missing),
        )
    messages = {
        Refusal.BLOCKED: _(
            "The account is blocked for debt. Please top up the balance, then change the tariff."
        ),
        Refusal.PAUSED: _("The account is paused. The tariff can be changed once it is resumed."),
        Refusal.PENDING: _(
            "A tariff change is already waiting for this service point. Cancel it first to "
            "choose another tariff."
        ),
        Refusal.TIMING: _("This provider does not offer a change at that time."),
        Refusal.UNKNOWN: _("This tariff is not offered in your region."),
        Refusal.BUSINESS: _("Business tariffs are for organisations only."),
        Refusal.SAME: _("The service point is on this tariff already."),
        Refusal.MOVE: _("A change from the current tariff to this one is not possible."),
    }
    return messages[terms.refusal]


def refused_text(change: TariffChange, tariff_name: str) -> str:
    """Why a scheduled change did not take effect on its day."""
    return _(
        "The change to «%(tariff)s» from %(date)s was not made: the balance did not cover its "
        "fee of %(fee)s, %(missing)s was missing. Nothing was charged; you can top up and "
        "order it again.",
        tariff=tariff_name,
        date=format_date(change.effective_on, "long"),
        fee=money(change.fee),
        missing=money(change.missing or 0),
    )


def rules_text(rules: Rules) -> list[str]:
    """The tariff-change rules of the ISP, one plain sentence each."""
    timings = ", ".join(str(TIMING_LABELS[t]).lower() for t in rules.timing)
    lines = [_("A new tariff takes effect: %(when)s.", when=timings)]
    if rules.fee.up or rules.fee.down:
        measure = _("a faster tariff") if rules.fee.by == "speed" else _("a dearer tariff")
        lower = _("a slower tariff") if rules.fee.by == "speed" else _("a cheaper tariff")
        lines.append(
            _(
                "Changing to %(up_kind)s costs %(up)s; to %(down_kind)s, %(down)s.",
                up_kind=measure,
                up=money(rules.fee.up),
                down_kind=lower,
                down=money(rules.fee.down),
            )
        )
    else:
        lines.append(_("Changing the tariff is free."))
    if rules.min_stay_days:
        lines.append(
            ngettext(
                "A tariff can be changed %(num)s day after the previous change at the earliest.",
                "A tariff can be changed %(num)s days after the previous change at the earliest.",
                rules.min_stay_days,
            )
        )
    if ChangeTiming.IMMEDIATELY in rules.timing and rules.proration == "daily_difference":
        lines.append(_("With an immediate change, today is charged at the new price."))
    if (rules.fee.up or rules.fee.down or rules.proration == "daily_difference") and not (
        rules.allow_debt
    ):
        lines.append(_("A change that costs money now is made only if the balance covers it."))
    if rules.confirm_by_sms:
        lines.append(_("A change is confirmed by a code sent by SMS to your phone."))
    return lines


def option_terms(option: Option) -> list[str]:
    """An option's price and limits in plain words."""
    terms = []
    if option.monthly_fee:
        terms.append(_("%(amount)s a month", amount=money(option.monthly_fee)))
    if option.daily_fee:
        terms.append(_("%(amount)s a day", amount=money(option.daily_fee)))
    if option.one_off_fee:
        terms.append(_("%(amount)s each time", amount=money(option.one_off_fee)))
    elif option.kind == "order":
        terms.append(_("price agreed with you when our staff call back"))
    if option.free_days:
        terms.append(
            ngettext("the first %(num)s day free", "the first %(num)s days free", option.free_days)
        )
    if option.max_days:
        terms.append(ngettext("up to %(num)s day", "up to %(num)s days", option.max_days))
    if option.min_hours:
        terms.append(ngettext("from %(num)s hour", "from %(num)s hours", option.min_hours))
    if option.speed_mbps and option.duration_minutes:
        terms.append(
            _(
                "%(speed)s Mbit/s for %(minutes)s min",
                speed=option.speed_mbps,
                minutes=option.duration_minutes,
            )
        )
    for period in option.periods:
        terms.append(
            ngettext(
                "%(num)s month: %(percent)s%% off",
                "%(num)s months: %(percent)s%% off",
                period.months,
                percent=period.discount_percent,
            )
        )
    if option.needs_review:
        terms.append(_("switched on after our staff review the request"))
    if not terms:
        terms.append(_("free"))
    return terms
