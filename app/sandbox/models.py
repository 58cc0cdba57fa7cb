"""The sandbox bank's own records: payment operations and saved-card tokens."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.persistence import TenantScoped, UTCDateTime, utcnow


class SandboxOperation(TenantScoped, db.Model):
    """One payment as the bank sees it; the full card number is never kept."""

    id: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    reference: Mapped[str] = mapped_column(sa.String(40))
    amount: Mapped[int] = mapped_column(sa.BigInteger)
    currency: Mapped[str] = mapped_column(sa.String(3))
    method: Mapped[str] = mapped_column(sa.String(20))
    # The wallet or bank the merchant's order names (webmoney, qiwi, sberbank …), if any.
    choice: Mapped[str | None] = mapped_column(sa.String(40))
    description: Mapped[str] = mapped_column(sa.String(200), default="")
    save_card: Mapped[bool] = mapped_column(default=False)
    return_url: Mapped[str] = mapped_column(sa.String(500), default="")
    notify_url: Mapped[str] = mapped_column(sa.String(500))
    # card -> otp -> done; phone -> code -> done; confirm -> done
    state: Mapped[str] = mapped_column(sa.String(10))
    succeeded: Mapped[bool | None]
    failure_reason: Mapped[str | None] = mapped_column(sa.String(40))
    # What the card's issuer will answer after 3-D Secure (None: approve).
    card_outcome: Mapped[str | None] = mapped_column(sa.String(40))
    card_last4: Mapped[str | None] = mapped_column(sa.String(4))
    card_brand: Mapped[str | None] = mapped_column(sa.String(20))
    token: Mapped[str | None] = mapped_column(sa.String(64))
    phone: Mapped[str | None] = mapped_column(sa.String(16))
    code_hash: Mapped[str | None] = mapped_column(sa.String(64))
    code_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(default=0)
    # Kopecks paid back to the card so far.
    refunded: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SandboxToken(TenantScoped, db.Model):
    token: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    last4: Mapped[str] = mapped_column(sa.String(4))
    brand: Mapped[str] = mapped_column(sa.String(20))
    revoked: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
