"""Prepay («pay N months ahead, get a discount»): its quote, its end and refund, and the
condition the daily run reads to skip the days it covers.

The covered span is whole calendar months from the 1st of the month after the purchase,
in the account's region: those days' daily parts add up to exactly the monthly fees, so
the price is the months' fees less the discount and nothing is charged twice or left out.
"""

from dataclasses import replace
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import format_date, ngettext
from flask_babel import gettext as _

from app.core.calendar import local_midnight
from app.core.ledger import EntryKind, post_entry
from app.core.subscribers import Account, AccountStatus, account_region, tenant_account
from app.extensions import db
from app.persistence import utcnow
from app.tenancy.registry import Tenant
from app.tenancy.schema import Option, OptionKind

from .models import Activation, Status
from .rules import BUILDERS, Quote, Refusal, Request, _balance_refusal, open_of, option_of, zone_of


def unused_reference(activation_id: int) -> str:
    """The ledger reference that gives back a prepay's unused days."""
    return f"option-unused:{activation_id}"


def covered_accounts(tenant: Tenant, day: date, tz) -> sa.Select:
    """SELECT of the ids of accounts a prepay covers on the local date `day`.

    A day is covered when its midday in the tenant's timezone lies in the prepay's span:
    spans begin at a region's local midnight and a tenant's regions differ by less than
    twelve hours, so midday falls inside the same local date in each of them. Ended
    prepays count too, for the days before their end, so a run repeated for a past day
    still skips them.
    """
    midday = local_midnight(day, tz) + timedelta(hours=12)
    return sa.select(Activation.account_id).where(
        Activation.tenant == tenant.slug,
        Activation.kind == OptionKind.PREPAY.value,
        Activation.status.in_([Status.ACTIVE.value, Status.ENDED.value]),
        Activation.starts_at <= midday,
        Activation.ends_at > midday,
    )


def first_of_next_month(day: date) -> date:
    """The 1st of the month after day's."""
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def months_after(first: date, months: int) -> date:
    """The 1st of the month `months` calendar months after the 1st `first`."""
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def prepay_price(tenant: Tenant, account: Account, first: date, months: int, discount: int):
    """(full, discounted) price of the months from the 1st `first`: each month at the fees
    its 1st has (every point, the region's price, a promotion while it lasts); the
    discount rounded down to the kopeck, in the subscriber's favour."""
    region = account_region(tenant, account.id)
    points = tenant_account(tenant, account.id, with_points=True).service_points
    full = 0
    for n in range(months):
        month = months_after(first, n)
        for point in points:
            tariff = tenant.tariffs.get(point.tariff_code)
            if tariff is not None:
                full += tenant.monthly_fee(tariff, region, month)
    return full, full * (100 - discount) // 100


def _prepay(tenant, account, option: Option, asked: Request, now, zone) -> Quote:
    today = now.astimezone(zone).date()
    period = next((p for p in option.periods if p.months == asked.months), None)
    months = period.months if period else (asked.months or 0)
    discount = period.discount_percent if period else 0
    # Whole calendar months from the 1st of the next one: the covered days replace exactly
    # the daily parts of those months, so «N months» costs N monthly fees before the discount.
    first = first_of_next_month(today)
    after = months_after(first, months)
    full, price = prepay_price(tenant, account, first, months, discount) if period else (0, 0)
    params = {
        "months": months,
        "discount_percent": discount,
        "full_price": full,
        "first_day": first.isoformat(),
        "last_day": (after - timedelta(days=1)).isoformat(),
        "starts_now": True,
    }
    made = Quote(
        option,
        account.id,
        local_midnight(first, zone),
        local_midnight(after, zone),
        price,
        params,
        zone,
    )
    return replace(made, refusal=_prepay_refusal(tenant, account, option, made, period))


