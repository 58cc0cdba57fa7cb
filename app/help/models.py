"""Help requests: the request, its thread of messages, the files they carry."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.persistence import TenantScoped, UTCDateTime, utcnow


class RequestKind(StrEnum):
    # Other kinds share the number, the status and the thread; what is their own sits
    # in a table beside (HelpCallback, HelpVisit).
    QUESTION = "question"
    CALLBACK = "callback"
    VISIT = "visit"


class RequestStatus(StrEnum):
    NEW = "new"  # no one of the staff has answered yet
    IN_PROGRESS = "in_progress"  # staff took it, or the subscriber wrote after an answer
    ANSWERED = "answered"  # the last word is the staff's
    CLOSED = "closed"


class Author(StrEnum):
    SUBSCRIBER = "subscriber"
    STAFF = "staff"


class HelpRequest(TenantScoped, db.Model):
    __table_args__ = (
        sa.UniqueConstraint("tenant", "number"),
        sa.Index("ix_help_request_owner", "tenant", "subscriber_id", "updated_at"),
        sa.Index("ix_help_request_queue", "tenant", "status", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Per-tenant sequence shown to people as HR-000123.
    number: Mapped[int] = mapped_column(sa.Integer)
    # None: asked without logging in (a public callback), so no one's list shows it.
    subscriber_id: Mapped[int | None] = mapped_column(sa.ForeignKey("subscriber.id"))
    kind: Mapped[RequestKind] = mapped_column(sa.String(20), default=RequestKind.QUESTION)
    # A code of the tenant's subjects when it was filed; kept if the YAML drops it later.
    subject: Mapped[str] = mapped_column(sa.String(40))
    status: Mapped[RequestStatus] = mapped_column(sa.String(20), default=RequestStatus.NEW)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last message of the thread the subscriber has seen on the request's page; staff
    # replies after it are new to them. None: they have not opened it since a reply.
    seen_message_id: Mapped[int | None] = mapped_column(sa.Integer)
    # The staff member a callback or visit is given to; None: nobody yet.
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_account.id"))
    # A callback made or a visit carried out (the request is closed then).
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Why the staff cancelled a callback or visit; the subscriber reads it in the thread too.
    cancel_reason: Mapped[str | None] = mapped_column(sa.String(300))

    messages: Mapped[list["HelpMessage"]] = relationship(
        back_populates="request", order_by="HelpMessage.id"
    )
    callback: Mapped["HelpCallback | None"] = relationship(back_populates="request")
    visit: Mapped["HelpVisit | None"] = relationship(back_populates="request")

    @property
    def label(self) -> str:
        return format_number(self.number)


class HelpMessage(TenantScoped, db.Model):
    """One message of a request's thread, the subscriber's or the staff's."""

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("help_request.id"), index=True)
    author: Mapped[Author] = mapped_column(sa.String(20))
    # Who of the staff wrote it (operators' login), never shown to the subscriber.
    staff_name: Mapped[str | None] = mapped_column(sa.String(80))
    text: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    request: Mapped[HelpRequest] = relationship(back_populates="messages")
    attachments: Mapped[list["HelpAttachment"]] = relationship(
        back_populates="message", order_by="HelpAttachment.id"
    )


class HelpAttachment(TenantScoped, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(sa.ForeignKey("help_message.id"), index=True)
    # Relative to the uploads folder; never under the web root, never served publicly.
    file_path: Mapped[str] = mapped_column(sa.String(200))
    original_filename: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(40))
    file_size: Mapped[int] = mapped_column(sa.Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    message: Mapped[HelpMessage] = relationship(back_populates="attachments")


class HelpCallback(TenantScoped, db.Model):
    """Whom to call, at which number, in which window: a request of kind callback."""

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("help_request.id"), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    phone: Mapped[str] = mapped_column(sa.String(20))  # E.164
    window_start: Mapped[datetime] = mapped_column(UTCDateTime)
    window_end: Mapped[datetime] = mapped_column(UTCDateTime)

    request: Mapped[HelpRequest] = relationship(back_populates="callback")


class HelpVisit(TenantScoped, db.Model):
    """A technician's visit: where, in which slot, and which of the slot's places it holds."""

    __table_args__ = (
        # The place is what makes a full slot impossible to overbook, even by two at once:
        # a booking takes a free place number, and two rows cannot hold the same one.
        # A cancelled visit gives its place back (NULL, and NULLs never clash).
        sa.UniqueConstraint("tenant", "region", "slot_start", "place"),
        sa.Index("ix_help_visit_slot", "tenant", "slot_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("help_request.id"), unique=True)
    service_point_id: Mapped[int] = mapped_column(sa.ForeignKey("service_point.id"))
    address: Mapped[str] = mapped_column(sa.String(300))  # as it was when asked
    region: Mapped[str] = mapped_column(sa.String(40))  # "" for a tenant without regions
    slot_start: Mapped[datetime] = mapped_column(UTCDateTime)
    slot_end: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[int | None] = mapped_column(sa.Integer)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    request: Mapped[HelpRequest] = relationship(back_populates="visit")


class HelpCounter(db.Model):
    """The last request number given out in each tenant; bumped atomically by an upsert."""

    tenant: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    last_number: Mapped[int] = mapped_column(sa.Integer)


NUMBER_PREFIX = "HR-"


def format_number(number: int) -> str:
    """The human form of a request number, e.g. HR-000123."""
    return f"{NUMBER_PREFIX}{number:06d}"
