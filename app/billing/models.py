"""The promised payment's record (the ledger itself is app.core.ledger)."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.persistence import TenantScoped, UTCDateTime, utcnow


class PromisedPayment(TenantScoped, db.Model):
    """Credit lent to an account for a few days, written back off when it falls due."""

    __tablename__ = "promised_payment"
    __table_args__ = (
        sa.UniqueConstraint("tenant", "reference"),
        sa.Index("ix_promised_payment_account_taken", "account_id", "taken_at"),
        # At most one open promise per account, even if a lock were ever forgotten.
        sa.Index(
            "uq_promised_payment_open",
            "account_id",
            unique=True,
            postgresql_where=sa.text("closed_at IS NULL"),
            sqlite_where=sa.text("closed_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("account.id"))
    amount: Mapped[int] = mapped_column(sa.BigInteger)
    fee: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Local midnight that starts the day the credit is written back off.
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The ledger reference of its credit entry.
    reference: Mapped[str] = mapped_column(sa.String(100))
