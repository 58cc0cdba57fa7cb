"""Traffic the ISP's accounting counted: bytes in and out per service point and day."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.persistence import TenantScoped, UTCDateTime, utcnow


class UsageRecord(TenantScoped, db.Model):
    """One point's day, as last imported: a re-import of the day replaces its numbers."""

    __table_args__ = (sa.UniqueConstraint("point_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    point_id: Mapped[int] = mapped_column(sa.ForeignKey("service_point.id"))
    # The ISP's accounting day, in the region's own calendar.
    day: Mapped[date] = mapped_column(sa.Date)
    # Towards the subscriber (downloads) and from them (uploads).
    bytes_in: Mapped[int] = mapped_column(sa.BigInteger)
    bytes_out: Mapped[int] = mapped_column(sa.BigInteger)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
