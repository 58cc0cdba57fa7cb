"""Options that run on time: starts and ends (`flask options run`), and the daily fees.

Both are idempotent: a start or an end moves the activation's status, so a second run
finds nothing to do; a daily fee has a reference unique per option and day, so a second
daily run posts nothing.
"""

from datetime import date, datetime, timedelta

import sqlalchemy as sa

from app.core.calendar import LocalDates, daily_part, local_midnight
from app.core.ledger import EntryKind, LedgerEntry, lock_account, post_entry
from app.core.scoped import get_owned, owned
from app.core.signals import service_changed
from app.core.subscribers import Account, AccountStatus, Contract, Subscriber
from app.extensions import db
from app.persistence import utcnow
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
    """Post the option fees of one local date given for every account (`--date`)."""
    return charge_days(tenant, LocalDates(tenant, utcnow(), day))


def charge_days(tenant: Tenant, dates: LocalDates) -> int:
    """Post each active add-on's daily part and each paid pause day past the free ones,
    every account on its own region's date, the day its tariff is charged for."""
    windows = {code: _window(dates, code) for code in (None, *tenant.regions)}
    earliest = min(begins for begins, _ in windows.values())
    latest = max(ends for _, ends in windows.values())
    rows = db.session.execute(
        sa.select(Activation, Account.status, Subscriber.region)
        .join(Account, Account.id == Activation.account_id)
        .join(Contract, Contract.id == Account.contract_id)
        .join(Subscriber, Subscriber.id == Contract.subscriber_id)
        .where(Activation.tenant == tenant.slug, Activation.status == Status.ACTIVE)
        .where(Activation.kind.in_([OptionKind.ADDON, OptionKind.PAUSE]))
        .where(Activation.starts_at < latest)
        .where(sa.or_(Activation.ends_at.is_(None), Activation.ends_at > earliest))
        .order_by(Activation.account_id, Activation.id)
    ).all()
    posted = 0
    for row, status, region in rows:
        code = region if region in tenant.regions else None
        day_begins, day_ends = windows[code]
        if row.starts_at >= day_ends or (row.ends_at is not None and row.ends_at <= day_begins):
            continue
        day, zone = dates.of(code), dates.zone(code)
        amount = _due(tenant, row, AccountStatus(status), day, zone)
        if amount > 0 and not _posted(tenant, row.id, day):
            reference = engine.day_reference(row.id, day)
            post_entry(tenant.slug, row.account_id, -amount, EntryKind.CHARGE, reference)
            posted += 1
    return posted


def _window(dates: LocalDates, code: str | None) -> tuple[datetime, datetime]:
    """The UTC moments a region's local day of the run begins and ends."""
    day, zone = dates.of(code), dates.zone(code)
    return local_midnight(day, zone), local_midnight(day + timedelta(days=1), zone)


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


def subscribe() -> None:
    """End a prepay when the account's tariff changes (in the change's transaction).

    The daily fees are posted by the billing run itself (`charge_days`): it knows each
    region's date, which the daily_run signal (one tenant date) does not carry."""
    service_changed.connect(prepay.on_tariff_changed, weak=False)
