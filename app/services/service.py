"""What the services area offers the others: the catalogue a subscriber sees, their points,
pending tariff changes, ordering and cancelling them, and applying the due ones in the
daily run. Options (prepay, pause, turbo …) will live beside tariff changes here."""

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

import sqlalchemy as sa

import app.notify.service as notify
from app.core import confirmation, verification
from app.core.confirmation import CodeSent
from app.core.scoped import owned
from app.core.subscribers import (
    Account,
    ServicePoint,
    Subscriber,
    SubscriberKind,
    accounts_of,
)
from app.core.verification import Outcome
from app.extensions import db
from app.persistence import utcnow
from app.tenancy.registry import Tenant
from app.tenancy.schema import ChangeTiming, Tariff

from . import changes
from .changes import apply_due, cancel, local_today, order, pending_change
from .models import ChangeStatus, TariffChange
from .rules import Quote, Refusal, quote, rules_of, visible

__all__ = [
    "ChangeStatus",
    "Quote",
    "Refusal",
    "TariffChange",
    "apply_due",
    "cancel",
    "order",
    "pending_change",
    "pending_changes",
]

PURPOSE = "tariff"
FLOW_PREFIX = "tariff:"


@dataclass(frozen=True)
class Pending:
    """A tariff change waiting for its date, as the pages show it: «from <date> the tariff
    becomes X» and its Cancel button."""

    id: int
    to_code: str
    effective_on: date


@dataclass(frozen=True)
class PointChoice:
    """One of the subscriber's service points, as the services page lists it."""

    point: ServicePoint
    account: Account
    tariff: Tariff | None
    pending: Pending | None
    refused: TariffChange | None = None  # the point's last change, when it was refused


@dataclass(frozen=True)
class Offer:
    """A tariff as the catalogue shows it today in the subscriber's region."""

    tariff: Tariff
    monthly_fee: int  # what is charged now (the promotional fee while it lasts)
    list_price: int  # the region's price without a promotion
    promo_until: date | None


def catalogue(tenant: Tenant, subscriber: Subscriber, now: datetime | None = None) -> list[Offer]:
    """The tariffs of the subscriber's region that they may choose, with today's prices."""
    region = tenant.region(subscriber.region)
    today = local_today(tenant, subscriber.region, now or utcnow())
    kind = SubscriberKind(subscriber.kind)
    offers = []
    for tariff in tenant.tariffs_for(region):
        if not visible(tariff, kind):
            continue
        current = tenant.monthly_fee(tariff, region, today)
        listed = tenant.list_price(tariff, region)
        promo = tariff.promo.until if tariff.promo and current != listed else None
        offers.append(Offer(tariff, current, listed, promo))
    return offers


def points_of(tenant: Tenant, subscriber_id: int) -> list[PointChoice]:
    """Every service point of the subscriber's accounts, with its pending change."""
    accounts = accounts_of(tenant, subscriber_id, with_points=True)
    ids = [p.id for a in accounts for p in a.service_points]
    pending, refused = pending_changes(tenant, ids), refused_changes(tenant, ids)
    return [
        PointChoice(p, a, tenant.tariffs.get(p.tariff_code), pending.get(p.id), refused.get(p.id))
        for a in accounts
        for p in a.service_points
    ]


def point_of(tenant: Tenant, subscriber_id: int, point_id: int) -> PointChoice | None:
    """One of the subscriber's own points; None for anyone else's."""
    for choice in points_of(tenant, subscriber_id):
        if choice.point.id == point_id:
            return choice
    return None


@cache
def _pending_query() -> sa.Select:
    table = TariffChange.__table__
    return sa.select(table.c.point_id, table.c.id, table.c.to_code, table.c.effective_on).where(
        table.c.tenant == sa.bindparam("tenant"),
        table.c.point_id.in_(sa.bindparam("point_ids", expanding=True)),
        table.c.status == ChangeStatus.PENDING.value,
    )


