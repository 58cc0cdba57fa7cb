"""Staff decisions on transfer requests: approve moves the money, refuse says why.

Each decision runs under the request's row lock and is kept in the request's history and
the audit trail, in the caller's transaction.
"""

from dataclasses import dataclass

import sqlalchemy as sa

import app.notify.service as notify
from app.core import audit
from app.core.ledger import EntryKind, credit, lock_account, post_entry
from app.core.scoped import owned
from app.core.subscribers import Account, Subscriber
from app.extensions import db
from app.persistence import utcnow
from app.tenancy.registry import Tenant

from .models import TransferEvent, TransferRequest, TransferStatus

OPEN = (TransferStatus.SUBMITTED, TransferStatus.IN_REVIEW)
# The request's page in the cabinet, built by hand: a decision may come from the command line.
REQUEST_PATH = "/transfers/{number}"


def record(request: TransferRequest, status, note: str | None, actor: str, when) -> None:
    """Keep one status the request went through in its history."""
    db.session.add(
        TransferEvent(
            tenant=request.tenant,
            request_id=request.id,
            status=status,
            note=note,
            actor=actor,
            created_at=when,
        )
    )


def set_status(
    request: TransferRequest, status: TransferStatus, note: str | None, actor: str
) -> TransferRequest:
    """Move a request to a status, keeping the note for the subscriber; the caller commits.

    Not to done (only approve moves the money and makes it so), and not out of done or
    rejected: a decided request stays decided.
    """
    note = (note or "").strip() or None
    if status == TransferStatus.DONE:
        raise ValueError(f"{request.label}: only approving it moves the money and makes it done")
    if request.status not in OPEN:
        raise ValueError(f"{request.label} is already decided ({request.status})")
    if status == request.status and note is None:
        raise ValueError(f"{request.label} is already {status.value}")
    if status == TransferStatus.REJECTED and note is None:
        raise ValueError("a rejection needs a note telling the subscriber why")
    now = utcnow()
    before = request.status
    request.status = status
    request.staff_note = note
    request.updated_at = now
    record(request, status, note, actor, now)
    action = (
        "transfers.refused" if status == TransferStatus.REJECTED else "transfers.status_changed"
    )
    _audit(request, action, before, note=note)
    db.session.flush()
    return request


def _audit(request: TransferRequest, action: str, before: str, **after) -> None:
    """The audit entry of a staff decision, in the same transaction."""
    audit.record(
        request.tenant,
        action,
        subscriber_id=request.subscriber_id,
        target=f"transfer:{request.id}",
        before={"status": str(before)},
        after={"status": str(request.status), **after},
    )


def open_requests(tenant: Tenant) -> list[TransferRequest]:
    """The tenant's requests waiting for a decision, oldest first."""
    return list(
        db.session.scalars(
            owned(TransferRequest, tenant)
            .where(TransferRequest.status.in_(OPEN))
            .order_by(TransferRequest.created_at, TransferRequest.id)
        )
    )


def recent_decisions(tenant: Tenant, limit: int = 20) -> list[TransferRequest]:
    """The tenant's last decided requests, newest first."""
    return list(
        db.session.scalars(
            owned(TransferRequest, tenant)
            .where(TransferRequest.status.not_in(OPEN))
            .order_by(TransferRequest.updated_at.desc(), TransferRequest.id.desc())
            .limit(limit)
        )
    )


def request_in(tenant: Tenant, request_id: int) -> TransferRequest | None:
    """One request of this tenant by its id, or None."""
    return db.session.scalar(owned(TransferRequest, tenant).where(TransferRequest.id == request_id))


def out_reference(request_id: int) -> str:
    """The ledger reference of the money taken from the account it reached by mistake."""
    return f"transfer-out:{request_id}"


def in_reference(request_id: int) -> str:
    """The ledger reference of the money put on the account it was meant for."""
    return f"transfer-in:{request_id}"


