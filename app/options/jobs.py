"""Options that run on time: starts and ends (`flask options run`), and the daily fees.

Both are idempotent: a start or an end moves the activation's status, so a second run
finds nothing to do; a daily fee has a reference unique per option and day, so a second
daily run posts nothing.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.core.calendar import daily_part, local_midnight
from app.core.ledger import EntryKind, LedgerEntry, lock_account, post_entry
from app.core.scoped import get_owned, owned
from app.core.signals import daily_run, service_changed
from app.core.subscribers import Account, AccountStatus
from app.extensions import db
from app.tenancy.registry import Tenant
from app.tenancy.schema import OptionKind

from . import engine, prepay, rules
from .models import Activation, Status

TIMED = (OptionKind.PAUSE, OptionKind.TURBO, OptionKind.BLOCK)


def run_due(tenant: Tenant, now: datetime) -> tuple[int, int]:
    """Start the scheduled options whose time has come, then end the expired ones;
    (started, ended). Commits after each, so one account's trouble keeps the rest."""
    started = _each(tenant, now, Status.SCHEDULED, Activation.starts_at, engine.begin)
    ended = _each(tenant, now, Status.ACTIVE, Activation.ends_at, engine.finish)
    return started, ended


def _each(tenant: Tenant, now: datetime, status: Status, moment, act) -> int:
    ids = db.session.scalars(
        sa.select(Activation.id)
        .where(Activation.tenant == tenant.slug, Activation.status == status)
        .where(Activation.kind.in_(TIMED), moment.is_not(None), moment <= now)
        .order_by(Activation.account_id, Activation.id)
    ).all()
    done = 0
    for activation_id in ids:
        row = get_owned(Activation, tenant, activation_id)
        account = lock_account(tenant.slug, row.account_id)
        db.session.refresh(row)
        # Another runner may have got there first while this one waited for the lock.
        if row.status == status:
            act(tenant, row, account, now)
            done += 1
        db.session.commit()
    return done


def charge_day(tenant: Tenant, day: date) -> int:
    """Post each active add-on's daily part and each paid pause day past the free ones."""
    # The day is the tenant's (the daily run's); the region's zones differ by hours at most.
    zone = ZoneInfo(tenant.config.timezone)
    day_begins, day_ends = local_midnight(day, zone), local_midnight(day + timedelta(days=1), zone)
    rows = db.session.execute(
        sa.select(Activation, Account.status)
        .join(Account, Account.id == Activation.account_id)
        .where(Activation.tenant == tenant.slug, Activation.status == Status.ACTIVE)
        .where(Activation.kind.in_([OptionKind.ADDON, OptionKind.PAUSE]))
        .where(Activation.starts_at < day_ends)
        .where(sa.or_(Activation.ends_at.is_(None), Activation.ends_at > day_begins))
        .order_by(Activation.account_id, Activation.id)
    ).all()
    posted = 0
    for row, status in rows:
        amount = _due(tenant, row, AccountStatus(status), day, zone)
        if amount > 0 and not _posted(tenant, row.id, day):
            reference = engine.day_reference(row.id, day)
            post_entry(tenant.slug, row.account_id, -amount, EntryKind.CHARGE, reference)
            posted += 1
    return posted


def _due(tenant: Tenant, row: Activation, status: AccountStatus, day: date, zone) -> int:
    if row.kind == OptionKind.ADDON:
        option = rules.option_of(tenant, row.code)
        allowed = status == AccountStatus.ACTIVE or (
            status == AccountStatus.BLOCKED and option is not None and option.allow_when_blocked
        )
        return daily_part(row.price, day) if allowed else 0
    fee, free = row.params.get("daily_fee", 0), row.params.get("free_days", 0)
    first_day = row.starts_at.astimezone(zone).date()
    return fee if (day - first_day).days + 1 > free else 0


def _posted(tenant: Tenant, activation_id: int, day: date) -> bool:
    reference = engine.day_reference(activation_id, day)
    return (
        db.session.scalar(
            owned(LedgerEntry, tenant).where(LedgerEntry.reference == reference).limit(1)
        )
        is not None
    )


def _on_daily_run(tenant: Tenant, local_date: date) -> str:
    return f"option fees {charge_day(tenant, local_date)}"


def subscribe() -> None:
    """Post option fees after each tenant's daily billing run; end a prepay when the
    account's tariff changes (in the change's transaction)."""
    daily_run.connect(_on_daily_run)
    service_changed.connect(prepay.on_tariff_changed, weak=False)
