"""What the ISP's staff do with requests: the tenant's requests page by page, the day's
callbacks and visits; assigning, moving, done and cancelled with a reason."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.orm import selectinload

from app.core.scoped import get_owned, owned
from app.core.subscribers import account_region, accounts_of
from app.extensions import db
from app.persistence import utcnow
from app.tenancy.registry import Region, Tenant

from . import callback, threads, visits
from .models import (
    HelpAttachment,
    HelpCallback,
    HelpMessage,
    HelpRequest,
    HelpVisit,
    RequestKind,
    RequestStatus,
)

PAGE_SIZE = 25
MAX_REASON = 300


@dataclass(frozen=True)
class Page:
    """One page of the requests list, newest first."""

    items: list[HelpRequest]
    number: int
    has_next: bool


def requests_page(tenant: Tenant, status: str | None, subject: str | None, number: int = 1) -> Page:
    """The tenant's requests of this status and subject (None: any), newest first."""
    query = owned(HelpRequest, tenant).options(selectinload(HelpRequest.messages))
    if status:
        query = query.where(HelpRequest.status == status)
    if subject:
        query = query.where(HelpRequest.subject == subject)
    number = max(1, number)
    rows = list(
        db.session.scalars(
            query.order_by(HelpRequest.created_at.desc(), HelpRequest.id.desc())
            .offset((number - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE + 1)
        )
    )
    return Page(rows[:PAGE_SIZE], number, len(rows) > PAGE_SIZE)


def request_by_number(tenant: Tenant, number: int) -> HelpRequest | None:
    """The tenant's request `number` with its thread and files, whoever filed it."""
    return db.session.scalar(
        owned(HelpRequest, tenant)
        .where(HelpRequest.number == number)
        .options(selectinload(HelpRequest.messages).selectinload(HelpMessage.attachments))
    )


def subject_choices(tenant: Tenant, locale: str, callback_name: str) -> list[tuple[str, str]]:
    """Every subject a request of the tenant may have: the form's, callbacks', visits'."""
    subjects = threads.rules(tenant).all_subjects()
    found = [(s.code, tenant.text(s.name, locale)) for s in subjects]
    if callback.enabled(tenant):
        found.append((callback.SUBJECT, callback_name))
    if visits.enabled(tenant):
        found += [(r.code, tenant.text(r.name, locale)) for r in visits.rules(tenant).reasons]
    return found


@dataclass(frozen=True)
class Appointment:
    """A callback or a visit on the day's list: its request and its time."""

    filed: HelpRequest
    start: datetime
    end: datetime


def _day_bounds(tenant: Tenant, day: date) -> tuple[datetime, datetime]:
    zone = ZoneInfo(tenant.timezone(None))
    start = datetime(day.year, day.month, day.day, tzinfo=zone)
    return start, start + timedelta(days=1)


def day_of(tenant: Tenant, day: date) -> list[Appointment]:
    """The callbacks and visits of one local day of the tenant, by their time."""
    start, end = _day_bounds(tenant, day)
    found = [
        Appointment(v.request, v.slot_start, v.slot_end)
        for v in db.session.scalars(
            owned(HelpVisit, tenant).where(
                HelpVisit.slot_start >= start, HelpVisit.slot_start < end
            )
        )
    ]
    found += [
        Appointment(c.request, c.window_start, c.window_end)
        for c in db.session.scalars(
            owned(HelpCallback, tenant).where(
                HelpCallback.window_start >= start, HelpCallback.window_start < end
            )
        )
    ]
    return sorted(found, key=lambda a: (a.start, a.filed.number))


def appointment(tenant: Tenant, number: int) -> HelpRequest | None:
    """The tenant's callback or visit request `number`."""
    filed = request_by_number(tenant, number)
    if filed is None or filed.kind not in (RequestKind.CALLBACK, RequestKind.VISIT):
        return None
    return filed


def today(tenant: Tenant) -> date:
    """The tenant's local date now."""
    return utcnow().astimezone(ZoneInfo(tenant.timezone(None))).date()


def attachment_of_tenant(tenant: Tenant, attachment_id: int) -> HelpAttachment | None:
    """A file of any of the tenant's requests; another tenant's is None."""
    return get_owned(HelpAttachment, tenant, attachment_id)


def assign(tenant: Tenant, filed: HelpRequest, account_id: int | None, allowed: set[int]) -> None:
    """Give the callback or visit to a staff member among `allowed` (None: to nobody); a new
    one is in progress from then on, which the subscriber sees."""
    if account_id is not None and account_id not in allowed:
        raise LookupError(f"staff {account_id} works no queues in {tenant.slug}")
    if filed.status == RequestStatus.CLOSED:
        raise threads.Refused(f"{filed.label} is closed")
    filed.assignee_id = account_id
    if account_id is not None and filed.status == RequestStatus.NEW:
        threads.set_status(tenant, filed.number, RequestStatus.IN_PROGRESS)
    db.session.flush()


def reschedule(tenant: Tenant, filed: HelpRequest, key: str) -> None:
    """Move the visit to another slot with a place left, or the callback to another window."""
    if filed.status == RequestStatus.CLOSED or not _booked(filed):
        raise visits.TooLate(f"{filed.label} is closed")
    if filed.kind == RequestKind.VISIT:
        # Past the subscriber's cut-off too: the staff agreed the time with them.
        visits.move(tenant, filed.visit, key)
        return
    chosen = callback.window(tenant, region_of(tenant, filed), key)
    if chosen is None:
        raise ValueError(f"{key!r} is not a window within {tenant.slug}'s hours")
    filed.callback.window_start, filed.callback.window_end = chosen.start, chosen.end
    filed.updated_at = utcnow()
    db.session.flush()


def _booked(filed: HelpRequest) -> bool:
    # A visit holds its place until it is cancelled; a callback has none to hold.
    return filed.kind != RequestKind.VISIT or filed.visit.place is not None


def region_of(tenant: Tenant, filed: HelpRequest) -> Region | None:
    """The region whose clock a callback's windows keep: the subscriber's, if they asked
    logged in; else the tenant's own."""
    if filed.subscriber_id is None:
        return None
    accounts = accounts_of(tenant, filed.subscriber_id)
    return account_region(tenant, accounts[0].id) if accounts else None


def times_for(tenant: Tenant, filed: HelpRequest) -> list:
    """The slots (visits, with a place left) or windows (callbacks) it may move to."""
    if filed.kind == RequestKind.VISIT:
        return visits.free_slots(tenant, tenant.region(filed.visit.region or None))
    return callback.windows(tenant, region_of(tenant, filed))


def mark_done(tenant: Tenant, filed: HelpRequest) -> None:
    """The call is made or the technician came: the request is closed as done."""
    if not _booked(filed):
        raise threads.Refused(f"{filed.label} is cancelled")
    threads.set_status(tenant, filed.number, RequestStatus.CLOSED)
    filed.done_at = filed.closed_at
    db.session.flush()


def cancel(tenant: Tenant, filed: HelpRequest, reason: str, staff: str, root: Path) -> None:
    """Cancel the callback or visit with a reason the subscriber reads in the thread (and is
    told of, as of any answer); a visit gives its place back."""
    reason = reason.strip()
    if not reason or len(reason) > MAX_REASON:
        raise ValueError("a cancellation needs a reason within its length")
    if filed.status == RequestStatus.CLOSED or not _booked(filed):
        raise threads.Refused(f"{filed.label} is closed")
    threads.staff_reply(tenant, filed.number, reason, staff, root)
    if filed.kind == RequestKind.VISIT:
        visits.release(filed.visit)
    else:
        threads.set_status(tenant, filed.number, RequestStatus.CLOSED)
    filed.cancel_reason = reason
    db.session.flush()
