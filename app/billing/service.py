"""The ledger: the only way an account balance changes."""

import calendar
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.account.models import Account, AccountStatus, Contract, Subscriber
from app.extensions import db
from app.persistence import utcnow
from app.tenancy.registry import Tenant
from app.tenancy.schema import Region

from .models import EntryKind, LedgerEntry


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
        sa.select(LedgerEntry).where(
            LedgerEntry.tenant == tenant, LedgerEntry.reference == reference
        )
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
    account = db.session.get(Account, account_id)
    threshold = tenant.config.billing.suspend_below
    if account.status == AccountStatus.BLOCKED and account.balance >= threshold:
        account.status = AccountStatus.ACTIVE
    return entry


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


def daily_part(monthly_fee: int, day: date) -> int:
    """One day's share of a monthly fee; the month's last day takes the remainder."""
    days = calendar.monthrange(day.year, day.month)[1]
    part = monthly_fee // days
    return part + (monthly_fee - part * days if day.day == days else 0)


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


def account_region(tenant: Tenant, account_id: int) -> Region | None:
    """The region of the subscriber who holds the account, if the tenant knows it."""
    code = db.session.scalar(
        sa.select(Subscriber.region)
        .join(Contract, Contract.subscriber_id == Subscriber.id)
        .join(Account, Account.contract_id == Contract.id)
        .where(Account.id == account_id, Account.tenant == tenant.slug)
    )
    return tenant.region(code)


class LocalDates:
    """The local date in each region of a tenant: a date given by the operator, or today there."""

    def __init__(self, tenant: Tenant, now: datetime, fixed: date | None = None):
        self.tenant = tenant
        self.now = now
        self.fixed = fixed

    def zone(self, region_code: str | None) -> ZoneInfo:
        return ZoneInfo(self.tenant.timezone(self.tenant.region(region_code)))

    def of(self, region_code: str | None) -> date:
        if self.fixed is not None:
            return self.fixed
        return self.now.astimezone(self.zone(region_code)).date()

    @property
    def tenant_date(self) -> date:
        """The date in the tenant's own timezone, for tenant-wide jobs."""
        return self.fixed or self.now.astimezone(ZoneInfo(self.tenant.config.timezone)).date()

    def all(self) -> set[date]:
        codes = [None, *self.tenant.regions]
        return {self.of(code) for code in codes}


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """The UTC moment a local day begins."""
    return datetime.combine(day, time(0), zone).astimezone(UTC)
