"""The history of options: one row per activation (or request) on an account."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.persistence import TenantScoped, UTCDateTime, utcnow


class Status(StrEnum):
    REQUESTED = "requested"  # waits for staff
    SCHEDULED = "scheduled"  # starts at starts_at
    ACTIVE = "active"
    ENDED = "ended"
    REFUSED = "refused"  # by staff
    CANCELLED = "cancelled"  # by the subscriber before it started


OPEN = (Status.REQUESTED, Status.SCHEDULED, Status.ACTIVE)
OPEN_SQL = "address IS NOT NULL AND status IN ('requested', 'scheduled', 'active')"


class Activation(TenantScoped, db.Model):
    """An option switched on (or asked for) on an account, with its price and parameters."""

    __tablename__ = "option_activation"
    __table_args__ = (
        sa.Index("ix_option_activation_account", "account_id", "code", "starts_at"),
        sa.Index("ix_option_activation_status", "tenant", "status"),
        # One holder per fixed address or device of an option, even when two accounts ask
        # at the same moment (their row locks are not the same lock).
        sa.Index(
            "uq_option_activation_address",
            "tenant",
            "code",
            "address",
            unique=True,
            postgresql_where=sa.text(OPEN_SQL),
            sqlite_where=sa.text(OPEN_SQL),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("account.id"))
    # None: the whole account (every option today); a point where one is named.
    point_id: Mapped[int | None] = mapped_column(sa.ForeignKey("service_point.id"))
    code: Mapped[str] = mapped_column(sa.String(40))
    kind: Mapped[str] = mapped_column(sa.String(20))
    status: Mapped[Status] = mapped_column(sa.String(20))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Kopecks: the one-off price, or the monthly / daily fee it was switched on at.
    price: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    params: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    # The fixed IP address or the device's MAC address it holds, if any (also in params).
    address: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_reason: Mapped[str | None] = mapped_column(sa.String(300))
