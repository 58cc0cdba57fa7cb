"""The subscriber's words for why an option is refused, naming the rule that stops it."""

from flask_babel import format_date, format_time, ngettext
from flask_babel import gettext as _

from app.core.money import money, shortfall

from .rules import Refusal


def refusal_text(refusal: Refusal) -> str:
    """One sentence in the page's language; dates and times in the region's timezone."""
    values = refusal.values
    rule = refusal.rule
    if rule in _COUNTED:
        return _COUNTED[rule](values)
    if rule in _AT_ADDRESS and "address" in values:
        return _AT_ADDRESS[rule](values["address"])
    if rule == "gap":
        return ngettext(
            "The gap between pauses is too short: at least %(num)s day must pass after the "
            "previous pause, so the earliest start is %(day)s.",
            "The gap between pauses is too short: at least %(num)s days must pass after the "
            "previous pause, so the earliest start is %(day)s.",
            values["days"],
            day=format_date(values["from"], "long"),
        )
    if rule == "balance":
        return _(
            "The balance is too low: it costs %(price)s and the balance is %(balance)s, "
            "%(missing)s is missing. Please top up first.",
            price=money(values["price"]),
            balance=money(values["balance"]),
            missing=money(shortfall(values["balance"], values["price"])),
        )
    if rule == "prepay_open":
        return _(
            "A prepaid period already covers these days: it runs until %(day)s.",
            day=format_date(values["until"], "long"),
        )
    if rule == "period":
        return _(
            "Please choose one of the periods offered: %(months)s months.",
            months=", ".join(str(m) for m in values["months"]),
        )
    if rule in ("turbo_on", "cooldown"):
        until = format_time(values["until"], "short")
        if rule == "turbo_on":
            return _("The boost is already on until %(time)s.", time=until)
        return _("A new boost is possible after a pause: from %(time)s.", time=until)
    return _PLAIN[rule]()


_COUNTED = {
    "too_short_days": lambda v: ngettext(
        "Too short: a pause lasts at least %(num)s day.",
        "Too short: a pause lasts at least %(num)s days.",
        v["days"],
    ),
    "too_long_days": lambda v: ngettext(
        "Too long: a pause lasts at most %(num)s day.",
        "Too long: a pause lasts at most %(num)s days.",
        v["days"],
    ),
    "too_short_hours": lambda v: ngettext(
        "Too short: a block lasts at least %(num)s hour.",
        "Too short: a block lasts at least %(num)s hours.",
        v["hours"],
    ),
    "too_long_hours": lambda v: ngettext(
        "Too long: a block lasts at most %(num)s hour.",
        "Too long: a block lasts at most %(num)s hours.",
        v["hours"],
    ),
    "budget": lambda v: ngettext(
        "The year's budget of pause days is used: %(days)s days a calendar year, %(num)s day left.",
        "The year's budget of pause days is used: %(days)s days a calendar year, "
        "%(num)s days left.",
        v["left"],
        days=v["days"],
    ),
    "start_too_far": lambda v: ngettext(
        "The start is too far ahead: it can be at most %(num)s day from today.",
        "The start is too far ahead: it can be at most %(num)s days from today.",
        v["days"],
    ),
}

# The same rules for an option of one service point, naming its address.
_AT_ADDRESS = {
    "block_open": lambda address: _(
        "A block is already scheduled or on at %(address)s.", address=address
    ),
    "addon_on": lambda address: _(
        "This service is already switched on at %(address)s.", address=address
    ),
}

_PLAIN = {
    "point_needed": lambda: _("Please choose the address this service is for."),
    "point_unknown": lambda: _(
        "This address is not one of the account's service points. Please choose one of "
        "your addresses."
    ),
    "paused": lambda: _("The account is paused: this is possible once the pause ends."),
    "blocked": lambda: _(
        "The account is blocked for debt: this is possible once the balance is topped up."
    ),
    "start_past": lambda: _("The start is in the past: please choose today or a later time."),
    "pause_open": lambda: _("A pause is already requested, scheduled or on for this account."),
    "block_open": lambda: _("A block is already scheduled or on for this account."),
    "addon_on": lambda: _("This service is already switched on for this account."),
    "mac": lambda: _(
        "This is not a device's MAC address: six pairs of the characters 0–9 and A–F, "
        "e.g. 00:1A:2B:3C:4D:5E."
    ),
    "mac_taken": lambda: _("A device with this MAC address is already registered."),
    "pool_empty": lambda: _("No free address is left right now. Please call us."),
    "not_active": lambda: _("The account is not active: a prepaid period needs an active account."),
    "nothing_to_prepay": lambda: _("The account has no tariff to pay for in advance."),
    "prepay_fixed": lambda: _(
        "A prepaid period cannot be cancelled: it ends with a tariff change."
    ),
}
