"""The ledger: the only way an account balance changes.

Entries are appended, never edited; each one moves the account's cached balance in the
same transaction, under the account's row lock. Every entry has a reference unique per
tenant, so the same external event posted twice credits once.
"""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.persistence import TenantScoped, UTCDateTime, utcnow
from app.tenancy.names import FeatureName
from app.tenancy.registry import Tenant

from .scoped import get_owned, owned
from .signals import account_status_changed
from .subscribers import Account, AccountStatus


class EntryKind(StrEnum):
    PAYMENT = "payment"
    CHARGE = "charge"
    REFUND = "refund"
    PROMISED_CREDIT = "promised_credit"
    PROMISED_REPAYMENT = "promised_repayment"
    TRANSFER = "transfer"
    CORRECTION = "correction"
    TARIFF_CHANGE = "tariff_change"


class Cause(StrEnum):
    """Why an account's access changed, as account_status_changed tells its listeners."""

    PAYMENT = "payment"  # a payment credited (the payment's own notice says access is back)
    PROMISED = "promised"  # a promised payment taken
    CREDIT = "credit"  # any other money in: a refund, a transfer, a correction
    OPTION = "option"  # a pause begun or ended


# The cause of a lifted block, by the kind of the credit that lifted it.
_CREDIT_CAUSES = {EntryKind.PAYMENT: Cause.PAYMENT, EntryKind.PROMISED_CREDIT: Cause.PROMISED}


KIND_NAMES = {
    EntryKind.PAYMENT: _l("Payment"),
    EntryKind.CHARGE: _l("Charge"),
    EntryKind.REFUND: _l("Refund"),
    # Named as the ISP calls its promised payment («Отсрочка платежа»), where it does.
    EntryKind.PROMISED_CREDIT: FeatureName("promised_payment"),
    EntryKind.PROMISED_REPAYMENT: FeatureName(
        "promised_payment", _l("Promised payment repaid"), _l("%(name)s repaid")
    ),
    EntryKind.TRANSFER: _l("Transfer"),
    EntryKind.CORRECTION: _l("Correction"),
    EntryKind.TARIFF_CHANGE: _l("Tariff change"),
}


def kind_label(kind: str, tenant: Tenant | None = None) -> str:
    """The translated name of an entry kind, in the tenant's words where it has its own; a
    kind added later shows as its code."""
    try:
        name = KIND_NAMES[EntryKind(kind)]
    except (ValueError, KeyError):
        return kind
    return name.for_tenant(tenant) if isinstance(name, FeatureName) else str(name)


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


def lock_account(tenant: str, account_id: int) -> Account | None:
    """The account row, locked until commit so a check and the writes it allows act as one."""
    if db.session.get_bind().dialect.name == "sqlite":
        # SQLite has no row locks and ignores FOR UPDATE. A write that changes nothing
        # takes the database write lock now, before the caller's checks read anything,
        # so two requests cannot both pass a check meant for one.
        db.session.execute(
            sa.update(Account)
            .where(Account.id == account_id, Account.tenant == tenant)
            .values(balance=Account.balance)
            .execution_options(synchronize_session=False)
        )
    return db.session.scalar(
        sa.select(Account)
        .where(Account.id == account_id, Account.tenant == tenant)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def post_entry(
    tenant: str,
    account_id: int,
    amount: int,
    kind: EntryKind,
    reference: str,
    description: str = "",
    at: datetime | None = None,
) -> LedgerEntry:
    """Append one entry and move the cached balance with it, under the account's row lock.

    Posting a reference the tenant already has returns the existing entry and changes
    nothing, so a repeated external event credits once. The caller commits.
    """
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise TypeError("ledger amounts are integer kopecks")
    account = db.session.scalar(
        sa.select(Account)
        .where(Account.id == account_id, Account.tenant == tenant)
        .with_for_update()
    )
    if account is None:
        raise LookupError(f"no account {account_id} in tenant {tenant}")
    existing = db.session.scalar(
        owned(LedgerEntry, tenant).where(LedgerEntry.reference == reference)
    )
    if existing is not None:
        return existing
    moment = at or utcnow()
    entry = LedgerEntry(
        tenant=tenant,
        account_id=account.id,
        amount=amount,
        kind=kind,
        reference=reference,
        description=description,
        created_at=moment,
    )
    db.session.add(entry)
    account.balance += amount
    account.balance_updated_at = max(moment, account.balance_updated_at or moment)
    db.session.flush()
    return entry


def credit(
    tenant: Tenant,
    account_id: int,
    amount: int,
    kind: EntryKind,
    reference: str,
    description: str = "",
) -> LedgerEntry:
    """Post money in (a payment, a promised credit …) and lift a debt block it clears."""
    if amount <= 0:
        raise ValueError("a credit must be a positive number of kopecks")
    entry = post_entry(tenant.slug, account_id, amount, kind, reference, description)
    account = get_owned(Account, tenant, account_id)
    threshold = tenant.config.billing.suspend_below
    if account.status == AccountStatus.BLOCKED and account.balance >= threshold:
        cause = _CREDIT_CAUSES.get(EntryKind(kind), Cause.CREDIT)
        set_status(tenant, account, AccountStatus.ACTIVE, cause)
    return entry


def set_status(tenant: Tenant, account: Account, status: AccountStatus, cause: Cause) -> None:
    """Switch an account's access and tell whoever listens why; a no-op when it is already so."""
    old = AccountStatus(account.status)
    if old == status:
        return
    account.status = status
    account_status_changed.send(
        tenant, account_id=account.id, old=old, new=status, cause=Cause(cause)
    )


def balance_mismatches(tenant: str | None = None) -> list[tuple[str, str, int, int]]:
    """Accounts whose cached balance differs from the sum of their entries."""
    total = sa.func.coalesce(sa.func.sum(LedgerEntry.amount), 0)
    query = (
        sa.select(Account.tenant, Account.number, Account.balance, total)
        .outerjoin(LedgerEntry, LedgerEntry.account_id == Account.id)
        .group_by(Account.id, Account.tenant, Account.number, Account.balance)
        .having(Account.balance != total)
    )
    if tenant is not None:
        query = query.where(Account.tenant == tenant)
    return [tuple(row) for row in db.session.execute(query)]
