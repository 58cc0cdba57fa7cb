"""Login sessions, one per browser, and the history of logins into an account.

A session is a row in the database rather than a key in Redis: it survives a flush of the
rate-limit store, the user loader reads it joined with the subscriber in its one query, and
the test suite runs it on SQLite and PostgreSQL alike. The browser's cookie carries a random
token; only its SHA-256 is stored, so a copy of the table opens no session.

Ending a session deletes its row. Idle and absolute limits are checked against the row on
every request (PORTAL_SESSION_IDLE, PORTAL_SESSION_ABSOLUTE); a row past them is simply
refused, and deleted at its owner's next login. Networks are kept, not addresses: an IPv4
/24 or an IPv6 /64 tells "home" from "abroad" without recording where exactly someone is.
"""

import hashlib
import ipaddress
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.persistence import TenantScoped, UTCDateTime, utcnow

from .user_agents import describe

TOUCH_EVERY = timedelta(minutes=1)  # last_seen_at is rewritten at most this often
HISTORY_KEPT = timedelta(days=90)
HISTORY_SHOWN = 20
IPV4_PREFIX = 24
IPV6_PREFIX = 64
# The method of a session switched to from a linked cabinet (app.core.linked): it proved
# no password of its own, and it keeps the absolute limit of the login it came from.
SWITCH = "switch"


class LoginSession(TenantScoped, db.Model):
    """One browser's login: created by a proof of identity, ended by logout or a limit."""

    id: Mapped[int] = mapped_column(primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(sa.ForeignKey("subscriber.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    browser: Mapped[str] = mapped_column(sa.String(40), default="")
    system: Mapped[str] = mapped_column(sa.String(40), default="")
    network: Mapped[str] = mapped_column(sa.String(50), default="")
    method: Mapped[str] = mapped_column(sa.String(20))


class LoginEvent(TenantScoped, db.Model):
    """A login into an account, successful or not (a failure only when the login named it)."""

    __table_args__ = (sa.Index("ix_login_event_subscriber_at", "subscriber_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(sa.ForeignKey("subscriber.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    success: Mapped[bool]
    browser: Mapped[str] = mapped_column(sa.String(40), default="")
    system: Mapped[str] = mapped_column(sa.String(40), default="")
    network: Mapped[str] = mapped_column(sa.String(50), default="")
    method: Mapped[str] = mapped_column(sa.String(20))


def network(address: str | None) -> str:
    """The network an address belongs to: IPv4 by its /24, IPv6 by its /64; "" if none."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return ""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    prefix = IPV4_PREFIX if ip.version == 4 else IPV6_PREFIX
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def hash_token(token: str) -> str:
    """What the database keeps of a session token."""
    return hashlib.sha256(token.encode()).hexdigest()


def limits() -> tuple[timedelta, timedelta]:
    """The idle and the absolute limit of a session, from the settings."""
    config = current_app.config
    return config["PORTAL_SESSION_IDLE"], config["PORTAL_SESSION_ABSOLUTE"]


def expired(row: LoginSession, now: datetime) -> bool:
    """Whether a session has been idle too long or lived too long."""
    idle, absolute = limits()
    return now - row.last_seen_at > idle or now - row.created_at > absolute


def touch(row: LoginSession, now: datetime) -> None:
    """Note that the session was used; cheap: at most one write a minute per session.

    A plain UPDATE, not a change of the loaded row: the session may be ended meanwhile (a
    logout in this request, «log out everywhere else» on another device), and then it
    simply matches nothing instead of failing the request at commit.
    """
    if now - row.last_seen_at >= TOUCH_EVERY:
        db.session.execute(
            sa.update(LoginSession)
            .where(LoginSession.id == row.id)
            .values(last_seen_at=now)
            .execution_options(synchronize_session=False)
        )


def _live(now: datetime):
    idle, absolute = limits()
    return sa.and_(
        LoginSession.last_seen_at >= now - idle, LoginSession.created_at >= now - absolute
    )


def open_session(
    tenant: str,
    subscriber_id: int,
    user_agent: str | None,
    address: str | None,
    method: str,
    began_at: datetime | None = None,
) -> tuple[LoginSession, str]:
    """A new session for a subscriber who just proved who they are, and its token (to give
    the browser); the login goes into the history, the subscriber's dead sessions go.

    began_at: when the login it continues began (a switch), so its absolute limit stays."""
    now = utcnow()
    db.session.execute(
        sa.delete(LoginSession).where(
            LoginSession.tenant == tenant,
            LoginSession.subscriber_id == subscriber_id,
            sa.not_(_live(now)),
        )
    )
    token = secrets.token_urlsafe(32)
    device, where = describe(user_agent), network(address)
    row = LoginSession(
        tenant=tenant,
        subscriber_id=subscriber_id,
        token_hash=hash_token(token),
        created_at=min(began_at, now) if began_at else now,
        last_seen_at=now,
        browser=device.browser,
        system=device.system,
        network=where,
        method=method,
    )
    db.session.add(row)
    record_login(tenant, subscriber_id, True, user_agent, address, method)
    db.session.flush()
    return row, token


def record_login(
    tenant: str,
    subscriber_id: int,
    success: bool,
    user_agent: str | None,
    address: str | None,
    method: str,
) -> None:
    """Add a login to the subscriber's history, forgetting what is older than 90 days."""
    now = utcnow()
    db.session.execute(
        sa.delete(LoginEvent).where(
            LoginEvent.tenant == tenant,
            LoginEvent.subscriber_id == subscriber_id,
            LoginEvent.at < now - HISTORY_KEPT,
        )
    )
    device = describe(user_agent)
    db.session.add(
        LoginEvent(
            tenant=tenant,
            subscriber_id=subscriber_id,
            at=now,
            success=success,
            browser=device.browser,
            system=device.system,
            network=network(address),
            method=method,
        )
    )


def end_session(tenant: str, session_id: int) -> None:
    """End one session (this browser's at logout, or one the owner picked)."""
    db.session.execute(
        sa.delete(LoginSession).where(LoginSession.tenant == tenant, LoginSession.id == session_id)
    )


def end_sessions(tenant: str, subscriber_id: int, keep: int | None = None) -> int:
    """End every session of the subscriber but keep (None: all of them); how many ended."""
    query = sa.delete(LoginSession).where(
        LoginSession.tenant == tenant, LoginSession.subscriber_id == subscriber_id
    )
    if keep is not None:
        query = query.where(LoginSession.id != keep)
    return db.session.execute(query).rowcount


def active_sessions(tenant: str, subscriber_id: int) -> list[LoginSession]:
    """The subscriber's live sessions, the most recently used first."""
    return list(
        db.session.scalars(
            sa.select(LoginSession)
            .where(
                LoginSession.tenant == tenant,
                LoginSession.subscriber_id == subscriber_id,
                _live(utcnow()),
            )
            .order_by(LoginSession.last_seen_at.desc(), LoginSession.id.desc())
        )
    )


def history(tenant: str, subscriber_id: int) -> list[LoginEvent]:
    """The subscriber's latest logins, successes and failures, newest first."""
    return list(
        db.session.scalars(
            sa.select(LoginEvent)
            .where(
                LoginEvent.tenant == tenant,
                LoginEvent.subscriber_id == subscriber_id,
                LoginEvent.at >= utcnow() - HISTORY_KEPT,
            )
            .order_by(LoginEvent.at.desc(), LoginEvent.id.desc())
            .limit(HISTORY_SHOWN)
        )
    )
