"""Payments made online, cards saved for autopay and autopay rules."""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.persistence import TenantScoped, UTCDateTime, utcnow


class PaymentStatus(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class PaymentKind(StrEnum):
    """Who pays: the subscriber for their own account, for another's, or a guest."""

    OWN = "own"
    OTHER = "other"
    GUEST = "guest"


class Payment(TenantScoped, db.Model):
    __table_args__ = (
        sa.UniqueConstraint("tenant", "reference"),
        sa.Index("ix_payment_account_time", "account_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Ours, unique per tenant; the ledger entry is "payment:<reference>", so it credits once.
    reference: Mapped[str] = mapped_column(sa.String(40))
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("account.id"))
    # The logged-in subscriber who paid (own or other); None for a guest.
    payer_subscriber_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("subscriber.id"), index=True
    )
    kind: Mapped[PaymentKind] = mapped_column(sa.String(10), default=PaymentKind.OWN)
    method: Mapped[str] = mapped_column(sa.String(40))
    # The wallet or bank picked within the method (its code in the tenant's YAML), if any.
    method_choice: Mapped[str | None] = mapped_column(sa.String(40))
    amount: Mapped[int] = mapped_column(sa.BigInteger)
    currency: Mapped[str] = mapped_column(sa.String(3), default="RUB")
    status: Mapped[PaymentStatus] = mapped_column(sa.String(10), default=PaymentStatus.PENDING)
    failure_reason: Mapped[str | None] = mapped_column(sa.String(40))
    provider: Mapped[str] = mapped_column(sa.String(20))
    provider_payment_id: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    save_card: Mapped[bool] = mapped_column(default=False)
    # The last four digits of the card paid with, when the provider names it: the statement
    # and the receipt show it masked. Never the whole number, which the portal never sees.
    card_last4: Mapped[str | None] = mapped_column(sa.String(4))
    payer_email: Mapped[str | None] = mapped_column(sa.String(254))
    # The language the payer used, so the receipt that follows the bank's notice speaks it.
    locale: Mapped[str | None] = mapped_column(sa.String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SavedCard(TenantScoped, db.Model):
    """A provider's token for a card; the card number itself never reaches the portal."""

    __table_args__ = (sa.UniqueConstraint("tenant", "token"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(sa.ForeignKey("subscriber.id"), index=True)
    provider: Mapped[str] = mapped_column(sa.String(20))
    token: Mapped[str] = mapped_column(sa.String(100))
    last4: Mapped[str] = mapped_column(sa.String(4))
    brand: Mapped[str] = mapped_column(sa.String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RuleKind(StrEnum):
    THRESHOLD = "threshold"  # top up `amount` when the balance falls below `threshold`
    MONTHLY = "monthly"  # pay the month's fees on `day`


class AutopayRule(TenantScoped, db.Model):
    __table_args__ = (sa.UniqueConstraint("tenant", "account_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(sa.ForeignKey("subscriber.id"), index=True)
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("account.id"))
    card_id: Mapped[int] = mapped_column(sa.ForeignKey("saved_card.id"))
    kind: Mapped[RuleKind] = mapped_column(sa.String(10))
    threshold: Mapped[int | None] = mapped_column(sa.BigInteger)
    amount: Mapped[int | None] = mapped_column(sa.BigInteger)
    day: Mapped[int | None]
    active: Mapped[bool] = mapped_column(default=True)
    # The local date it last charged: a rule runs at most once per date.
    last_run_on: Mapped[date | None] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RefundStatus(StrEnum):
    PENDING = "pending"  # waits for a second staff member's approval
    SENDING = "sending"  # approved; the gateway is being asked
    REFUNDED = "refunded"  # the gateway took it and the ledger is debited
    FAILED = "failed"  # the gateway refused it; nothing was debited
    REFUSED = "refused"  # the second staff member refused it


class PaymentRefund(TenantScoped, db.Model):
    """Money of an online payment paid back to the card through the gateway."""

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(sa.ForeignKey("payment.id"), index=True)
    amount: Mapped[int] = mapped_column(sa.BigInteger)  # kopecks, > 0
    status: Mapped[RefundStatus] = mapped_column(sa.String(10))
    provider_refund_id: Mapped[str | None] = mapped_column(sa.String(64))
    # The gateway's words when it refused, for the staff member.
    message: Mapped[str | None] = mapped_column(sa.String(300))
    requested_by: Mapped[int] = mapped_column(sa.ForeignKey("staff_account.id"))
    approved_by: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
