"""Local dates in a tenant's regions: today there, the UTC moment a day begins, daily parts."""

import calendar
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from app.tenancy.registry import Tenant


def days_in_month(day: date) -> int:
    """How many days the month of day has."""
    return calendar.monthrange(day.year, day.month)[1]


def daily_part(monthly_fee: int, day: date) -> int:
    """One day's share of a monthly fee; the month's last day takes the remainder."""
    days = days_in_month(day)
    part = monthly_fee // days
    return part + (monthly_fee - part * days if day.day == days else 0)


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


def local_midnight(day: date, zone: ZoneInfo | str) -> datetime:
    """The UTC moment a local day begins in a timezone."""
    tz = ZoneInfo(zone) if isinstance(zone, str) else zone
    return datetime.combine(day, time(0), tz).astimezone(UTC)
