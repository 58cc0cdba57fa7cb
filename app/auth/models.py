"""What proves a subscriber is who they say: the password hash (sessions: app.core.devices)."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.subscribers import Subscriber
from app.extensions import db
from app.persistence import TenantScoped, UTCDateTime, utcnow


class Credential(TenantScoped, db.Model):
    subscriber_id: Mapped[int] = mapped_column(sa.ForeignKey("subscriber.id"), primary_key=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    # Issued with the contract: the subscriber must replace it before anything else.
    is_temporary: Mapped[bool] = mapped_column(default=False)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    subscriber: Mapped[Subscriber] = relationship()
