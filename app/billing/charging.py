"""The daily run: each active account pays one day's part of its monthly fees.

Accounts are taken in batches in id order; each batch is one transaction that locks its
account rows, inserts their charges with one INSERT … SELECT (a charge already posted is
skipped by its unique reference, so a second run charges nothing), moves each cached
balance by exactly what was inserted and suspends the accounts that fell below the
tenant's threshold. The work per account happens inside the database: 100,000 accounts
take seconds, not minutes of row-by-row round trips.
"""

import logging
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

import app.notify.service as notify
import app.options.service as options
import app.services.service as services
from app.core.calendar import LocalDates, daily_part
from app.core.ledger import EntryKind, LedgerEntry
from app.core.subscribers import Account, AccountStatus, Contract, ServicePoint, Subscriber
from app.core.tariffs import tariff_on_day
from app.extensions import db
from app.persistence import UTCDateTime, utcnow
from app.tenancy.registry import Tenant

from . import daily_jobs, promised
from .models import PromisedPayment
from .ranges import active_accounts
from .report import RunReport

log = logging.getLogger(__name__)
BATCH_SIZE = 1000


def charge_reference(account_id: int, day: date) -> str:
    """The ledger reference of an account's charge for a day; unique per tenant."""
    return f"charge:{account_id}:{day.isoformat()}"


