"""Technician visits: the slots of the tenant's schedule, booking a place in one, moving
and cancelling until the cut-off, and the reminder the day before.

A visit is a request of kind visit, numbered and listed with the others. Each slot has a
number of places per region; a booking takes a free place number under a unique
constraint, so two subscribers taking the last place at once cannot both have it (the
second insert waits for the first and then fails, on PostgreSQL as on SQLite).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.core.scoped import owned
from app.core.subscribers import account_region, accounts_of
from app.extensions import db
from app.persistence import utcnow
from app.tenancy.help_schema import Visits
from app.tenancy.registry import Region, Tenant

from . import threads, trail
from .models import HelpRequest, HelpVisit, RequestKind, RequestStatus


class Full(ValueError):
    """The slot has no place left."""


class TooLate(ValueError):
    """The visit is past the cut-off for moving or cancelling, or cancelled already."""


@dataclass(frozen=True)
class Slot:
    """One slot of the schedule, as aware local datetimes."""

    start: datetime
    end: datetime

    @property
    def key(self) -> str:
        """How a form names this slot: its local start, e.g. 2026-12-03T09:00."""
        return self.start.strftime("%Y-%m-%dT%H:%M")


def rules(tenant: Tenant) -> Visits:
    """The tenant's rules for technician visits."""
    return tenant.config.help.visits


def enabled(tenant: Tenant | None) -> bool:
    """Whether this ISP takes technician visits in the cabinet."""
    return tenant is not None and rules(tenant).enabled


def points_of(tenant: Tenant, subscriber_id: int) -> list:
    """The subscriber's own service points: the addresses a technician may come to."""
    accounts = accounts_of(tenant, subscriber_id, with_points=True)
    return [point for account in accounts for point in account.service_points]


def region_of_point(tenant: Tenant, point) -> Region | None:
    """The region a service point's slots are counted in."""
    return account_region(tenant, point.account_id)


def places(tenant: Tenant, region: Region | None) -> int:
    """How many visits one slot takes in this region."""
    visits = rules(tenant)
    return visits.region_places.get(region.code, visits.places) if region else visits.places


def zone_of(tenant: Tenant, region: Region | None) -> ZoneInfo:
    return ZoneInfo(tenant.timezone(region))


def schedule(tenant: Tenant, region: Region | None, now: datetime | None = None) -> list[Slot]:
    """The slots still ahead on the working days, full or not."""
    visits, zone = rules(tenant), zone_of(tenant, region)
    now = (now or utcnow()).astimezone(zone)
    found = []
    for offset in range(visits.days_ahead):
        day = now.date() + timedelta(days=offset)
        periods = visits.hours.periods(day, zone, visits.slot_minutes)
        found += [Slot(*p) for p in periods if p[0] > now]
    return found


def _taken(tenant: Tenant, region: Region | None, start: datetime) -> set[int]:
    return set(
        db.session.scalars(
            owned(HelpVisit, tenant)
            .where(
                HelpVisit.region == (region.code if region else ""),
                HelpVisit.slot_start == start,
                HelpVisit.place.is_not(None),
            )
            .with_only_columns(HelpVisit.place)
        )
    )


def free_slots(tenant: Tenant, region: Region | None, now: datetime | None = None) -> list[Slot]:
    """The slots ahead with a place left in this region."""
    slots = schedule(tenant, region, now)
    if not slots:
        return []
    code = region.code if region else ""
    counts = dict(
        db.session.execute(
            sa.select(HelpVisit.slot_start, sa.func.count())
            .where(
                HelpVisit.tenant == tenant.slug,
                HelpVisit.region == code,
                HelpVisit.place.is_not(None),
                HelpVisit.slot_start >= slots[0].start,
            )
            .group_by(HelpVisit.slot_start)
        ).all()
    )
    most = places(tenant, region)
    return [s for s in slots if counts.get(s.start, 0) < most]


def slot(tenant: Tenant, region: Region | None, key: str, now=None) -> Slot | None:
    """The slot the form named, only when it is in the schedule ahead (full or not)."""
    return next((s for s in schedule(tenant, region, now) if s.key == key), None)


def _take_place(tenant: Tenant, region: Region | None, visit: HelpVisit, chosen: Slot) -> None:
    # Each try takes the lowest free place in a savepoint; a clash means someone took that
    # place meanwhile, so count again. It ends: every clash is one place fewer.
    most = places(tenant, region)
    start = chosen.start.astimezone(ZoneInfo("UTC"))
    for _ in range(most + 1):
        free = sorted(set(range(1, most + 1)) - _taken(tenant, region, start))
        if not free:
            raise Full(f"slot {chosen.key} is full")
        try:
            with db.session.begin_nested():
                visit.slot_start, visit.slot_end = start, chosen.end
                visit.place = free[0]
                db.session.add(visit)
                db.session.flush()
        except IntegrityError:
            continue
        return
    raise Full(f"slot {chosen.key} is full")


