"""Who switched recovery on in advance, and what recovery challenges prove."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.persistence import TenantScoped, UTCDateTime, utcnow


class Purpose(StrEnum):
    """What a recovery challenge proves (app.core.verification keeps the challenges)."""

    RESET = "reset"  # proves the subscriber may set a new password
    CONTACT = "contact"  # proves they own a phone or e-mail they want to use for recovery
    # A temporary password: typed at login, it proves the same as a reset code does.
    TEMPORARY = "temporary-password"


class OptIn(TenantScoped, db.Model):
    """Recovery switched on from inside the cabinet, per confirmed channel."""

    __tablename__ = "recovery_opt_in"

    subscriber_id: Mapped[int] = mapped_column(sa.ForeignKey("subscriber.id"), primary_key=True)
    phone: Mapped[str | None] = mapped_column(sa.String(20))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
