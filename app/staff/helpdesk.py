"""The console's helpdesk: the tenant's requests page by page, the day's callbacks and
visits, and what the staff do to them (the rules stay in app/help)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from app.core.scoped import owned
from app.extensions import db
from app.help import callback, visits
from app.help import service as help_service
from app.help.models import (
    HelpCallback,
    HelpMessage,
    HelpRequest,
    HelpVisit,
    RequestKind,
    RequestStatus,
)
from app.persistence import utcnow
from app.tenancy.registry import Tenant

from . import service
from .roles import Permission, allows

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


def subject_choices(tenant: Tenant, locale: str) -> list[tuple[str, str]]:
    """Every subject a request of the tenant may have: the form's, callbacks', visits'."""
    subjects = help_service.rules(tenant).all_subjects()
    found = [(s.code, tenant.text(s.name, locale)) for s in subjects]
    if callback.enabled(tenant):
        found.append((callback.SUBJECT, _("Callback request")))
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


def assignable(tenant: Tenant) -> list:
    """The tenant's staff who work the queues: whom a callback or visit may be given to."""
    return [
        account
        for account, grant in service.staff_of(tenant.slug)
        if allows(grant.role, Permission.QUEUES, changing=True)
    ]


def staff_name(account_id: int | None) -> str | None:
    """The name of a staff account, for the pages."""
    account = service.account(account_id) if account_id is not None else None
    return account.name if account is not None else None


def assign(tenant: Tenant, filed: HelpRequest, account_id: int | None) -> None:
    """Give the callback or visit to a staff member of the tenant (None: to nobody); a new
    one is in progress from then on, which the subscriber sees."""
    if account_id is not None and account_id not in {a.id for a in assignable(tenant)}:
        raise LookupError(f"staff {account_id} works no queues in {tenant.slug}")
    if filed.status == RequestStatus.CLOSED:
        raise help_service.Refused(f"{filed.label} is closed")
    filed.assignee_id = account_id
    if account_id is not None and filed.status == RequestStatus.NEW:
        help_service.set_status(tenant, filed.number, RequestStatus.IN_PROGRESS)
    db.session.flush()


def reschedule(tenant: Tenant, filed: HelpRequest, key: str) -> None:
    """Move the visit to another slot with a place left, or the callback to another window."""
    if filed.kind == RequestKind.VISIT:
        visits.staff_reschedule(tenant, filed.number, key)
    else:
        callback.staff_reschedule(tenant, filed.number, key)


def times_for(tenant: Tenant, filed: HelpRequest) -> list:
    """The slots (visits, with a place left) or windows (callbacks) it may move to."""
    if filed.kind == RequestKind.VISIT:
        return visits.free_slots(tenant, tenant.region(filed.visit.region or None))
    return callback.windows(tenant, callback.region_of(tenant, filed))


def mark_done(tenant: Tenant, filed: HelpRequest) -> None:
    """The call is made or the technician came: the request is closed as done."""
    if filed.kind == RequestKind.VISIT and filed.visit.place is None:
        raise help_service.Refused(f"{filed.label} is cancelled")
    help_service.set_status(tenant, filed.number, RequestStatus.CLOSED)
    filed.done_at = filed.closed_at
    db.session.flush()


def cancel(tenant: Tenant, filed: HelpRequest, reason: str, staff: str, root: Path) -> None:
    """Cancel the callback or visit with a reason the subscriber reads in the thread (and is
    told of, as of any answer); a visit gives its place back."""
    reason = reason.strip()
    if not reason or len(reason) > MAX_REASON:
        raise ValueError("a cancellation needs a reason within its length")
    cancelled = filed.kind == RequestKind.VISIT and filed.visit.place is None
    if filed.status == RequestStatus.CLOSED or cancelled:
        raise help_service.Refused(f"{filed.label} is closed")
    help_service.staff_reply(tenant, filed.number, reason, staff, root)
    if filed.kind == RequestKind.VISIT:
        visits.staff_cancel(tenant, filed.number)
    else:
        help_service.set_status(tenant, filed.number, RequestStatus.CLOSED)
    filed.cancel_reason = reason
    db.session.flush()
