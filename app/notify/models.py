"""The development SMS outbox: every text the portal would have sent."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.persistence import TenantScoped, UTCDateTime, utcnow


class SmsMessage(TenantScoped, db.Model):
    __table_args__ = (sa.Index("ix_sms_message_tenant_phone", "tenant", "phone", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # E.164: a plus and at most 15 digits.
    phone: Mapped[str] = mapped_column(sa.String(16))
    text: Mapped[str] = mapped_column(sa.String(400))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
