"""Payment reminders of the daily run: «the money lasts N more days», «access will be
suspended on …», and «the promised payment is written off tomorrow».

Each goes once per occasion through the channel the holder chose (app.notify): a reminder's
occasion is the account and the first day its money no longer pays for, so a second run the
same day, or a rerun, tells nothing more, and a top-up that moves that day starts afresh.
The days left are the dashboard's own (app.account), so the reminder and the page agree.
"""

from datetime import date, timedelta

import sqlalchemy as sa

import app.account.service as account
import app.notify.service as notify
from app.core.calendar import LocalDates, local_midnight
from app.core.subscribers import Account, AccountStatus, Contract, ServicePoint, Subscriber
from app.extensions import db
from app.tenancy.registry import Tenant
from app.tenancy.schema import Reminders

from .models import PromisedPayment
from .promised import due_on

# No month is shorter: a bound that holds for February holds for every month.
SHORTEST_MONTH = 28


def remind(tenant: Tenant, dates: LocalDates) -> str:
    """Tell every holder whose money runs out soon, and whose promise is due tomorrow."""
    told = _money_reminders(tenant, dates)
    due = _promised_due(tenant, dates)
    return f"reminders {told}, promised-payment notices {due}"


def notice_for(rule: Reminders, days_left: int) -> str | None:
    """Which reminder an account's days left call for, if any."""
    if days_left < rule.suspension_days:
        return "suspension_soon"
    if days_left <= rule.days_left:
        return "low_balance"
    return None


def _money_reminders(tenant: Tenant, dates: LocalDates) -> int:
    rule = tenant.config.notifications.reminders
    told = 0
    for subscriber_id, code in _candidates(tenant, dates, rule.days_left):
        today, zone = dates.of(code), str(dates.zone(code))
        for view in account.account_overview(tenant, subscriber_id, code, today, zone):
            if view.status != AccountStatus.ACTIVE or view.days_left is None:
                continue
            notice = notice_for(rule, view.days_left)
            if notice is None:
                continue
            # The money pays for today and days_left more: the next day is the first unpaid.
            runs_out = today + timedelta(days=view.days_left + 1)
            told += notify.tell_once(
                tenant,
                subscriber_id,
                notice,
                f"{view.number}:{runs_out.isoformat()}",
                account=view.number,
                days=view.days_left,
                on=runs_out,
                balance=view.balance,
                now=dates.now,
            )
    return told


def _largest_fee(tenant: Tenant, days: set[date]) -> int:
    regions = [None, *tenant.config.regions]
    fees = [
        tenant.monthly_fee(tariff, region, day)
        for tariff in tenant.tariffs.values()
        for region in regions
        for day in days
    ]
    return max(fees, default=0)


def _candidates(tenant: Tenant, dates: LocalDates, days: int) -> list[tuple[int, str | None]]:
    """Holders with a contact of active accounts whose balance might last `days` days or
    fewer.

    A cheap bound in SQL (no point costs more than the ISP's dearest tariff), so only they
    are looked at one by one; the exact days are the dashboard's.
    """
    fee = _largest_fee(tenant, dates.all())
    if fee <= 0:
        return []
    points = sa.func.count(ServicePoint.id)
    query = (
        sa.select(Subscriber.id, Subscriber.region)
        .join(Contract, Contract.subscriber_id == Subscriber.id)
        .join(Account, Account.contract_id == Contract.id)
        .join(ServicePoint, ServicePoint.account_id == Account.id)
        .where(Account.tenant == tenant.slug, Account.status == AccountStatus.ACTIVE)
        # Nobody to tell without a contact: not worth the dashboard's arithmetic.
        .where(notify.reachable(tenant))
        .group_by(Account.id, Account.balance, Subscriber.id, Subscriber.region)
        .having(Account.balance * SHORTEST_MONTH < (days + 1) * fee * points)
        .order_by(Subscriber.id)
    )
    seen: dict[int, str | None] = {}
    for subscriber_id, region in db.session.execute(query):
        seen.setdefault(subscriber_id, region if region in tenant.regions else None)
    return list(seen.items())


def _promised_due(tenant: Tenant, dates: LocalDates) -> int:
    """Tell of each open promise whose write-off is tomorrow in its holder's region."""
    # A generous window in SQL (timezones differ by hours, not days); the exact day below.
    soon = local_midnight(max(dates.all()) + timedelta(days=3), "UTC")
    rows = db.session.execute(
        sa.select(PromisedPayment, Account.number, Contract.subscriber_id, Subscriber.region)
        .join(Account, Account.id == PromisedPayment.account_id)
        .join(Contract, Contract.id == Account.contract_id)
        .join(Subscriber, Subscriber.id == Contract.subscriber_id)
        .where(PromisedPayment.tenant == tenant.slug, PromisedPayment.closed_at.is_(None))
        .where(PromisedPayment.due_at <= soon)
    ).all()
    told = 0
    for promise, number, subscriber_id, region in rows:
        code = region if region in tenant.regions else None
        written_off = due_on(tenant, promise)
        if written_off != dates.of(code) + timedelta(days=1):
            continue
        told += notify.tell_once(
            tenant,
            subscriber_id,
            "promised_due",
            f"{promise.id}",
            account=number,
            amount=promise.amount,
            on=written_off,
            now=dates.now,
        )
    return told