def pending_changes(tenant: Tenant, point_ids: list[int]) -> dict[int, Pending]:
    """The pending change of each of these points that has one, in one light query (plain
    rows, a statement built once: the dashboard asks on every visit); no query where the
    ISP offers immediate changes only, as those never wait."""
    # An ISP that stops offering scheduled changes should first let the waiting ones take
    # effect: the billing run still applies them, these pages no longer list them.
    if not point_ids or rules_of(tenant).timing == (ChangeTiming.IMMEDIATELY,):
        return {}
    rows = db.session.execute(_pending_query(), {"tenant": tenant.slug, "point_ids": point_ids})
    return {point_id: Pending(id_, to_code, on) for point_id, id_, to_code, on in rows}


def refused_changes(tenant: Tenant, point_ids: list[int]) -> dict[int, TariffChange]:
    """Each point's latest change, for the points where it was refused: a change ordered
    since (applied, pending or cancelled) makes the refusal old news."""
    if not point_ids:
        return {}
    latest = (
        sa.select(sa.func.max(TariffChange.id))
        .where(TariffChange.tenant == tenant.slug, TariffChange.point_id.in_(point_ids))
        .group_by(TariffChange.point_id)
    )
    rows = db.session.scalars(
        owned(TariffChange, tenant).where(
            TariffChange.id.in_(latest), TariffChange.status == ChangeStatus.REFUSED
        )
    )
    return {change.point_id: change for change in rows}


def changes_by_id(tenant: Tenant, ids: list[int]) -> dict[int, TariffChange]:
    """The tenant's tariff changes with these ids, in one query."""
    if not ids:
        return {}
    rows = db.session.scalars(owned(TariffChange, tenant).where(TariffChange.id.in_(ids)))
    return {change.id: change for change in rows}


def preview(
    tenant: Tenant,
    subscriber: Subscriber,
    choice: PointChoice,
    to_code: str,
    timing: ChangeTiming,
    now: datetime | None = None,
) -> Quote:
    """What the change would cost and when it would take effect, or the rule refusing it."""
    facts = changes.wish(
        tenant, subscriber, choice.account, choice.point, to_code, timing, now or utcnow()
    )
    return quote(tenant, facts)


def needs_confirmation(tenant: Tenant, timing: ChangeTiming, terms: Quote) -> bool:
    """A change that costs money or acts at once is shown with its effect and confirmed."""
    return (
        timing == ChangeTiming.IMMEDIATELY
        or terms.fee > 0
        or terms.difference_today != 0
        or rules_of(tenant).confirm_by_sms
    )


def _flow(tenant: Tenant, point_id: int, to_code: str, timing: ChangeTiming) -> str:
    # Positions, not codes: the flow column is short, and a tariff code may be 40 long.
    codes = list(tenant.tariffs)
    return f"{FLOW_PREFIX}{point_id}:{codes.index(to_code)}:{list(ChangeTiming).index(timing)}"


def send_code(
    tenant: Tenant, subscriber: Subscriber, choice: PointChoice, to_code: str, timing
) -> CodeSent:
    """Text a one-time code that confirms this change, naming the tariff and the address."""
    target = tenant.tariffs[to_code]
    locale = subscriber.locale or tenant.config.locales.default

    def deliver(phone: str, code: str, minutes: int) -> None:
        name = tenant.text(target.name, locale)
        notify.send_tariff_code(tenant, phone, code, name, choice.point.address, minutes)

    flow = _flow(tenant, choice.point.id, to_code, timing)
    return confirmation.send_code(tenant, subscriber, PURPOSE, flow, deliver)


def confirm(tenant: Tenant, subscriber: Subscriber, handle: str, typed: str):
    """Check the typed code and, if right, order the change it was sent for.

    Returns (Outcome, TariffChange | Quote | None). The caller commits, also when the code
    is wrong, so the wrong guess is counted.
    """
    outcome, flow, challenge = confirmation.check(
        tenant, subscriber.id, handle, typed, PURPOSE, FLOW_PREFIX
    )
    if outcome != Outcome.OK:
        return outcome, None
    point_id, tariff_index, timing_index = (int(part) for part in flow.split(":"))
    choice = point_of(tenant, subscriber.id, point_id)
    codes = list(tenant.tariffs)
    if choice is None or tariff_index >= len(codes):
        return Outcome.GONE, None
    verification.use(challenge)
    timing = list(ChangeTiming)[timing_index]
    return outcome, order(tenant, subscriber, point_id, codes[tariff_index], timing)
