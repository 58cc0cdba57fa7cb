"""An account's ledger for a period: keyset pages, totals in SQL, every row for export."""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from app.core.calendar import local_midnight
from app.core.ledger import LedgerEntry
from app.extensions import db

from .kinds import KIND_GROUPS

PAGE_SIZE = 50
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
_CURSOR = re.compile(r"^(-?\d{1,18})-(\d{1,18})$")


@dataclass(frozen=True)
class Selection:
    """Which entries a statement shows: one account, a local-date period, maybe a kind group."""

    account_id: int
    first_day: date
    last_day: date
    zone: str
    group: str = "all"

    @property
    def since(self) -> datetime:
        """The UTC moment the period's first local day starts."""
        return local_midnight(self.first_day, self.zone)

    @property
    def until(self) -> datetime:
        """The UTC moment after the period's last local day ends."""
        return local_midnight(self.last_day + timedelta(days=1), self.zone)

    def conditions(
        self, older_than: "Cursor | None" = None, newer_than: "Cursor | None" = None
    ) -> list:
        """WHERE clauses, with one lower and one upper bound on created_at.

        A page past a cursor narrows the period's bound instead of adding a second one: a
        planner seeks the index by one bound on each side, and a second upper bound left
        as a filter makes deep pages walk every newer row first.
        """
        at = LedgerEntry.created_at
        where = [LedgerEntry.account_id == self.account_id]
        if older_than is not None and older_than.created_at < self.until:
            where.append(at <= older_than.created_at)
            where.append(sa.or_(at < older_than.created_at, LedgerEntry.id < older_than.entry_id))
        else:
            where.append(at < self.until)
        if newer_than is not None and newer_than.created_at >= self.since:
            where.append(at >= newer_than.created_at)
            where.append(sa.or_(at > newer_than.created_at, LedgerEntry.id > newer_than.entry_id))
        else:
            where.append(at >= self.since)
        if self.group in KIND_GROUPS:
            where.append(LedgerEntry.kind.in_([k.value for k in KIND_GROUPS[self.group]]))
        return where


@dataclass(frozen=True)
class Cursor:
    """A position in the (created_at, id) order, carried in «Older» / «Newer» links."""

    created_at: datetime
    entry_id: int

    def token(self) -> str:
        """The cursor for a link: microseconds since 1970, a dash, the entry id."""
        return f"{(self.created_at - EPOCH) // MICROSECOND}-{self.entry_id}"

    @classmethod
    def parse(cls, token: str | None) -> "Cursor | None":
        """A cursor from a link; None for a missing or malformed one (the first page)."""
        match = _CURSOR.match(token or "")
        if not match:
            return None
        try:
            moment = EPOCH + int(match.group(1)) * MICROSECOND
        except OverflowError:
            return None
        return cls(moment, int(match.group(2)))

    @classmethod
    def of(cls, entry: LedgerEntry) -> "Cursor":
        """The position of an entry."""
        return cls(entry.created_at, entry.id)


@dataclass(frozen=True)
class Page:
    entries: list[LedgerEntry]
    older: Cursor | None
    newer: Cursor | None


def page(
    selection: Selection, older_than: Cursor | None = None, newer_than: Cursor | None = None
) -> Page:
    """One page of entries, newest first, after or before a cursor (keyset, never OFFSET)."""
    if newer_than is not None:
        query = (
            sa.select(LedgerEntry)
            .where(*selection.conditions(newer_than=newer_than))
            .order_by(LedgerEntry.created_at, LedgerEntry.id)
            .limit(PAGE_SIZE + 1)
        )
        rows = list(db.session.scalars(query))
        entries = rows[:PAGE_SIZE][::-1]
        # We came from an older page, so there is one to go back to.
        return _page(entries, has_older=bool(entries), has_newer=len(rows) > PAGE_SIZE)
    rows = page_of(selection, older_than, PAGE_SIZE + 1)
    entries = rows[:PAGE_SIZE]
    return _page(entries, has_older=len(rows) > PAGE_SIZE, has_newer=older_than is not None)


def _page(entries: list[LedgerEntry], has_older: bool, has_newer: bool) -> Page:
    older = Cursor.of(entries[-1]) if entries and has_older else None
    newer = Cursor.of(entries[0]) if entries and has_newer else None
    return Page(entries, older, newer)


@dataclass(frozen=True)
class Totals:
    credits: int
    debits: int
    count: int

    @property
    def net(self) -> int:
        """Money in plus money out (which is negative)."""
        return self.credits + self.debits


def totals(selection: Selection) -> Totals:
    """Money in, money out and the number of entries of the whole selection, summed in SQL."""
    amount = LedgerEntry.amount
    credits = sa.func.coalesce(sa.func.sum(sa.case((amount > 0, amount), else_=0)), 0)
    debits = sa.func.coalesce(sa.func.sum(sa.case((amount < 0, amount), else_=0)), 0)
    query = sa.select(credits, debits, sa.func.count()).where(*selection.conditions())
    row = db.session.execute(query).one()
    return Totals(int(row[0]), int(row[1]), int(row[2]))


def all_entries(selection: Selection, chunk: int = 1000) -> Iterator[LedgerEntry]:
    """Every entry of the selection, newest first, fetched in keyset chunks for export."""
    cursor = None
    while True:
        batch = page_of(selection, cursor, chunk)
        yield from batch
        if len(batch) < chunk:
            return
        cursor = Cursor.of(batch[-1])


def page_of(selection: Selection, older_than: Cursor | None, size: int) -> list[LedgerEntry]:
    """Up to size entries older than the cursor, newest first."""
    query = (
        sa.select(LedgerEntry)
        .where(*selection.conditions(older_than=older_than))
        .order_by(LedgerEntry.created_at.desc(), LedgerEntry.id.desc())
        .limit(size)
    )
    return list(db.session.scalars(query))
