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
