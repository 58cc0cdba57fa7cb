"""The append-only ledger behind every account balance."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.persistence import TenantScoped, UTCDateTime, utcnow


class EntryKind(StrEnum):
    PAYMENT = "payment"
    CHARGE = "charge"
    REFUND = "refund"
    PROMISED_CREDIT = "promised_credit"
    PROMISED_REPAYMENT = "promised_repayment"
    TRANSFER = "transfer"
    CORRECTION = "correction"


class LedgerEntry(TenantScoped, db.Model):
    __table_args__ = (
        sa.UniqueConstraint("tenant", "reference"),
        sa.Index("ix_ledger_entry_account_time", "account_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("account.id"))
    # Signed kopecks: credits are positive, charges negative.
    amount: Mapped[int] = mapped_column(sa.BigInteger)
    kind: Mapped[EntryKind] = mapped_column(sa.String(30))
    # Unique per tenant: the same external event posted twice is recognised and ignored.
    reference: Mapped[str] = mapped_column(sa.String(100))
    description: Mapped[str] = mapped_column(sa.String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


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
