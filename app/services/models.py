"""Tariff changes a subscriber ordered: pending until they take effect, then applied."""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.persistence import TenantScoped, UTCDateTime, utcnow


class ChangeStatus(StrEnum):
    PENDING = "pending"
    APPLIED = "applied"
    CANCELLED = "cancelled"
    # A scheduled change whose day came when the balance did not cover its fee.
    REFUSED = "refused"


class TariffChange(TenantScoped, db.Model):
    """One ordered change of a point's tariff, from a local date in the point's region."""

    __tablename__ = "tariff_change"
    __table_args__ = (
        sa.Index("ix_tariff_change_due", "tenant", "status", "effective_on"),
        # One pending change per point, even if a lock were ever forgotten.
        sa.Index(
            "uq_tariff_change_pending",
            "point_id",
            unique=True,
            postgresql_where=sa.text("status = 'pending'"),
            sqlite_where=sa.text("status = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("account.id"), index=True)
    point_id: Mapped[int] = mapped_column(sa.ForeignKey("service_point.id"), index=True)
    from_code: Mapped[str] = mapped_column(sa.String(40))
    to_code: Mapped[str] = mapped_column(sa.String(40))
    timing: Mapped[str] = mapped_column(sa.String(20))
    effective_on: Mapped[date] = mapped_column(sa.Date)
    # The one-off fee charged when it takes effect, in kopecks (0: free).
    fee: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    status: Mapped[ChangeStatus] = mapped_column(sa.String(20), default=ChangeStatus.PENDING)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    refused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # With REFUSED: the kopecks the balance lacked on the day, for the subscriber to see.
    missing: Mapped[int | None] = mapped_column(sa.BigInteger)
