"""The day before a technician comes: the subscriber is reminded once, by the daily run."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

import app.notify.service as notify
from app.core.signals import daily_run
from app.extensions import db
from app.tenancy.registry import Tenant

from . import visits
from .models import HelpRequest, HelpVisit


def remind(tenant: Tenant, local_date: date) -> str:
    """Tell every subscriber whose technician comes the day after local_date, once."""
    if not visits.enabled(tenant):
        return ""
    told = 0
    for visit, subscriber_id in _tomorrows(tenant, local_date):
        zone = visits.zone_of(tenant, tenant.region(visit.region or None))
        start = visit.slot_start.astimezone(zone)
        if start.date() != local_date + timedelta(days=1):
            continue
        end = visit.slot_end.astimezone(zone)
        # The key holds the slot: a visit moved to another day is reminded of again.
        told += notify.tell_once(
            tenant,
            subscriber_id,
            "visit_reminder",
            f"{visit.id}:{visit.slot_start.isoformat()}",
            address=visit.address,
            when=f"{start:%d.%m.%Y %H:%M}–{end:%H:%M}",
        )
    return f"visit reminders {told}"


def _tomorrows(tenant: Tenant, local_date: date):
    # A day either side of the tenant's date: regions' zones differ; the loop keeps exact ones.
    start = datetime(local_date.year, local_date.month, local_date.day, tzinfo=ZoneInfo("UTC"))
    return db.session.execute(
        sa.select(HelpVisit, HelpRequest.subscriber_id)
        .join(HelpRequest, HelpRequest.id == HelpVisit.request_id)
        .where(
            HelpVisit.tenant == tenant.slug,
            HelpVisit.place.is_not(None),
            HelpVisit.slot_start >= start,
            HelpVisit.slot_start < start + timedelta(days=3),
        )
        .order_by(HelpVisit.id)
    ).all()


def subscribe() -> None:
    """Send the visit reminders after each tenant's daily run."""
    daily_run.connect(_on_daily_run)


def _on_daily_run(tenant: Tenant, local_date: date) -> str:
    return remind(tenant, local_date)
