"""The message queue (every e-mail and SMS on its way out) and the development SMS outbox."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.core import outbox
from app.extensions import db
from app.persistence import TenantScoped, UTCDateTime, utcnow


class SmsMessage(TenantScoped, db.Model):
    """What the development SMS provider "delivered": the phone of a development machine."""

    __table_args__ = (sa.Index("ix_sms_message_tenant_phone", "tenant", "phone", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # E.164: a plus and at most 15 digits.
    phone: Mapped[str] = mapped_column(sa.String(16))
    text: Mapped[str] = mapped_column(sa.String(400))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Status:
    PENDING = outbox.PENDING  # waiting for its (next) try
    SENDING = outbox.SENDING  # claimed by one deliverer
    SENT = "sent"
    FAILED = "failed"  # given up: every try failed, or it was too late to be of use


class QueuedMessage(TenantScoped, db.Model):
    """One e-mail or SMS, written in the transaction of whatever caused it, sent after it.

    The body may carry a one-time code or a temporary password (such a message has a
    lifetime, discard_after): it is blanked once the message is sent or given up. A failed
    message without a lifetime keeps its body, for staff to send again.
    """

    __tablename__ = "message_queue"
    __table_args__ = (sa.Index("ix_message_queue_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(sa.String(10))  # "email" or "sms"
    # An e-mail address, or a phone in E.164.
    recipient: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str | None] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    html: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(10), default=Status.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A code past its own lifetime is of no use to anyone: such a message is not sent late.
    discard_after: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(sa.String(300))
    # The SMS gateway's id of the text it accepted: set, the text is not sent again, and
    # the gateway's delivery reports find the row by it.
    provider_id: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    # What the gateway last reported: "delivered", "not_delivered" or "in_transit".
    delivery_status: Mapped[str | None] = mapped_column(sa.String(20))
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A notice e-mail's one-click unsubscribe link (RFC 8058); None on transactional mail.
    unsubscribe_url: Mapped[str | None] = mapped_column(sa.String(500))


class NoticeSent(TenantScoped, db.Model):
    """A notice that must go out once per occasion (a reminder for one run-out date, a
    promise's write-off): its key is taken once, so a rerun of the daily run sends nothing."""

    __tablename__ = "notice_sent"
    __table_args__ = (sa.UniqueConstraint("tenant", "notice", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notice: Mapped[str] = mapped_column(sa.String(40))
    # What makes the occasion: e.g. "<account id>:<the date the money runs out>".
    key: Mapped[str] = mapped_column(sa.String(100))
    subscriber_id: Mapped[int] = mapped_column(sa.ForeignKey("subscriber.id"), index=True)
    channel: Mapped[str] = mapped_column(sa.String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
