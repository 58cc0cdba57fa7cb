"""Wrong-account transfer requests: filing, reading one's own, and staff decisions.

Approving a request (approve) is the one way it becomes done: it moves the money through
the ledger in the same transaction. set_status only moves a request between the statuses
that move no money. The decisions live in decisions.py; this is their face.
"""

import re
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from app.core import audit, counters
from app.core.scoped import owned
from app.core.subscribers import accounts_of, subscriber_of
from app.extensions import db
from app.persistence import utcnow
from app.tenancy.registry import Tenant

from . import decisions, storage
from .decisions import record as _record
from .models import TransferCounter, TransferRequest, TransferStatus

NUMBER_TEXT = re.compile(r"^\s*(?:TR-?)?0*(\d{1,9})\s*$", re.IGNORECASE)
OPEN = decisions.OPEN
NotApproved = decisions.NotApproved
Moved = decisions.Moved
set_status = decisions.set_status
open_requests = decisions.open_requests
recent_decisions = decisions.recent_decisions
request_in = decisions.request_in
holders = decisions.holders
approve = decisions.approve
refuse = decisions.refuse
out_reference = decisions.out_reference
in_reference = decisions.in_reference


@dataclass(frozen=True)
class Details:
    """What the subscriber wrote on the form, already checked and normalised."""

    correct_account: str
    address: str
    full_name: str
    phone: str
    paid_on: date
    amount: int
    comment: str = ""


@dataclass(frozen=True)
class Receipt:
    content: bytes
    filename: str


def enabled(tenant: Tenant) -> bool:
    """Whether this ISP takes wrong-account transfer requests in the cabinet."""
    return tenant.config.payments.transfer_requests


def form_defaults(tenant: Tenant, subscriber_id: int) -> dict[str, str]:
    """What the form starts with: the subscriber's name, phone, account and address."""
    subscriber = subscriber_of(tenant, subscriber_id)
    if subscriber is None:
        return {}
    accounts = accounts_of(tenant, subscriber_id, with_points=True)
    first = accounts[0] if accounts else None
    points = first.service_points if first else []
    return {
        "correct_account": first.number if first else "",
        "address": points[0].address if points else "",
        "full_name": subscriber.display_name,
        "phone": subscriber.phone or "",
    }


def create_request(
    tenant: Tenant, subscriber_id: int, details: Details, receipt: Receipt, root: Path
) -> TransferRequest:
    """File a request with its receipt stored on disk; the caller commits.

    If the caller's commit fails it must storage.discard(root, request.file_path).
    """
    kind = storage.detect_kind(receipt.content)
    if kind is None or len(receipt.content) > storage.MAX_BYTES:
        raise ValueError("a receipt must be a PNG, JPEG or PDF of at most 5 MB")
    accounts = accounts_of(tenant, subscriber_id, with_points=True)
    if not accounts:
        raise LookupError(f"subscriber {subscriber_id} has no account in {tenant.slug}")
    # Filed under the account it names when that is the subscriber's own, else their first.
    account = next((a for a in accounts if a.number == details.correct_account), accounts[0])
    relative = storage.save(root, tenant.slug, receipt.content, kind)
    try:
        return _insert(tenant, subscriber_id, account.id, details, receipt, kind, relative)
    except Exception:
        storage.discard(root, relative)
        raise


def _insert(tenant, subscriber_id, account_id, details, receipt, kind, relative):
    now = utcnow()
    request = TransferRequest(
        tenant=tenant.slug,
        number=counters.next_number(TransferCounter, tenant.slug),
        subscriber_id=subscriber_id,
        account_id=account_id,
        **asdict(details),
        file_path=relative,
        original_filename=storage.clean_filename(receipt.filename),
        content_type=kind.content_type,
        file_size=len(receipt.content),
        status=TransferStatus.SUBMITTED,
        created_at=now,
        updated_at=now,
    )
    db.session.add(request)
    db.session.flush()
    _record(request, TransferStatus.SUBMITTED, None, "subscriber", now)
    audit.record(
        tenant.slug,
        "transfer.asked",
        subscriber_id=subscriber_id,
        target=f"transfer:{request.number}",
        after={"amount": request.amount, "account": details.correct_account},
    )
    db.session.flush()
    return request


def requests_of(tenant: Tenant, subscriber_id: int) -> list[TransferRequest]:
    """The subscriber's own requests in this tenant, newest first."""
    return list(
        db.session.scalars(
            owned(TransferRequest, tenant)
            .where(
                TransferRequest.subscriber_id == subscriber_id,
            )
            .order_by(TransferRequest.created_at.desc(), TransferRequest.id.desc())
        )
    )


def request_of(tenant: Tenant, subscriber_id: int, number: int) -> TransferRequest | None:
    """One request, only when it is this subscriber's and in this tenant."""
    return db.session.scalar(
        owned(TransferRequest, tenant).where(
            TransferRequest.subscriber_id == subscriber_id,
            TransferRequest.number == number,
        )
    )


def parse_number(text: str) -> int | None:
    """123, 000123, TR-000123 or tr-123 as the number 123; None when it is none of these."""
    match = NUMBER_TEXT.match(text)
    return int(match.group(1)) if match else None


def find(number: int, tenant_slug: str | None = None) -> list[TransferRequest]:
    """Requests with this number: one per tenant that has it, or only in the given tenant."""
    query = sa.select(TransferRequest).where(TransferRequest.number == number)
    if tenant_slug is not None:
        query = query.where(TransferRequest.tenant == tenant_slug)
    return list(db.session.scalars(query.order_by(TransferRequest.tenant)))


def queue(tenant_slug: str | None = None, status: str | None = None) -> list[TransferRequest]:
    """Requests for operators, oldest first, optionally of one tenant or one status."""
    query = sa.select(TransferRequest)
    if tenant_slug is not None:
        query = query.where(TransferRequest.tenant == tenant_slug)
    if status is not None:
        query = query.where(TransferRequest.status == status)
    return list(db.session.scalars(query.order_by(TransferRequest.created_at, TransferRequest.id)))


def contact_email(tenant: Tenant, subscriber_id: int) -> str | None:
    """The e-mail on record for confirmations, if the subscriber has one."""
    subscriber = subscriber_of(tenant, subscriber_id)
    if subscriber is None or subscriber.tenant != tenant.slug:
        return None
    return subscriber.email or None
