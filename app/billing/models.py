"""The promised payment's record and the daily run's progress; the ledger is app.core.ledger."""

from datetime import date, datetime

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


class BillingRun(TenantScoped, db.Model):
    """One tenant's daily run split into account ranges that workers charge side by side.

    The range jobs add what they did to this row under its lock; the one that completes the
    last range runs the day's jobs (option fees, reminders, autopay) that must see every
    charge. An unfinished row also tells the next hourly run that this one is still going.
    """

    __tablename__ = "billing_run"
    __table_args__ = (sa.Index("ix_billing_run_tenant_started", "tenant", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The moment the run charges for (each region's local date of it), unless `day` is set.
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    day: Mapped[date | None] = mapped_column(sa.Date)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ranges: Mapped[int] = mapped_column(default=0)
    ranges_done: Mapped[int] = mapped_column(default=0)
    charged: Mapped[int] = mapped_column(default=0)
    kopecks: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    suspended: Mapped[int] = mapped_column(default=0)
    repaid: Mapped[int] = mapped_column(default=0)
    tariffs_changed: Mapped[int] = mapped_column(default=0)
    tariffs_refused: Mapped[int] = mapped_column(default=0)
    # What the operator reads in the log: the run's one-line description once it finished.
    summary: Mapped[str | None] = mapped_column(sa.Text)