def _prepay_refusal(tenant, account, option: Option, made: Quote, period) -> Refusal | None:
    if period is None:
        return Refusal("period", {"months": [p.months for p in option.periods]})
    if AccountStatus(account.status) != AccountStatus.ACTIVE:
        return Refusal("not_active")
    if made.price <= 0:
        return Refusal("nothing_to_prepay")
    for row in open_of(tenant, account.id, kind=OptionKind.PREPAY):
        if row.starts_at < made.ends_at and (row.ends_at is None or row.ends_at > made.starts_at):
            return Refusal("prepay_open", {"until": date.fromisoformat(row.params["last_day"])})
    if option.allow_debt:
        return None
    return _balance_refusal(account, made.price)


def stop(tenant: Tenant, row: Activation, now: datetime):
    option = option_of(tenant, row.code)
    if row.status != Status.ACTIVE:
        return None
    if option is None or not option.cancellable:
        return Refusal("prepay_fixed")
    zone = zone_of(tenant, row.account_id, now)
    end_prepay(tenant, row, now.astimezone(zone).date() + timedelta(days=1), now)
    return row


def prepay_refund(row: Activation, first_unused: date, rule: str) -> int:
    """What ending a prepay before `first_unused` gives back: the discounted daily price
    times the whole unused days, rounded up in the subscriber's favour; 0 by rule `none`."""
    first = date.fromisoformat(row.params["first_day"])
    last = date.fromisoformat(row.params["last_day"])
    total = (last - first).days + 1
    unused = min(max((last - max(first_unused, first)).days + 1, 0), total)
    if rule == "none" or unused == 0:
        return 0
    return -(-row.price * unused // total)


def end_prepay(tenant: Tenant, row: Activation, first_unused: date, now: datetime) -> int:
    """End a prepay so it covers the days before the local date `first_unused` and give
    back the rest by the option's refund rule; the kopecks refunded. The caller holds the
    account's lock and commits."""
    option = option_of(tenant, row.code)
    refund = prepay_refund(row, first_unused, option.refund if option else "unused_days")
    first = date.fromisoformat(row.params["first_day"])
    zone = zone_of(tenant, row.account_id, now)
    ends_at = local_midnight(max(first_unused, first), zone)
    row.status = Status.ENDED
    row.ends_at = min(row.ends_at, ends_at) if row.ends_at else ends_at
    row.params = {**row.params, "refunded": refund, "ended_on": first_unused.isoformat()}
    if refund > 0:
        post_entry(tenant.slug, row.account_id, refund, EntryKind.REFUND, unused_reference(row.id))
    db.session.flush()
    return refund


def on_tariff_changed(tenant: Tenant, account_id: int, event: str, details=None, **_) -> None:
    """A tariff change ends the account's prepay: it still covers the change's effective
    day, the days after it are given back by the option's rule.

    Counted from `details["effective"]`, never from the day the change is applied: a daily
    run that comes days late applies it then, and the days in between are charged at the
    new tariff when they are run (the prepay no longer covers them), so each is paid once.
    """
    if event != "tariff-changed" or not (details or {}).get("effective"):
        return
    first_unused = date.fromisoformat(details["effective"]) + timedelta(days=1)
    now = utcnow()
    for row in open_of(tenant, account_id, kind=OptionKind.PREPAY):
        if row.status == Status.ACTIVE:
            end_prepay(tenant, row, first_unused, now)


def entry_words(reference: str, name: str, row: Activation) -> str:
    """A prepay's statement line: «Абонемент на 6 месяцев, скидка 15 %» or its refund."""
    params = row.params or {}
    if reference.startswith("option-unused:"):
        return _(
            "%(option)s: the unused days from %(day)s returned",
            option=name,
            day=format_date(date.fromisoformat(params.get("ended_on")), "long"),
        )
    return ngettext(
        "%(option)s for %(num)s month, %(discount)s %% off",
        "%(option)s for %(num)s months, %(discount)s %% off",
        params.get("months", 0),
        option=name,
        discount=params.get("discount_percent", 0),
    )


BUILDERS[OptionKind.PREPAY] = _prepay
