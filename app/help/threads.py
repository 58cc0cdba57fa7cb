"""Help requests: opening, the thread, status changes, staff replies and their notices
(the rest of the portal reaches them through service.py).

Files are written to disk before the row commits: a caller whose commit fails removes
them with `discard_files(root, paths)`.
"""

import logging
import re
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.core import counters, uploads
from app.core.scoped import get_owned, owned
from app.core.subscribers import subscriber_of
from app.extensions import db
from app.persistence import utcnow
from app.tenancy.help_schema import Requests, Subject
from app.tenancy.registry import Tenant

from . import notices
from .models import (
    Author,
    HelpAttachment,
    HelpCounter,
    HelpMessage,
    HelpRequest,
    RequestKind,
    RequestStatus,
)
from .trail import record

log = logging.getLogger("app.help")
NUMBER_TEXT = re.compile(r"^\s*(?:HR-?)?0*(\d{1,9})\s*$", re.IGNORECASE)
MEGABYTE = 1024 * 1024


@dataclass(frozen=True)
class Upload:
    """A file as the subscriber sent it: its bytes and the name it had."""

    content: bytes
    filename: str


class Refused(ValueError):
    """What was asked cannot be done to the request in its status."""


def rules(tenant: Tenant) -> Requests:
    """The tenant's rules for requests."""
    return tenant.config.help.requests


def enabled(tenant: Tenant | None) -> bool:
    """Whether this ISP takes requests in the cabinet."""
    return tenant is not None and rules(tenant).enabled


def subject(tenant: Tenant, code: str) -> Subject | None:
    """The tenant's subject with this code, if it offers one."""
    return next((s for s in rules(tenant).all_subjects() if s.code == code), None)


def allowed_kinds(tenant: Tenant) -> tuple[uploads.FileKind, ...]:
    """The file kinds the tenant accepts, by content."""
    return uploads.kinds_of(rules(tenant).attachments.kinds)


def max_bytes(tenant: Tenant) -> int:
    """The largest file the tenant accepts."""
    return rules(tenant).attachments.max_megabytes * MEGABYTE


def largest_body(tenants) -> int:
    """The largest body a message with files may have in any of the tenants, with room for
    the text and one file too many (so a file over the limit is named, not refused unread):
    the limit is set before the tenant is known."""
    most = max((rules(t).attachments.max_files + 1) * max_bytes(t) for t in tenants)
    return most + MEGABYTE


def _check(tenant: Tenant, text: str, files: list[Upload]) -> None:
    # The form has said all this to the subscriber; here it guards every other caller.
    limits = rules(tenant)
    if not text.strip() or len(text) > limits.max_chars:
        raise ValueError("a message needs text within the tenant's length")
    if len(files) > limits.attachments.max_files:
        raise ValueError("too many files")
    for upload in files:
        too_big = len(upload.content) > max_bytes(tenant)
        if too_big or uploads.detect_kind(upload.content, allowed_kinds(tenant)) is None:
            raise ValueError(f"{upload.filename!r} is not a file this tenant accepts")


def next_number(tenant_slug: str) -> int:
    """The tenant's next request number, for a request of any kind."""
    return counters.next_number(HelpCounter, tenant_slug)


def open_request(
    tenant: Tenant, subscriber_id: int, code: str, text: str, files: list[Upload], root: Path
) -> HelpRequest:
    """Open a request with its first message and files; the caller commits."""
    if subject(tenant, code) is None:
        raise ValueError(f"no subject {code!r} in {tenant.slug}")
    if subscriber_of(tenant, subscriber_id) is None:
        raise LookupError(f"no subscriber {subscriber_id} in {tenant.slug}")
    _check(tenant, text, files)
    now = utcnow()
    request = HelpRequest(
        tenant=tenant.slug,
        number=next_number(tenant.slug),
        subscriber_id=subscriber_id,
        kind=RequestKind.QUESTION,
        subject=code,
        status=RequestStatus.NEW,
        created_at=now,
        updated_at=now,
    )
    db.session.add(request)
    db.session.flush()
    _add_message(request, Author.SUBSCRIBER, text, files, root)
    record(tenant, request, "help.request_opened", after={"subject": code})
    return request


def _add_message(
    request: HelpRequest, author: Author, text: str, files: list[Upload], root: Path, staff=None
) -> HelpMessage:
    now = utcnow()
    message = HelpMessage(
        tenant=request.tenant,
        request_id=request.id,
        author=author,
        staff_name=staff,
        text=text.strip(),
        created_at=now,
    )
    db.session.add(message)
    db.session.flush()
    saved = []
    try:
        for upload in files:
            kind = uploads.detect_kind(upload.content)
            relative = uploads.save(root, request.tenant, upload.content, kind)
            saved.append(relative)
            db.session.add(
                HelpAttachment(
                    tenant=request.tenant,
                    message_id=message.id,
                    file_path=relative,
                    original_filename=uploads.clean_filename(upload.filename),
                    content_type=kind.content_type,
                    file_size=len(upload.content),
                    created_at=now,
                )
            )
        request.updated_at = now
        db.session.flush()
    except Exception:
        discard_files(root, saved)
        raise
    return message


def stored_files(message: HelpMessage) -> list[str]:
    """The paths, relative to the uploads root, of a message's files."""
    return [a.file_path for a in message.attachments]


