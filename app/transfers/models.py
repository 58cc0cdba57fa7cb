"""Requests to move a payment that reached the wrong account, and their history."""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.persistence import TenantScoped, UTCDateTime, utcnow


class TransferStatus(StrEnum):
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    DONE = "done"
    REJECTED = "rejected"


class TransferRequest(TenantScoped, db.Model):
    __table_args__ = (
        sa.UniqueConstraint("tenant", "number"),
        sa.Index("ix_transfer_request_owner", "tenant", "subscriber_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Per-tenant sequence shown to people as TR-000123.
    number: Mapped[int] = mapped_column(sa.Integer)
    subscriber_id: Mapped[int] = mapped_column(sa.ForeignKey("subscriber.id"))
    # The requester's own account the request is filed under.
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("account.id"))
    correct_account: Mapped[str] = mapped_column(sa.String(40))
    address: Mapped[str] = mapped_column(sa.String(300))
    full_name: Mapped[str] = mapped_column(sa.String(200))
    phone: Mapped[str] = mapped_column(sa.String(20))
    paid_on: Mapped[date] = mapped_column(sa.Date)
    amount: Mapped[int] = mapped_column(sa.BigInteger)  # kopecks
    comment: Mapped[str] = mapped_column(sa.String(1000), default="")
    # Relative to the uploads folder; never under the web root, never served publicly.
    file_path: Mapped[str] = mapped_column(sa.String(200))
    original_filename: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(40))
    file_size: Mapped[int] = mapped_column(sa.Integer)
    status: Mapped[TransferStatus] = mapped_column(sa.String(20), default=TransferStatus.SUBMITTED)
    staff_note: Mapped[str | None] = mapped_column(sa.String(1000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    events: Mapped[list["TransferEvent"]] = relationship(
        back_populates="request", order_by="TransferEvent.id"
    )

    @property
    def label(self) -> str:
        return format_number(self.number)


class TransferEvent(TenantScoped, db.Model):
    """One status a request went through, with the note staff left for the subscriber."""

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("transfer_request.id"), index=True)
    status: Mapped[TransferStatus] = mapped_column(sa.String(20))
    note: Mapped[str | None] = mapped_column(sa.String(1000))
    actor: Mapped[str] = mapped_column(sa.String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    request: Mapped[TransferRequest] = relationship(back_populates="events")


class TransferCounter(db.Model):
    """The last request number given out in each tenant; bumped atomically by an upsert."""

    tenant: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    last_number: Mapped[int] = mapped_column(sa.Integer)


NUMBER_PREFIX = "TR-"


def format_number(number: int) -> str:
    """The human form of a request number, e.g. TR-000123."""
    return f"{NUMBER_PREFIX}{number:06d}"