def reason(tenant: Tenant, code: str):
    """The tenant's reason with this code, if it offers one."""
    return next((r for r in rules(tenant).reasons if r.code == code), None)


def book(
    tenant: Tenant, subscriber_id: int, code: str, point_id: int, key: str, now=None
) -> HelpRequest:
    """Ask a technician to one of the subscriber's addresses in a free slot; caller commits."""
    if not enabled(tenant) or reason(tenant, code) is None:
        raise ValueError(f"no visit reason {code!r} in {tenant.slug}")
    point = next((p for p in points_of(tenant, subscriber_id) if p.id == point_id), None)
    if point is None:
        raise LookupError(f"service point {point_id} is not subscriber {subscriber_id}'s")
    region = region_of_point(tenant, point)
    chosen = slot(tenant, region, key, now)
    if chosen is None:
        raise ValueError(f"{key!r} is not a slot ahead in {tenant.slug}'s schedule")
    moment = utcnow()
    filed = HelpRequest(
        tenant=tenant.slug,
        number=threads.next_number(tenant.slug),
        subscriber_id=subscriber_id,
        kind=RequestKind.VISIT,
        subject=code,
        status=RequestStatus.NEW,
        created_at=moment,
        updated_at=moment,
    )
    db.session.add(filed)
    db.session.flush()
    visit = HelpVisit(
        tenant=tenant.slug,
        request_id=filed.id,
        service_point_id=point.id,
        address=point.address,
        region=region.code if region else "",
    )
    _take_place(tenant, region, visit, chosen)
    trail.record(tenant, filed, "visit.booked", after={"reason": code, "at": visit.slot_start})
    return filed


def visit_of(tenant: Tenant, subscriber_id: int, number: int) -> HelpVisit | None:
    """The visit of request `number`, only when it is this subscriber's and in this tenant."""
    filed = threads.request_of(tenant, subscriber_id, number)
    return filed.visit if filed is not None else None


def changeable(tenant: Tenant, visit: HelpVisit, now: datetime | None = None) -> bool:
    """Whether the visit may still be moved or cancelled: booked, and before the cut-off."""
    cutoff = visit.slot_start - timedelta(hours=rules(tenant).cutoff_hours)
    done = visit.request.done_at is not None  # carried out: nothing left to move
    return visit.place is not None and not done and (now or utcnow()) < cutoff


def _changing(tenant: Tenant, subscriber_id: int, number: int, now) -> HelpVisit:
    visit = visit_of(tenant, subscriber_id, number)
    if visit is None:
        raise LookupError(f"no visit {number} of subscriber {subscriber_id} in {tenant.slug}")
    if not changeable(tenant, visit, now):
        raise TooLate(f"visit {number} can no longer be changed")
    return visit


def reschedule(tenant: Tenant, subscriber_id: int, number: int, key: str, now=None) -> HelpVisit:
    """Move the visit to another free slot before the cut-off; caller commits."""
    visit = _changing(tenant, subscriber_id, number, now)
    before = visit.slot_start
    move(tenant, visit, key, now)
    if visit.slot_start != before:
        trail.record(
            tenant,
            visit.request,
            "visit.moved",
            before={"at": before},
            after={"at": visit.slot_start},
        )
    return visit


def move(tenant: Tenant, visit: HelpVisit, key: str, now=None) -> HelpVisit:
    """Move a booked visit to a slot of the schedule ahead with a place left; caller commits."""
    region = tenant.region(visit.region or None)
    chosen = slot(tenant, region, key, now)
    if chosen is None:
        raise ValueError(f"{key!r} is not a slot ahead in {tenant.slug}'s schedule")
    if chosen.start.astimezone(ZoneInfo("UTC")) == visit.slot_start:
        return visit
    visit.place = None  # free the old place first, so the same visit never holds two
    db.session.flush()
    _take_place(tenant, region, visit, chosen)
    visit.request.updated_at = utcnow()
    return visit


def cancel(tenant: Tenant, subscriber_id: int, number: int, now=None) -> HelpVisit:
    """Cancel the visit before the cut-off: its place is free again and the request closed."""
    visit = _changing(tenant, subscriber_id, number, now)
    trail.record(tenant, visit.request, "visit.cancelled", before={"at": visit.slot_start})
    return release(visit)


def release(visit: HelpVisit) -> HelpVisit:
    """Give the visit's place back and close its request."""
    moment = utcnow()
    visit.place, visit.cancelled_at = None, moment
    filed = visit.request
    filed.status, filed.updated_at, filed.closed_at = RequestStatus.CLOSED, moment, moment
    db.session.flush()
    return visit