def discard_files(root: Path, paths: list[str]) -> None:
    """Remove files whose rows were not saved after all."""
    for relative in paths:
        uploads.discard(root, relative)


def requests_of(tenant: Tenant, subscriber_id: int) -> list[HelpRequest]:
    """The subscriber's own requests in this tenant, the latest activity first."""
    return list(
        db.session.scalars(
            owned(HelpRequest, tenant)
            .where(HelpRequest.subscriber_id == subscriber_id)
            .order_by(HelpRequest.updated_at.desc(), HelpRequest.id.desc())
        )
    )


def request_of(tenant: Tenant, subscriber_id: int, number: int) -> HelpRequest | None:
    """One request with its thread, only when it is this subscriber's and in this tenant."""
    return db.session.scalar(
        owned(HelpRequest, tenant)
        .where(HelpRequest.subscriber_id == subscriber_id, HelpRequest.number == number)
        .options(selectinload(HelpRequest.messages).selectinload(HelpMessage.attachments))
    )


def attachment_of(tenant: Tenant, subscriber_id: int, attachment_id: int) -> HelpAttachment | None:
    """A file, only when it belongs to a request of this subscriber in this tenant."""
    attachment = get_owned(HelpAttachment, tenant, attachment_id)
    if attachment is None or attachment.message.request.subscriber_id != subscriber_id:
        return None
    return attachment


def reply(
    tenant: Tenant, subscriber_id: int, number: int, text: str, files: list[Upload], root: Path
) -> HelpMessage:
    """The subscriber writes again; an answered request goes back to the staff."""
    request = _own(tenant, subscriber_id, number)
    if request.status == RequestStatus.CLOSED:
        raise Refused("a closed request must be reopened before writing to it")
    _check(tenant, text, files)
    if request.status == RequestStatus.ANSWERED:
        request.status = RequestStatus.IN_PROGRESS
    record(tenant, request, "help.replied", after={"files": len(files)})
    return _add_message(request, Author.SUBSCRIBER, text, files, root)


def close(tenant: Tenant, subscriber_id: int, number: int) -> HelpRequest:
    """The subscriber closes their request: the question is settled."""
    request = _own(tenant, subscriber_id, number)
    if request.status == RequestStatus.CLOSED:
        raise Refused("already closed")
    record(tenant, request, "help.closed", before={"status": str(request.status)})
    return _set(request, RequestStatus.CLOSED)


def reopen(tenant: Tenant, subscriber_id: int, number: int) -> HelpRequest:
    """The subscriber reopens a closed request; it waits for the staff again."""
    request = _own(tenant, subscriber_id, number)
    if request.status != RequestStatus.CLOSED:
        raise Refused("only a closed request can be reopened")
    answered = any(m.author == Author.STAFF for m in request.messages)
    record(tenant, request, "help.reopened")
    return _set(request, RequestStatus.IN_PROGRESS if answered else RequestStatus.NEW)


def _own(tenant: Tenant, subscriber_id: int, number: int) -> HelpRequest:
    request = request_of(tenant, subscriber_id, number)
    if request is None:
        raise LookupError(f"no request {number} of subscriber {subscriber_id} in {tenant.slug}")
    return request


def _set(request: HelpRequest, status: RequestStatus) -> HelpRequest:
    now = utcnow()
    request.status = status
    request.updated_at = now
    request.closed_at = now if status == RequestStatus.CLOSED else None
    db.session.flush()
    return request


def staff_reply(
    tenant: Tenant, number: int, text: str, staff: str, root: Path, files: tuple = ()
) -> HelpMessage:
    """Staff answer request `number` of the tenant; the subscriber gets a notice."""
    request = db.session.scalar(owned(HelpRequest, tenant).where(HelpRequest.number == number))
    if request is None:
        raise LookupError(f"no request {number} in {tenant.slug}")
    if not text.strip():
        raise ValueError("an answer needs text")
    files = list(files)
    message = _add_message(request, Author.STAFF, text, files, root, staff=staff)
    # An answer to a closed request opens it again: the subscriber must be able to reply.
    _set(request, RequestStatus.ANSWERED)
    notices.answered(tenant, request)
    return message


def set_status(tenant: Tenant, number: int, status: RequestStatus) -> HelpRequest:
    """Staff move a request to a status (e.g. in progress once they took it)."""
    request = db.session.scalar(owned(HelpRequest, tenant).where(HelpRequest.number == number))
    if request is None:
        raise LookupError(f"no request {number} in {tenant.slug}")
    if request.status == status:
        raise Refused(f"{request.label} is already {status.value}")
    return _set(request, status)


def parse_number(text: str) -> int | None:
    """123, 000123, HR-000123 or hr-123 as the number 123; None when it is none of these."""
    match = NUMBER_TEXT.match(text)
    return int(match.group(1)) if match else None


def queue(tenant_slug: str | None = None, status: str | None = None) -> list[HelpRequest]:
    """Requests for operators, the longest waiting first, optionally of one tenant or status."""
    query = sa.select(HelpRequest)
    if tenant_slug is not None:
        query = query.where(HelpRequest.tenant == tenant_slug)
    if status is not None:
        query = query.where(HelpRequest.status == status)
    return list(db.session.scalars(query.order_by(HelpRequest.updated_at, HelpRequest.id)))
