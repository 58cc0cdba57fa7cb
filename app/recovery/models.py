"""One-time secrets sent for recovery, and who switched recovery on in advance."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.persistence import TenantScoped, UTCDateTime, utcnow


class Purpose(StrEnum):
    RESET = "reset"  # proves the subscriber may set a new password
    CONTACT = "contact"  # proves they own a phone or e-mail they want to use for recovery
    PROMISED = "promised"  # confirms taking a promised payment (billing)


class Challenge(TenantScoped, db.Model):
    """A code or link sent once; only its keyed hash is stored."""

    __tablename__ = "recovery_challenge"

    id: Mapped[int] = mapped_column(primary_key=True)
    # What the browser holds (in its session) to point at this challenge; not the secret.
    handle: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # None for a decoy: a request that matched no account is answered exactly like one that
    # did, and its challenge simply never succeeds.
    subscriber_id: Mapped[int | None] = mapped_column(sa.ForeignKey("subscriber.id"), index=True)
    purpose: Mapped[str] = mapped_column(sa.String(20))
    flow: Mapped[str] = mapped_column(sa.String(40))
    channel: Mapped[str] = mapped_column(sa.String(10))
    destination: Mapped[str | None] = mapped_column(sa.String(254))
    secret_hash: Mapped[str] = mapped_column(sa.String(64), index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    superseded: Mapped[bool] = mapped_column(default=False)


class OptIn(TenantScoped, db.Model):
    """Recovery switched on from inside the cabinet, per confirmed channel."""

    __tablename__ = "recovery_opt_in"

    subscriber_id: Mapped[int] = mapped_column(sa.ForeignKey("subscriber.id"), primary_key=True)
    phone: Mapped[str | None] = mapped_column(sa.String(20))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
