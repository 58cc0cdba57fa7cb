"""Usage records: the import from the ISP's accounting, and a point's days for the cabinet.

Plain functions taking the tenant; they flush, the caller commits.
"""

import hmac
import os
import random
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from app.core.scoped import owned
from app.core.subscribers import Account, ServicePoint, accounts_of
from app.extensions import db
from app.persistence import utcnow
from app.tenancy.registry import Tenant

from .models import UsageRecord
from .records import Refused, Row

CHUNK = 500


def token_matches(tenant: Tenant, presented: str) -> bool | None:
    """Whether a bearer token is the tenant's usage token; None: no token is configured."""
    config = tenant.config.provisioning
    name = config.usage_token_env if config else None
    expected = os.environ.get(name) if name else None
    if not expected:
        return None
    return hmac.compare_digest(presented.encode(), expected.encode())


def store(tenant: Tenant, rows: list[Row]) -> int:
    """Resolve every row to one of the tenant's points and write them, replacing the days
    already imported; Refused (nothing written) when any row names no point of the tenant."""
    points = _resolve(tenant, rows)
    seen: dict[tuple[int, date], int] = {}
    problems = []
    for row, point in zip(rows, points, strict=True):
        if (point, row.day) in seen:
            earlier = seen[point, row.day]
            problems.append(f"line {row.line}: the same point and day as line {earlier}")
        seen.setdefault((point, row.day), row.line)
    if problems:
        raise Refused(problems)
    now = utcnow()
    values = [
        {
            "tenant": tenant.slug,
            "point_id": point,
            "day": row.day,
            "bytes_in": row.bytes_in,
            "bytes_out": row.bytes_out,
            "imported_at": now,
        }
        for row, point in zip(rows, points, strict=True)
    ]
    for start in range(0, len(values), CHUNK):
        _upsert(values[start : start + CHUNK])
    return len(values)


def _resolve(tenant: Tenant, rows: list[Row]) -> list[int]:
    ids = {row.point for row in rows if row.point is not None}
    numbers = {row.account for row in rows if row.point is None}
    known = set(
        db.session.scalars(
            sa.select(ServicePoint.id).where(
                ServicePoint.tenant == tenant.slug, ServicePoint.id.in_(ids)
            )
        )
    )
    by_account: dict[str, list[ServicePoint]] = {}
    if numbers:
        found = db.session.execute(
            sa.select(Account.number, ServicePoint)
            .join(ServicePoint, ServicePoint.account_id == Account.id)
            .where(Account.tenant == tenant.slug, Account.number.in_(numbers))
        )
        for number, point in found:
            by_account.setdefault(number, []).append(point)
    resolved, problems = [], []
    for row in rows:
        try:
            resolved.append(_point_of(row, known, by_account))
        except LookupError as exc:
            problems.append(f"line {row.line}: {exc.args[0]}")
    if problems:
        raise Refused(problems)
    return resolved


def _point_of(row: Row, known: set[int], by_account: dict[str, list[ServicePoint]]) -> int:
    # Another ISP's point or account reads exactly as one that does not exist.
    if row.point is not None:
        if row.point not in known:
            raise LookupError(f"no service point {row.point}")
        return row.point
    points = by_account.get(row.account or "", [])
    if not points:
        raise LookupError(f"no account {row.account[:40]!r}")
    if row.address is not None:
        points = [p for p in points if p.address.strip().casefold() == row.address.casefold()]
        if not points:
            raise LookupError(f"account {row.account} has no point at {row.address[:60]!r}")
    if len(points) > 1:
        raise LookupError(f"account {row.account} has several points: give the point or address")
    return points[0].id


def _upsert(values: list[dict]) -> None:
    # Both dialects know INSERT … ON CONFLICT; the core's insert() does not.
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(UsageRecord).values(values)
    statement = statement.on_conflict_do_update(
        index_elements=["point_id", "day"],
        set_={
            "bytes_in": statement.excluded.bytes_in,
            "bytes_out": statement.excluded.bytes_out,
            "imported_at": statement.excluded.imported_at,
        },
    )
    db.session.execute(statement)


@dataclass(frozen=True)
class PointDays:
    """One point's traffic over a period: every day of it, zero where nothing was counted."""

    days: list[date]
    bytes_in: list[int]
    bytes_out: list[int]
    counted: int  # how many of the days the accounting sent
    last_import: object  # aware datetime of the newest record, or None


def points_of(tenant: Tenant, subscriber_id: int) -> list[tuple[str, ServicePoint]]:
    """The subscriber's points in this tenant with their account numbers, in contract order."""
    return [
        (account.number, point)
        for account in accounts_of(tenant, subscriber_id, with_points=True)
        for point in account.service_points
    ]


def point_days(tenant: Tenant, point_id: int, first: date, last: date) -> PointDays:
    """Bytes in and out of each day from first to last of one of the tenant's points."""
    found = db.session.execute(
        sa.select(
            UsageRecord.day, UsageRecord.bytes_in, UsageRecord.bytes_out, UsageRecord.imported_at
        ).where(
            UsageRecord.tenant == tenant.slug,
            UsageRecord.point_id == point_id,
            UsageRecord.day.between(first, last),
        )
    ).all()
    by_day = {day: (received, sent) for day, received, sent, _ in found}
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return PointDays(
        days,
        [by_day.get(day, (0, 0))[0] for day in days],
        [by_day.get(day, (0, 0))[1] for day in days],
        len(by_day),
        max((at for *_, at in found), default=None),
    )


def seed_demo(tenant: Tenant, account_number: str, today: date, days: int = 60) -> int:
    """Believable daily traffic for a demo account's points over the last days (the days
    already present are left alone); how many days were added."""
    points = db.session.scalars(
        owned(ServicePoint, tenant)
        .join(Account, Account.id == ServicePoint.account_id)
        .where(Account.number == account_number)
    ).all()
    added = 0
    for point in points:
        have = set(
            db.session.scalars(sa.select(UsageRecord.day).where(UsageRecord.point_id == point.id))
        )
        rng = random.Random(f"{tenant.slug}:{account_number}:{point.id}")
        for n in range(days, 0, -1):
            day = today - timedelta(days=n)
            if day in have:
                continue
            weekend = 1.6 if day.weekday() >= 5 else 1.0
            received = int(rng.uniform(0.8, 6.0) * weekend * 2**30)
            db.session.add(
                UsageRecord(
                    tenant=tenant.slug,
                    point_id=point.id,
                    day=day,
                    bytes_in=received,
                    bytes_out=int(received * rng.uniform(0.05, 0.2)),
                )
            )
            added += 1
    db.session.flush()
    return added
