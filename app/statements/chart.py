"""The balance over recent days: end-of-day balances in one query, drawn as an SVG path."""

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.core.calendar import local_midnight
from app.core.ledger import LedgerEntry
from app.core.subscribers import Account, Contract
from app.extensions import db
from app.persistence import UTCDateTime
from app.web.chart import ChartShape
from app.web.chart import shape as draw

DAYS = 90


@dataclass(frozen=True)
class BalanceSeries:
    """End-of-day balances (kopecks) of one account, oldest day first, its last update's
    day last (today, unless nothing has changed the balance today)."""

    days: list[date]
    balances: list[int]

    def lowest(self) -> tuple[int, date]:
        """The lowest closing balance and its (latest) day."""
        i = min(range(len(self.balances)), key=lambda n: (self.balances[n], -n))
        return self.balances[i], self.days[i]

    def highest(self) -> tuple[int, date]:
        """The highest closing balance and its (latest) day."""
        i = max(range(len(self.balances)), key=lambda n: (self.balances[n], n))
        return self.balances[i], self.days[i]

    @property
    def today(self) -> int:
        """The balance now: the last day's closing balance so far."""
        return self.balances[-1]


@cache
def _series_query() -> sa.Select:
    # Built once: it runs on every dashboard, and a reused statement keeps its cache key.
    return (
        sa.select(Account.number, Account.balance, LedgerEntry.created_at, LedgerEntry.amount)
        .join(Contract, Account.contract_id == Contract.id)
        .outerjoin(
            LedgerEntry,
            sa.and_(
                LedgerEntry.account_id == Account.id,
                LedgerEntry.created_at >= sa.bindparam("earliest", type_=UTCDateTime),
            ),
        )
        .where(
            Contract.subscriber_id == sa.bindparam("subscriber_id"),
            Account.tenant == sa.bindparam("tenant"),
        )
        .order_by(Account.id, LedgerEntry.created_at.desc())
    )


def balance_series(
    tenant: str, subscriber_id: int, last_days: dict[str, date], zone: str, days: int = DAYS
) -> dict[str, BalanceSeries]:
    """Each account's end-of-day balances over `days` local days up to its last day, in one
    query; last_days maps account numbers to that day.

    A day's closing balance is the current balance minus everything posted after that
    day ended, so only the window's entries are read, newest first, and summed back.
    """
    if not last_days:
        return {}
    windows = {number: _window(last, days, zone) for number, last in last_days.items()}
    earliest = local_midnight(min(last_days.values()) - timedelta(days=days - 2), zone)
    entries: dict[str, list] = {}
    balances: dict[str, int] = {}
    params = {"subscriber_id": subscriber_id, "tenant": tenant, "earliest": earliest}
    for number, balance, created_at, amount in db.session.execute(_series_query(), params):
        balances[number] = balance
        bucket = entries.setdefault(number, [])
        if created_at is not None:
            bucket.append((created_at, amount))
    series = {}
    for number, (day_list, ends) in windows.items():
        if number in balances:
            closing = _closing(balances[number], entries[number], ends)
            series[number] = BalanceSeries(list(day_list), closing)
    return series


@lru_cache(maxsize=256)
def _window(last: date, days: int, zone: str) -> tuple[tuple[date, ...], tuple]:
    """The window's local days, oldest first, and the UTC moment each of them ends: the
    same for every dashboard of a region on a day."""
    day_list = tuple(last - timedelta(days=n) for n in range(days - 1, -1, -1))
    local = ZoneInfo(zone)
    return day_list, tuple(local_midnight(day + timedelta(days=1), local) for day in day_list)


def _closing(balance: int, newest_first: list, ends: list) -> list[int]:
    """Closing balances at each day end, walking back from the current balance."""
    closing = []
    later = 0
    position = 0
    for end in reversed(ends):
        while position < len(newest_first) and newest_first[position][0] >= end:
            later += newest_first[position][1]
            position += 1
        closing.append(balance - later)
    return closing[::-1]


def shape(series: BalanceSeries) -> ChartShape:
    """Scale the balances into the box, zero always included so debt shows below it."""
    return draw(series.balances)
