"""The provisioning outbox: every change the ISP's network must enforce, on its way there."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.core import outbox
from app.extensions import db
from app.persistence import TenantScoped, UTCDateTime, utcnow


class Status:
    PENDING = outbox.PENDING
    SENDING = outbox.SENDING
    DELIVERED = "delivered"
    FAILED = "failed"  # given up after the last try
    # The tenant has no provisioning link: kept as a record, never sent (a network command
    # sent days late, once a link exists, could undo what staff have set by hand since).
    SKIPPED = "skipped"


class ProvisioningEvent(TenantScoped, db.Model):
    """One service change, written in the transaction that made it, posted after it."""

    __tablename__ = "provisioning_outbox"
    __table_args__ = (sa.Index("ix_provisioning_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Sent with every try: the ISP's side applies an event id once, however often it arrives.
    event_id: Mapped[str] = mapped_column(sa.String(36), unique=True)
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("account.id"), index=True)
    account_number: Mapped[str] = mapped_column(sa.String(40))
    point_id: Mapped[int | None] = mapped_column(sa.ForeignKey("service_point.id"))
    event: Mapped[str] = mapped_column(sa.String(30))
    details: Mapped[dict] = mapped_column(sa.JSON)
    status: Mapped[str] = mapped_column(sa.String(10), default=Status.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(sa.String(300))
