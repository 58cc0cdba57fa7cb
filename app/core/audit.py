"""The audit trail: who changed what, when, from where, in which tenant. Append-only.

Every change a staff member makes and every change a subscriber makes to what they hold
(login, password, contacts, tariff, options, payments, promised payments, requests) adds
an entry through record(). Entries are never updated or deleted: the session refuses to
flush such a change, and the database refuses the statement (triggers: migration 0023).

Who acts is bound once per request by the web layer (acting_as), so a service deep in a
feature records without being told; batch jobs and callbacks record as the system.
"""

import json
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.extensions import db
from app.persistence import TenantScoped, UTCDateTime, utcnow


@dataclass(frozen=True)
class Actor:
    """Who acts: a subscriber, a staff member, or the system (a job, a bank's callback)."""

    kind: str  # "subscriber", "staff", "system"
    id: int | None = None
    name: str = ""
    network: str = ""  # the client's network (an IPv4 /24 or IPv6 /64), not its address


SYSTEM = Actor("system")
_acting: ContextVar[Actor] = ContextVar("audit_actor", default=SYSTEM)


class AuditEntry(TenantScoped, db.Model):
    """One change, as it happened; never edited."""

    __table_args__ = (
        sa.Index("ix_audit_entry_tenant_at", "tenant", "at"),
        sa.Index("ix_audit_entry_subscriber", "tenant", "subscriber_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_kind: Mapped[str] = mapped_column(sa.String(20))
    actor_id: Mapped[int | None]
    actor_name: Mapped[str] = mapped_column(sa.String(120), default="")
    network: Mapped[str] = mapped_column(sa.String(50), default="")
    # What happened, a dotted code: "password.changed", "staff.role_changed", …
    action: Mapped[str] = mapped_column(sa.String(60), index=True)
    # Whose data it concerns: the subscriber sees their own entries on the Security page.
    subscriber_id: Mapped[int | None] = mapped_column(sa.ForeignKey("subscriber.id"))
    # What it changed, e.g. "account:12" or "staff:3"; empty for the subscriber as a whole.
    target: Mapped[str] = mapped_column(sa.String(80), default="")
    before: Mapped[str | None] = mapped_column(sa.Text)  # JSON
    after: Mapped[str | None] = mapped_column(sa.Text)  # JSON

    def changes(self) -> tuple[dict, dict]:
        """What the entry says was before and after."""
        return json.loads(self.before or "{}"), json.loads(self.after or "{}")


class AppendOnly(RuntimeError):
    """Something tried to change or remove an audit entry."""


def acting_as(actor: Actor) -> None:
    """Bind who acts for the rest of this request (the web layer calls it)."""
    _acting.set(actor)


def actor() -> Actor:
    """Who acts now."""
    return _acting.get()


def _json(values: dict | None) -> str | None:
    return None if values is None else json.dumps(values, ensure_ascii=False, default=str)


def record(
    tenant: str,
    action: str,
    subscriber_id: int | None = None,
    target: str = "",
    before: dict | None = None,
    after: dict | None = None,
    by: Actor | None = None,
) -> AuditEntry:
    """Add an entry in the current transaction: it stands or falls with the change."""
    who = by or actor()
    entry = AuditEntry(
        tenant=tenant,
        at=utcnow(),
        actor_kind=who.kind,
        actor_id=who.id,
        actor_name=who.name[:120],
        network=who.network,
        action=action,
        subscriber_id=subscriber_id,
        target=target,
        before=_json(before),
        after=_json(after),
    )
    db.session.add(entry)
    return entry


def entries(
    tenant: str,
    subscriber_id: int | None = None,
    action: str | None = None,
    actor_kind: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 200,
    actor_id: int | None = None,
    offset: int = 0,
) -> list[AuditEntry]:
    """The tenant's entries, newest first, narrowed by whichever filters are given; offset
    skips the newest ones (a page further on)."""
    query = sa.select(AuditEntry).where(AuditEntry.tenant == tenant)
    if subscriber_id is not None:
        query = query.where(AuditEntry.subscriber_id == subscriber_id)
    if action:
        query = query.where(AuditEntry.action.startswith(action, autoescape=True))
    if actor_kind:
        query = query.where(AuditEntry.actor_kind == actor_kind)
    if actor_id is not None:
        query = query.where(AuditEntry.actor_id == actor_id)
    if since is not None:
        query = query.where(AuditEntry.at >= since)
    if until is not None:
        query = query.where(AuditEntry.at < until)
    query = query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    query = query.offset(offset).limit(limit)
    return list(db.session.scalars(query))


@sa.event.listens_for(Session, "before_flush")
def _refuse_changes(session: Session, _context, _instances) -> None:
    for row in (*session.dirty, *session.deleted):
        if isinstance(row, AuditEntry) and (row in session.deleted or session.is_modified(row)):
            raise AppendOnly("audit entries are never changed or removed")
