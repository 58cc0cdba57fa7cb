"""The wording of each notice a subscriber may choose a channel for.

A notice is one kind of message; several may share one event of the notification centre
(«access will be suspended on …», «suspended», «restored» are all the suspension event).
Each renders to an SMS text and an e-mail (a subject and its paragraphs), in the language
forced around it (the subscriber's).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from babel.dates import format_date
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _

from app.core.money import money
from app.tenancy.names import feature_name
from app.tenancy.registry import Tenant


@dataclass(frozen=True)
class Wording:
    subject: str
    paragraphs: tuple[str, ...]
    sms: str


def _day(value: date) -> str:
    return format_date(value, "long", locale=str(get_locale() or "ru"))


def _isp(tenant: Tenant) -> str:
    return tenant.text(tenant.config.name, str(get_locale() or tenant.config.locales.default))


def _top_up() -> str:
    return _("You can top up the balance in your personal account.")


def _payment_credited(
    tenant, account: str, amount: int, balance: int, restored: bool = False, **_facts
) -> Wording:
    said = _(
        "Payment of %(amount)s credited to account %(account)s.",
        amount=money(amount),
        account=account,
    )
    left = _("Balance: %(balance)s.", balance=money(balance))
    if not restored:
        return Wording(
            _("%(isp)s: payment credited", isp=_isp(tenant)),
            (said, left),
            f"{_isp(tenant)}: {said} {left}",
        )
    # The payment lifted a suspension: one message says both, no «access restored» besides.
    back = _("Access is restored.")
    return Wording(
        _("%(isp)s: payment credited, access restored", isp=_isp(tenant)),
        (said, back, left),
        f"{_isp(tenant)}: {said} {back} {left}",
    )


def _low_balance(tenant, account: str, days: int, balance: int, **_facts) -> Wording:
    said = ngettext(
        "The money on account %(account)s lasts %(num)s more day.",
        "The money on account %(account)s lasts %(num)s more days.",
        days,
        account=account,
    )
    left = _("Balance: %(balance)s.", balance=money(balance))
    return Wording(
        _("%(isp)s: the money runs out soon", isp=_isp(tenant)),
        (said, left, _top_up()),
        f"{_isp(tenant)}: {said} {left}",
    )


def _suspension_soon(tenant, account: str, on: date, balance: int, **_facts) -> Wording:
    said = _(
        "Access on account %(account)s will be suspended on %(date)s "
        "unless the balance is topped up.",
        account=account,
        date=_day(on),
    )
    left = _("Balance: %(balance)s.", balance=money(balance))
    return Wording(
        _("%(isp)s: access will be suspended on %(date)s", isp=_isp(tenant), date=_day(on)),
        (said, left, _top_up()),
        f"{_isp(tenant)}: {said} {left}",
    )


def _suspended(tenant, account: str, balance: int, **_facts) -> Wording:
    said = _("Access on account %(account)s is suspended for debt.", account=account)
    left = _("Balance: %(balance)s.", balance=money(balance))
    back = _("Access is restored as soon as the balance is topped up.")
    return Wording(
        _("%(isp)s: access suspended", isp=_isp(tenant)),
        (said, left, back),
        f"{_isp(tenant)}: {said} {left} {back}",
    )


def _resumed(tenant, account: str, **_facts) -> Wording:
    said = _("Access on account %(account)s is restored.", account=account)
    return Wording(
        _("%(isp)s: access restored", isp=_isp(tenant)), (said,), f"{_isp(tenant)}: {said}"
    )


def _promised_due(tenant, account: str, amount: int, on: date, **_facts) -> Wording:
    said = _(
        "%(name)s of %(amount)s on account %(account)s is written off on %(date)s.",
        name=feature_name(tenant, "promised_payment"),
        amount=money(amount),
        account=account,
        date=_day(on),
    )
    return Wording(
        _(
            "%(isp)s: %(name)s ends tomorrow",
            isp=_isp(tenant),
            name=feature_name(tenant, "promised_payment"),
        ),
        (said, _("Top up the balance before then to keep access.")),
        f"{_isp(tenant)}: {said}",
    )


def _request_answered(tenant, number: str, **_facts) -> Wording:
    said = _("Your request %(number)s has been answered.", number=number)
    read = _("Read the reply in your personal account.")
    return Wording(
        _("%(isp)s: reply to your request %(number)s", isp=_isp(tenant), number=number),
        (said, read),
        f"{_isp(tenant)}: {said} {read}",
    )


def _visit_reminder(tenant, address: str, when: str, **_facts) -> Wording:
    said = _("A technician will visit %(address)s on %(when)s.", address=address, when=when)
    return Wording(
        _("%(isp)s: technician's visit", isp=_isp(tenant)), (said,), f"{_isp(tenant)}: {said}"
    )


def _region_news(tenant, title: str, text: str = "", **_facts) -> Wording:
    return Wording(
        f"{_isp(tenant)}: {title}", (title, text) if text else (title,), f"{_isp(tenant)}: {title}"
    )


# notice -> (the event whose channel it follows, its wording).
NOTICES: dict[str, tuple[str, Callable[..., Wording]]] = {
    "payment_credited": ("payment_credited", _payment_credited),
    "low_balance": ("low_balance", _low_balance),
    "suspension_soon": ("suspension", _suspension_soon),
    "suspended": ("suspension", _suspended),
    "resumed": ("suspension", _resumed),
    "promised_due": ("promised_due", _promised_due),
    "request_answered": ("request_answered", _request_answered),
    "visit_reminder": ("visit_reminder", _visit_reminder),
    "region_news": ("region_news", _region_news),
}
