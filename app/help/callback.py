"""Callback requests: the windows a subscriber may choose, and filing one as a request.

A callback is a request of kind callback, numbered and listed with the others; whom to
call and when sits in HelpCallback beside it.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from app.core.identifiers import normalise_phone
from app.core.subscribers import subscriber_of
from app.extensions import db
from app.persistence import utcnow
from app.tenancy.help_schema import Callback
from app.tenancy.registry import Region, Tenant

from . import threads, trail
from .models import Author, HelpCallback, HelpMessage, HelpRequest, RequestKind, RequestStatus

SUBJECT = "callback"  # the subject code every callback is filed under
MAX_NAME = 100
MAX_COMMENT = 500


@dataclass(frozen=True)
class Window:
    """One window the ISP may call in, as aware local datetimes."""

    start: datetime
    end: datetime

    @property
    def key(self) -> str:
        """How a form names this window: its local start, e.g. 2026-12-03T09:00."""
        return self.start.strftime("%Y-%m-%dT%H:%M")


def rules(tenant: Tenant) -> Callback:
    """The tenant's rules for callbacks."""
    return tenant.config.help.callback


def enabled(tenant: Tenant | None) -> bool:
    """Whether this ISP takes callback requests in the cabinet."""
    return tenant is not None and rules(tenant).enabled


def windows(tenant: Tenant, region: Region | None, now: datetime | None = None) -> list[Window]:
    """The windows still ahead on the tenant's days and within its hours, over its days ahead."""
    callback = rules(tenant)
    zone = ZoneInfo(tenant.timezone(region))
    now = (now or utcnow()).astimezone(zone)
    found = []
    for offset in range(callback.days_ahead):
        day = now.date() + timedelta(days=offset)
        # A window already begun is not offered: nobody could promise to call in time.
        periods = callback.hours.periods(day, zone, callback.window_minutes)
        found += [Window(*p) for p in periods if p[0] > now]
    return found


def window(tenant: Tenant, region: Region | None, key: str, now=None) -> Window | None:
    """The window the form named, only when it is one still offered."""
    return next((w for w in windows(tenant, region, now) if w.key == key), None)


def open_callback(
    tenant: Tenant,
    region: Region | None,
    subscriber_id: int | None,
    name: str,
    phone: str,
    key: str,
    comment: str = "",
    now: datetime | None = None,
) -> HelpRequest:
    """File a callback request (subscriber None: asked without logging in); caller commits."""
    if not enabled(tenant):
        raise ValueError(f"{tenant.slug} takes no callback requests")
    if subscriber_id is not None and subscriber_of(tenant, subscriber_id) is None:
        raise LookupError(f"no subscriber {subscriber_id} in {tenant.slug}")
    name, comment = name.strip(), comment.strip()
    if not name or len(name) > MAX_NAME or len(comment) > MAX_COMMENT:
        raise ValueError("a callback needs a name, and a comment within its length")
    number = normalise_phone(phone, tenant.config.phone_region)
    if number is None:
        raise ValueError("not a phone number")
    chosen = window(tenant, region, key, now)
    if chosen is None:
        raise ValueError(f"{key!r} is not a window within {tenant.slug}'s hours")
    moment = utcnow()
    filed = HelpRequest(
        tenant=tenant.slug,
        number=threads.next_number(tenant.slug),
        subscriber_id=subscriber_id,
        kind=RequestKind.CALLBACK,
        subject=SUBJECT,
        status=RequestStatus.NEW,
        created_at=moment,
        updated_at=moment,
    )
    db.session.add(filed)
    db.session.flush()
    db.session.add(
        HelpCallback(
            tenant=tenant.slug,
            request_id=filed.id,
            name=name,
            phone=number,
            window_start=chosen.start,
            window_end=chosen.end,
        )
    )
    if comment:
        db.session.add(
            HelpMessage(
                tenant=tenant.slug,
                request_id=filed.id,
                author=Author.SUBSCRIBER,
                text=comment,
                created_at=moment,
            )
        )
    after = {"phone": number, "from": chosen.start, "to": chosen.end}
    trail.record(tenant, filed, "callback.asked", after=after)
    db.session.flush()
    return filed
