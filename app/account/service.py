"""What a subscriber's accounts look like today: balance, tariffs, days the money lasts."""

from dataclasses import dataclass
from datetime import date, datetime

from app.core.calendar import days_in_month
from app.core.subscribers import AccountStatus, Subscriber, accounts_of, subscriber_of
from app.tenancy.registry import Tenant
from app.tenancy.schema import Tariff


def days_left(balance: int, monthly_total: int, days_in_month: int) -> int | None:
    """Whole days the balance pays for when the monthly fee is charged daily in equal parts.

    None when nothing is charged; 0 when the balance is already used up.
    """
    if monthly_total <= 0:
        return None
    if balance <= 0:
        return 0
    return balance * days_in_month // monthly_total


@dataclass(frozen=True)
class PointView:
    address: str
    tariff_code: str
    tariff: Tariff | None

    @property
    def monthly_fee(self) -> int:
        return self.tariff.monthly_fee if self.tariff else 0


@dataclass(frozen=True)
class AccountView:
    number: str
    contract_number: str
    balance: int
    status: AccountStatus
    balance_updated_at: datetime
    points: list[PointView]
    days_left: int | None

    @property
    def monthly_total(self) -> int:
        return sum(p.monthly_fee for p in self.points)


def account_overview(tenant: Tenant, subscriber_id: int, today: date) -> list[AccountView]:
    """Every account of a subscriber with its service points, in contract order."""
    accounts = accounts_of(tenant, subscriber_id, with_points=True)
    month_days = days_in_month(today)
    views = []
    for account in accounts:
        points = [
            PointView(p.address, p.tariff_code, tenant.tariffs.get(p.tariff_code))
            for p in account.service_points
        ]
        charged = account.status != AccountStatus.PAUSED
        monthly = sum(p.monthly_fee for p in points) if charged else 0
        views.append(
            AccountView(
                number=account.number,
                contract_number=account.contract.number,
                balance=account.balance,
                status=AccountStatus(account.status),
                balance_updated_at=account.balance_updated_at,
                points=points,
                days_left=days_left(account.balance, monthly, month_days),
            )
        )
    return views


def subscriber_profile(tenant: Tenant, subscriber_id: int) -> Subscriber | None:
    """The subscriber's own record, only within this tenant."""
    return subscriber_of(tenant, subscriber_id)
