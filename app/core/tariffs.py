"""Which tariff a service point is on, on any local date, and what its tariffs cost.

`ServicePoint.tariff_code` is the tariff in force now. A point whose tariff was changed
also has periods: (tariff, from, until) with `until` exclusive and None for the current
one. A point that was never changed has no periods; its current tariff has always been in
force. So charging a past day takes the tariff of that day, not today's.
"""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, aliased, mapped_column

from app.extensions import db
from app.persistence import TenantScoped
from app.tenancy.registry import Tenant

from .subscribers import ServicePoint


class TariffPeriod(TenantScoped, db.Model):
    """One tariff of a point between two local dates (until exclusive; None: still on it)."""

    __table_args__ = (sa.Index("ix_tariff_period_point_dates", "point_id", "starts_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    point_id: Mapped[int] = mapped_column(sa.ForeignKey("service_point.id"))
    tariff_code: Mapped[str] = mapped_column(sa.String(40))
    starts_on: Mapped[date] = mapped_column(sa.Date)
    ends_on: Mapped[date | None] = mapped_column(sa.Date)


def switch_tariff(tenant: Tenant, point: ServicePoint, code: str, on: date) -> str:
    """Put the point on a tariff from the local date `on`; the tariff it leaves. Caller commits."""
    previous = point.tariff_code
    current = db.session.scalar(
        sa.select(TariffPeriod).where(
            TariffPeriod.tenant == tenant.slug,
            TariffPeriod.point_id == point.id,
            TariffPeriod.ends_on.is_(None),
        )
    )
    if current is None:
        # The first change: what the point was on until now becomes a period of its own.
        current = TariffPeriod(
            tenant=tenant.slug,
            point_id=point.id,
            tariff_code=previous,
            starts_on=point.active_since,
        )
        db.session.add(current)
    current.ends_on = max(on, current.starts_on)
    db.session.add(
        TariffPeriod(tenant=tenant.slug, point_id=point.id, tariff_code=code, starts_on=on)
    )
    point.tariff_code = code
    db.session.flush()
    return previous


def tariff_on_day(day: date):
    """(period alias, ON clause, tariff code column) for an outer join of ServicePoint on
    the period covering a local date; the code falls back to the point's current one."""
    period = aliased(TariffPeriod)
    on = sa.and_(
        period.point_id == ServicePoint.id,
        period.starts_on <= day,
        sa.or_(period.ends_on.is_(None), period.ends_on > day),
    )
    return period, on, sa.func.coalesce(period.tariff_code, ServicePoint.tariff_code)


def tariff_of(tenant: Tenant, point: ServicePoint, day: date) -> str:
    """The code of the tariff the point was (or is) on on a local date."""
    return code_on(point, periods_of(tenant, [point.id]).get(point.id, []), day)


def last_change_on(tenant: Tenant, point_id: int) -> date | None:
    """The local date the point's current tariff started, if it was ever changed."""
    return db.session.scalar(
        sa.select(TariffPeriod.starts_on).where(
            TariffPeriod.tenant == tenant.slug,
            TariffPeriod.point_id == point_id,
            TariffPeriod.ends_on.is_(None),
        )
    )


def periods_of(tenant: Tenant, point_ids) -> dict[int, list[TariffPeriod]]:
    """The tariff periods of these points, by point id, in one query (none: never changed)."""
    found: dict[int, list[TariffPeriod]] = {}
    if point_ids:
        rows = db.session.scalars(
            sa.select(TariffPeriod).where(
                TariffPeriod.tenant == tenant.slug, TariffPeriod.point_id.in_(list(point_ids))
            )
        )
        for row in rows:
            found.setdefault(row.point_id, []).append(row)
    return found


def code_on(point: ServicePoint, periods: list[TariffPeriod], day: date) -> str:
    """The tariff code the point was on on a local date, from its periods (`periods_of`)."""
    for period in periods:
        if period.starts_on <= day and (period.ends_on is None or period.ends_on > day):
            return period.tariff_code
    return point.tariff_code
