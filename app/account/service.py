"""What a subscriber's accounts look like today: balance, tariffs, days the money lasts."""

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

import app.billing.service as billing
import app.options.service as options
import app.services.service as services
from app.core.calendar import days_in_month
from app.core.subscribers import Account, AccountStatus, accounts_of
from app.persistence import utcnow
from app.tenancy.registry import Tenant
from app.tenancy.schema import Region, Tariff


def days_left(
    balance: int,
    monthly_total: int,
    days_in_month: int,
    repayment: int = 0,
    repaid_in: int | None = None,
) -> int | None:
    """Whole days the balance pays for when the monthly fee is charged daily in equal parts.

    None when nothing is charged; 0 when the balance is already used up. A promised
    payment's credit (`repayment`) is written back off in `repaid_in` days: if the money
    lasts until then, from then on only the balance without it is left, though never
    fewer days than until the write-off.
    """
    if monthly_total <= 0:
        return None

    def lasting(money: int) -> int:
        return max(money, 0) * days_in_month // monthly_total

    days = lasting(balance)
    if repayment > 0 and repaid_in is not None and days > repaid_in:
        days = max(repaid_in, lasting(balance - repayment))
    return days


def with_prepaid(days: int | None, today: date, prepaid: tuple[date, date] | None):
    """Days left when a prepay covers the local dates first..last: the money pays the days
    before it, the prepay its own, and what money is left goes on after it."""
    if days is None or prepaid is None or prepaid[1] < today:
        return days
    first, last = prepaid
    before = max((first - today).days, 0)
    if days < before:
        return days  # the money runs out before the prepaid days begin
    return days + (last - max(first, today)).days + 1


@dataclass(frozen=True)
class PointView:
    id: int
    address: str
    tariff_code: str
    tariff: Tariff | None
    # Today's price in the holder's region (a promotion while it lasts); 0 for a tariff
    # no longer offered.
    monthly_fee: int = 0
    # A tariff change waiting to take effect: «from <date> the tariff becomes X».
    pending: services.Pending | None = None


@dataclass(frozen=True)
class Repayment:
    """An open promised payment: its credit is written back off on the local date due_on."""

    amount: int
    due_on: date


@dataclass(frozen=True)
class AccountView:
    number: str
    contract_number: str
    balance: int
    status: AccountStatus
    balance_updated_at: datetime
    points: list[PointView]
    days_left: int | None
    repayment: Repayment | None = None
    # For an account blocked for debt where the ISP has promised payments: what one would
    # be now, or why it cannot be taken (billing's rules, not repeated here).
    promised: billing.Offer | None = None
    # The account's active pause (until when; «resume now») and running boost, if any.
    standing: options.Standing = field(default_factory=options.Standing)

    @property
    def monthly_total(self) -> int:
        return sum(p.monthly_fee for p in self.points)


def account_overview(
    tenant: Tenant,
    subscriber_id: int,
    region_code: str | None,
    today: date,
    zone: str | None = None,
) -> list[AccountView]:
    """Every account of a subscriber with its service points, in contract order.

    `region_code` is the subscriber's own region as on record (its prices apply); `today`
    is the local date in `zone` (the region's timezone; the tenant's by default), which a
    promised payment's write-off date is also read in.
    """
    accounts = accounts_of(tenant, subscriber_id, with_points=True)
    # One more query only where the ISP has promised payments at all.
    promises = billing.open_promises(tenant, [account.id for account in accounts])
    local = ZoneInfo(zone or tenant.config.timezone)
    repayments = {
        account_id: Repayment(p.amount, p.due_at.astimezone(local).date())
        for account_id, p in promises.items()
    }
    region = tenant.region(region_code)
    pending = services.pending_changes(tenant, [p.id for a in accounts for p in a.service_points])
    standing = options.standing(tenant, [account.id for account in accounts], utcnow())
    return [
        _view(tenant, a, repayments.get(a.id), today, region, pending, standing.get(a.id))
        for a in accounts
    ]


def _point(tenant: Tenant, point, region: Region | None, today: date, pending) -> PointView:
    tariff = tenant.tariffs.get(point.tariff_code)
    fee = tenant.monthly_fee(tariff, region, today) if tariff else 0
    return PointView(point.id, point.address, point.tariff_code, tariff, fee, pending.get(point.id))


def _view(
    tenant: Tenant,
    account: Account,
    repayment: Repayment | None,
    today: date,
    region: Region | None,
    pending: dict,
    standing: options.Standing | None = None,
):
    """One account as the dashboard shows it."""
    points = [_point(tenant, p, region, today, pending) for p in account.service_points]
    charged = account.status != AccountStatus.PAUSED
    monthly = sum(p.monthly_fee for p in points) if charged else 0
    month_days = days_in_month(today)
    repaid_in = max((repayment.due_on - today).days, 0) if repayment else None
    owed = repayment.amount if repayment else 0
    left = days_left(account.balance, monthly, month_days, owed, repaid_in)
    if standing is not None and charged:
        left = with_prepaid(left, today, standing.prepaid)
    blocked = account.status == AccountStatus.BLOCKED
    # Only a blocked account asks: the offer costs a few queries, the dashboard runs often.
    offer = billing.offer(tenant, account) if blocked and billing.rule_of(tenant) else None
    return AccountView(
        number=account.number,
        contract_number=account.contract.number,
        balance=account.balance,
        status=AccountStatus(account.status),
        balance_updated_at=account.balance_updated_at,
        points=points,
        days_left=left,
        repayment=repayment,
        promised=offer,
        standing=standing or options.Standing(),
    )