class NotApproved(Exception):
    """Why a request was not approved: decided (already done or rejected), no_source,
    no_target (no such account in this tenant) or same (both numbers name one account)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Moved:
    """An approved request and the two accounts its money went between."""

    request: TransferRequest
    source: Account
    target: Account


def _lock_request(tenant: Tenant, request_id: int) -> TransferRequest | None:
    """The request row, locked until commit: two approvals of one request run one by one."""
    if db.session.get_bind().dialect.name == "sqlite":
        # No row locks on SQLite: a write that changes nothing takes the database's write
        # lock first, so the second approval reads the first one's outcome.
        db.session.execute(
            sa.update(TransferRequest)
            .where(TransferRequest.id == request_id, TransferRequest.tenant == tenant.slug)
            .values(status=TransferRequest.status)
            .execution_options(synchronize_session=False)
        )
    return db.session.scalar(
        owned(TransferRequest, tenant)
        .where(TransferRequest.id == request_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def _account_numbered(tenant: Tenant, number: str) -> Account | None:
    return db.session.scalar(owned(Account, tenant).where(Account.number == number.strip()))


def approve(
    tenant: Tenant,
    request_id: int,
    source_number: str,
    target_number: str | None,
    note: str | None,
    actor: str,
) -> Moved:
    """Move the request's amount from the account it reached by mistake (source) to the one
    it was meant for (the request's correct account unless target names another), both of
    this tenant, and mark the request done; the caller commits.

    Under the request's row lock, then both accounts' in id order; the two entries have
    references unique to the request, so the money moves once however often it is approved.
    Raises LookupError when the tenant has no such request, NotApproved for the rest.
    """
    request = _lock_request(tenant, request_id)
    if request is None:
        raise LookupError(f"no transfer request {request_id} in {tenant.slug}")
    if request.status not in OPEN:
        raise NotApproved("decided")
    source = _account_numbered(tenant, source_number or "")
    target = _account_numbered(tenant, target_number or request.correct_account)
    if source is None:
        raise NotApproved("no_source")
    if target is None:
        raise NotApproved("no_target")
    if source.id == target.id:
        raise NotApproved("same")
    for account_id in sorted((source.id, target.id)):
        lock_account(tenant.slug, account_id)
    post_entry(
        tenant.slug, source.id, -request.amount, EntryKind.TRANSFER, out_reference(request.id)
    )
    credit(tenant, target.id, request.amount, EntryKind.TRANSFER, in_reference(request.id))
    now = utcnow()
    before = request.status
    request.status = TransferStatus.DONE
    request.staff_note = (note or "").strip()[:1000] or None
    request.updated_at = now
    record(request, TransferStatus.DONE, request.staff_note, actor, now)
    _audit(
        request,
        "transfers.approved",
        before,
        amount=request.amount,
        from_account=source.number,
        to_account=target.number,
        note=request.staff_note,
    )
    db.session.flush()
    _tell(tenant, request)
    return Moved(request, source, target)


def refuse(tenant: Tenant, request_id: int, reason: str, actor: str) -> TransferRequest:
    """Reject an open request with the reason the subscriber reads; the caller commits.
    Raises LookupError when there is no such request, NotApproved("decided") when it is
    already decided, ValueError without a reason."""
    request = _lock_request(tenant, request_id)
    if request is None:
        raise LookupError(f"no transfer request {request_id} in {tenant.slug}")
    if request.status not in OPEN:
        raise NotApproved("decided")
    set_status(request, TransferStatus.REJECTED, reason, actor)
    _tell(tenant, request)
    return request


def _tell(tenant: Tenant, request: TransferRequest) -> None:
    # The channel the subscriber chose for answers to their requests (notification centre).
    notify.tell(
        tenant,
        request.subscriber_id,
        "request_answered",
        number=request.label,
        path=REQUEST_PATH.format(number=request.number),
    )


def holders(tenant: Tenant, requests: list[TransferRequest]) -> dict[int, Subscriber]:
    """The subscriber who filed each of these requests, by subscriber id."""
    ids = {r.subscriber_id for r in requests}
    if not ids:
        return {}
    found = db.session.scalars(owned(Subscriber, tenant).where(Subscriber.id.in_(ids)))
    return {s.id: s for s in found}
