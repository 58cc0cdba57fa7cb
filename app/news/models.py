"""News, promotions and notices written by the ISP's staff in the console (the YAML's items
are the tenant's config; these are the tenant's data)."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.persistence import TenantScoped, UTCDateTime, utcnow


class AuthoredNews(TenantScoped, db.Model):
    """One item as staff wrote it; shown to subscribers like a YAML item of the same kind."""

    __tablename__ = "authored_news"
    # The EXISTS of app.news.authored.has_live (anything of the tenant still to show?) reads it.
    __table_args__ = (sa.Index("ix_authored_news_live", "tenant", "withdrawn_at", "shown_until"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    # Region codes it is for; empty: the whole tenant.
    regions: Mapped[list] = mapped_column(sa.JSON, default=list)
    title: Mapped[dict] = mapped_column(sa.JSON)  # {locale: text}
    text: Mapped[dict] = mapped_column(sa.JSON)  # {locale: text}
    # Naive local times of the subscriber's region, as the YAML's items are written.
    publish: Mapped[datetime] = mapped_column(sa.DateTime)
    expires: Mapped[datetime | None] = mapped_column(sa.DateTime)
    # A moment in UTC by which the item has expired in every timezone: the EXISTS
    # compares it with the clock without knowing the subscriber's region. None: never.
    shown_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    important: Mapped[bool] = mapped_column(default=False)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