def run_tenant(
    tenant: Tenant,
    day: date | None = None,
    now: datetime | None = None,
    batch_size: int = BATCH_SIZE,
    *,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> RunReport:
    """Repay due promised payments, charge every active account for its local day, suspend.

    A dry run does all of it in one transaction that it rolls back at the end, and skips
    the daily jobs, which reach outside (autopay charges cards, reminders go out).
    progress(n) hears of each batch of n accounts done.
    """
    now = now or utcnow()
    dates = LocalDates(tenant, now, day)
    report = RunReport(tenant.slug, dates.all(), dry_run=dry_run)
    commit = db.session.flush if dry_run else db.session.commit
    prepare(tenant, dates, now, report, commit)
    charge_accounts(tenant, dates, now, report, commit=commit, batch=batch_size, progress=progress)
    if dry_run:
        db.session.rollback()
    else:
        daily_jobs.run(tenant, dates, report)
    return report


def prepare(tenant: Tenant, dates: LocalDates, now: datetime, report, commit=None) -> None:
    """What comes before the charges: due promised payments repaid, due tariff changes
    applied (a change from today is charged at its new price today)."""
    commit = commit or db.session.commit
    report.repaid = promised.repay_due(tenant, dates, now)
    commit()
    report.tariffs_changed, report.tariffs_refused = services.apply_due(tenant, dates, now)
    commit()
    report.unknown_tariffs = _unknown_tariffs(tenant)


def charge_accounts(
    tenant: Tenant,
    dates: LocalDates,
    now: datetime,
    report,
    first: int | None = None,
    last: int | None = None,
    *,
    commit=None,
    batch: int = BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Charge the active accounts with ids first..last (unbounded where None) in batches,
    each its own transaction, adding what was done to the report."""
    commit = commit or db.session.commit
    groups = _regions_by_date(tenant, dates)
    after = first - 1 if first is not None else 0
    while ids := _lock_batch(tenant.slug, after, batch, last):
        first_id, after = ids[0], ids[-1]
        blocked = []
        for local_day, regions in groups.items():
            inserted = _insert_charges(tenant, first_id, after, local_day, regions, now)
            blocked += _move_balances(tenant, inserted, first_id, after, now)
            report.charged += len(inserted)
            report.kopecks -= sum(amount for _, amount in inserted)
        blocked += _suspend(tenant, first_id, after)
        _tell_blocked(tenant, blocked)
        report.suspended += len(blocked)
        commit()
        if progress is not None:
            progress(len(ids))


def _tell_blocked(tenant: Tenant, blocked: list[int]) -> None:
    """The holders' notice of a suspension, in the batch's transaction. In bulk, not one
    account_status_changed each: a run may suspend tens of thousands of accounts."""
    notify.tell_holders(tenant, "suspended", blocked)


def _unknown_tariffs(tenant: Tenant) -> set[str]:
    """Tariff codes on service points that the tenant's catalogue no longer has."""
    codes = db.session.scalars(
        sa.select(ServicePoint.tariff_code).where(ServicePoint.tenant == tenant.slug).distinct()
    )
    return set(codes) - set(tenant.tariffs)


def _regions_by_date(tenant: Tenant, dates: LocalDates) -> dict[date, sa.ColumnElement | None]:
    """Which subscribers are on which local date; None: every one is on the same date."""
    default = dates.of(None)
    by_date: dict[date, list[str]] = defaultdict(list)
    for code in tenant.regions:
        by_date[dates.of(code)].append(code)
    if set(by_date) <= {default}:
        return {default: None}
    known = list(tenant.regions)
    groups = {}
    for local_day in set(by_date) | {default}:
        condition = Subscriber.region.in_(by_date.get(local_day, []))
        if local_day == default:
            outside = sa.or_(Subscriber.region.is_(None), Subscriber.region.not_in(known))
            condition = sa.or_(condition, outside)
        groups[local_day] = condition
    return groups


def _lock_batch(tenant: str, after: int, size: int, last: int | None = None) -> list[int]:
    """Ids of the next active accounts up to last, their rows locked until the batch commits."""
    query = active_accounts(tenant).where(Account.id > after)
    if last is not None:
        query = query.where(Account.id <= last)
    query = (
        query.order_by(Account.id)
        .limit(size)
        # Id order: two runs (or a run and a payment) take the locks in the same order.
        .with_for_update()
    )
    return list(db.session.scalars(query))


def _daily_parts(tenant: Tenant, day: date, code: sa.ColumnElement) -> sa.ColumnElement:
    """One point's daily part on a day: its tariff of that day at the price of that day in
    the holder's region (a region's own price, a promotion until its last day)."""
    parts = {
        c: daily_part(tenant.monthly_fee(t, None, day), day) for c, t in tenant.tariffs.items()
    }
    regional = [
        (
            sa.and_(Subscriber.region == region.code, code == tariff_code),
            daily_part(tenant.monthly_fee(tenant.tariffs[tariff_code], region, day), day),
        )
        for region in tenant.config.regions
        for tariff_code in region.prices
        if tariff_code in tenant.tariffs
    ]
    by_code = sa.case(parts, value=code, else_=0)
    return sa.case(*regional, else_=by_code) if regional else by_code


def _charges(tenant: Tenant, first: int, last: int, day: date, regions, now: datetime):
    """SELECT of one charge row per active account first..last: its points' daily parts."""
    period, on_day, code = tariff_on_day(day)
    amount = sa.func.sum(_daily_parts(tenant, day, code))
    reference = sa.literal("charge:") + sa.cast(Account.id, sa.String) + f":{day.isoformat()}"
    charges = (
        sa.select(
            sa.literal(tenant.slug),
            Account.id,
            -amount,
            sa.literal(EntryKind.CHARGE.value),
            reference,
            sa.literal(day.isoformat()),
            sa.literal(now, UTCDateTime),
        )
        .join(ServicePoint, ServicePoint.account_id == Account.id)
        # The tariff the point was on that day; without a change ever, its current one.
        .outerjoin(period, on_day)
        .where(Account.tenant == tenant.slug, Account.id.between(first, last))
        # The same range on the points: the planner walks their account_id index instead
        # of scanning every point of the tenant for each batch.
        .where(ServicePoint.account_id.between(first, last))
        .where(Account.status == AccountStatus.ACTIVE, ServicePoint.active_since <= day)
        # A day a prepay covers was paid for with it.
        .where(Account.id.not_in(options.prepaid_accounts(tenant, day)))
        .group_by(Account.id)
        .having(amount > 0)
    )
    if regions is None and not any(r.prices for r in tenant.config.regions):
        return charges
    charges = charges.join(Contract, Contract.id == Account.contract_id)
    charges = charges.join(Subscriber, Subscriber.id == Contract.subscriber_id)
    return charges if regions is None else charges.where(regions)


def _insert_charges(tenant: Tenant, first, last, day: date, regions, now: datetime):
    """Charge accounts first..last for the day; (account, amount) of the entries actually
    inserted, the ones already posted skipped."""
    table = LedgerEntry.__table__
    columns = ["tenant", "account_id", "amount", "kind", "reference", "description", "created_at"]
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(table)
        .from_select(columns, _charges(tenant, first, last, day, regions, now))
        .on_conflict_do_nothing(index_elements=["tenant", "reference"])
        .returning(table.c.account_id, table.c.amount)
    )
    return [tuple(row) for row in db.session.execute(statement)]


def _move_balances(tenant: Tenant, inserted, first: int, last: int, now: datetime) -> list[int]:
    """Move each balance by its inserted entry and suspend the accounts it takes below the
    threshold, in the same write; the ids of those suspended. Accounts owing the same amount
    share a statement, so a batch takes a handful of UPDATEs rather than one per account."""
    by_amount: dict[int, list[int]] = defaultdict(list)
    for account_id, amount in inserted:
        by_amount[amount].append(account_id)
    table = Account.__table__
    threshold = tenant.config.billing.suspend_below
    suspended = []
    for amount, ids in by_amount.items():
        falls = sa.and_(
            table.c.balance + amount < threshold,
            table.c.id.not_in(_covered(tenant, first, last)),
        )
        statement = (
            sa.update(table)
            .where(table.c.id.in_(ids))
            # Relative: right even where SQLite took no row lock.
            .values(
                balance=table.c.balance + amount,
                balance_updated_at=now,
                status=sa.case((falls, AccountStatus.BLOCKED.value), else_=table.c.status),
            )
            .returning(table.c.id, table.c.status)
        )
        # Only active accounts are charged, so every blocked one was blocked just now.
        suspended += [
            account_id
            for account_id, status in db.session.execute(statement)
            if status == AccountStatus.BLOCKED
        ]
    return suspended


def _covered(tenant: Tenant, first: int, last: int) -> sa.Select:
    """Accounts in the range that an open promised payment keeps switched on."""
    return sa.select(PromisedPayment.account_id).where(
        PromisedPayment.tenant == tenant.slug,
        PromisedPayment.closed_at.is_(None),
        PromisedPayment.account_id.between(first, last),
    )


def _suspend(tenant: Tenant, first: int, last: int) -> list[int]:
    """Block the range's other active accounts below the threshold (not charged today, a
    correction, a repaid promise), unless a promise covers them; their ids."""
    result = db.session.execute(
        sa.update(Account)
        .where(Account.tenant == tenant.slug, Account.id.between(first, last))
        .where(Account.status == AccountStatus.ACTIVE)
        .where(Account.balance < tenant.config.billing.suspend_below)
        .where(Account.id.not_in(_covered(tenant, first, last)))
        .values(status=AccountStatus.BLOCKED)
        .returning(Account.id)
        .execution_options(synchronize_session=False)
    )
    return list(result.scalars())
