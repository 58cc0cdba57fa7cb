"""What each subscriber chose: a channel per event, their quiet hours; the ISP's defaults else.

A channel is offered only when the ISP sends through it and the subscriber has that
contact on record: an SMS cannot reach someone without a phone.
"""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.core import audit
from app.core.scoped import owned
from app.core.subscribers import Subscriber
from app.extensions import db
from app.persistence import TenantScoped, UTCDateTime, utcnow
from app.tenancy.notify_schema import EVENTS
from app.tenancy.registry import Tenant

NONE = "none"
# The subscriber's column each channel needs.
CONTACTS = {"email": "email", "sms": "phone"}


class NoticePreference(TenantScoped, db.Model):
    """The channel a subscriber chose for one event."""

    __tablename__ = "notice_preference"
    __table_args__ = (sa.UniqueConstraint("tenant", "subscriber_id", "event"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(sa.ForeignKey("subscriber.id"), index=True)
    event: Mapped[str] = mapped_column(sa.String(40))
    channel: Mapped[str] = mapped_column(sa.String(10))  # "email", "sms" or "none"
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class QuietChoice(TenantScoped, db.Model):
    """A subscriber's own quiet hours; none on record: the ISP's default applies."""

    __tablename__ = "notice_quiet_hours"
    __table_args__ = (sa.UniqueConstraint("tenant", "subscriber_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(sa.ForeignKey("subscriber.id"))
    # Both None: the subscriber wants no quiet hours at all.
    start: Mapped[str | None] = mapped_column("quiet_from", sa.String(5))
    end: Mapped[str | None] = mapped_column("quiet_until", sa.String(5))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


@dataclass(frozen=True)
class Choice:
    """One event's channel as the subscriber sees it: chosen, or the ISP's default."""

    event: str
    channel: str
    default: bool


def offered(tenant: Tenant, subscriber: Subscriber) -> list[str]:
    """The channels this subscriber can be reached through, in the ISP's order."""
    channels = tenant.config.notifications.channels
    return [channel for channel in channels if getattr(subscriber, CONTACTS[channel])]


def reachable(tenant: Tenant) -> sa.ColumnElement[bool]:
    """SQL: the subscriber has a contact for at least one of the ISP's channels."""
    channels = tenant.config.notifications.channels
    return sa.or_(*(getattr(Subscriber, CONTACTS[c]).is_not(None) for c in channels))


def choices(tenant: Tenant, subscriber_id: int) -> dict[str, Choice]:
    """Every event's channel for the subscriber, in the order the cabinet lists them."""
    rows = db.session.scalars(
        owned(NoticePreference, tenant).where(NoticePreference.subscriber_id == subscriber_id)
    )
    chosen = {row.event: row.channel for row in rows}
    defaults = tenant.config.notifications.defaults
    return {
        event: Choice(event, chosen.get(event, getattr(defaults, event)), event not in chosen)
        for event in EVENTS
    }


def channel_for(tenant: Tenant, subscriber: Subscriber, event: str) -> str:
    """The channel a notice of event goes through now; "none" when it goes nowhere.

    An explicit choice is kept to the letter: without that contact, nothing is sent. The
    ISP's default is only a wish to reach the person, so it falls back to a channel the
    subscriber does have.
    """
    choice = choices(tenant, subscriber.id)[event]
    reachable = offered(tenant, subscriber)
    if choice.channel == NONE or choice.channel in reachable:
        return choice.channel
    if choice.default and reachable:
        return reachable[0]
    return NONE


def choose(tenant: Tenant, subscriber: Subscriber, event: str, channel: str) -> None:
    """Keep the subscriber's channel for event; ValueError for one they cannot have."""
    if event not in EVENTS:
        raise ValueError(f"unknown event {event!r}")
    if channel != NONE and channel not in offered(tenant, subscriber):
        raise ValueError(f"channel {channel!r} is not on record for this subscriber")
    row = db.session.scalar(
        owned(NoticePreference, tenant).where(
            NoticePreference.subscriber_id == subscriber.id, NoticePreference.event == event
        )
    )
    if row is None:
        row = NoticePreference(tenant=tenant.slug, subscriber_id=subscriber.id, event=event)
        db.session.add(row)
    audit.record(
        tenant.slug,
        "notices.channel_chosen",
        subscriber_id=subscriber.id,
        target=f"notice:{event}",
        before={"channel": row.channel},
        after={"channel": channel},
    )
    row.channel, row.changed_at = channel, utcnow()
    db.session.flush()


def quiet_hours(tenant: Tenant, subscriber_id: int) -> tuple[str, str] | None:
    """The subscriber's quiet hours as ("22:00", "09:00"), or None for none at all."""
    own = _quiet_row(tenant, subscriber_id)
    if own is not None:
        return (own.start, own.end) if own.start and own.end else None
    default = tenant.config.notifications.quiet_hours
    return (default.start, default.end) if default else None


def set_quiet_hours(tenant: Tenant, subscriber_id: int, hours: tuple[str, str] | None) -> None:
    """Keep the subscriber's own quiet hours (None: none); ValueError for empty hours."""
    if hours is not None and hours[0] == hours[1]:
        raise ValueError("quiet hours must start and end at different times")
    row = _quiet_row(tenant, subscriber_id)
    before = quiet_hours(tenant, subscriber_id)
    if row is None:
        row = QuietChoice(tenant=tenant.slug, subscriber_id=subscriber_id)
        db.session.add(row)
    _record_quiet(tenant, subscriber_id, before, hours)
    row.start, row.end = hours if hours else (None, None)
    row.changed_at = utcnow()
    db.session.flush()


def quiet_mode(tenant: Tenant, subscriber_id: int) -> str:
    """ "default" (the ISP's hours), "own" or "off": what the subscriber chose."""
    row = _quiet_row(tenant, subscriber_id)
    if row is None:
        return "default"
    return "own" if row.start else "off"


def forget_quiet_hours(tenant: Tenant, subscriber_id: int) -> None:
    """Back to the ISP's quiet hours."""
    row = _quiet_row(tenant, subscriber_id)
    if row is not None:
        before = quiet_hours(tenant, subscriber_id)
        db.session.delete(row)
        db.session.flush()
        _record_quiet(tenant, subscriber_id, before, quiet_hours(tenant, subscriber_id))


def _record_quiet(tenant: Tenant, subscriber_id: int, before, after) -> None:
    audit.record(
        tenant.slug,
        "notices.quiet_hours_set",
        subscriber_id=subscriber_id,
        before={"hours": "–".join(before) if before else None},
        after={"hours": "–".join(after) if after else None},
    )


def _quiet_row(tenant: Tenant, subscriber_id: int) -> QuietChoice | None:
    return db.session.scalar(
        owned(QuietChoice, tenant).where(QuietChoice.subscriber_id == subscriber_id)
    )
