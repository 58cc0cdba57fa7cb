"""Console sessions: a row per browser, only its token's hash, shorter limits than subscribers'."""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from app.core import devices
from app.extensions import db
from app.persistence import utcnow

from .models import StaffAccount, StaffGrant, StaffSession


@dataclass(frozen=True)
class StaffUser:
    """The staff member a console session stands for, in the tenant of the host."""

    account_id: int
    tenant: str
    email: str
    name: str
    role: str
    session_id: int
    locale: str | None
    must_change_password: bool
    signed_in_at: datetime | None = None  # when both factors were proved for this session


def open_session(
    tenant: str, account_id: int, address: str | None, method: str, limits: tuple[timedelta, ...]
) -> str:
    """A new console session after both factors; returns the token for the browser."""
    now = utcnow()
    idle, absolute = limits
    db.session.execute(
        sa.delete(StaffSession).where(
            StaffSession.account_id == account_id,
            sa.or_(
                StaffSession.last_seen_at < now - idle, StaffSession.created_at < now - absolute
            ),
        )
    )
    token = secrets.token_urlsafe(32)
    db.session.add(
        StaffSession(
            tenant=tenant,
            account_id=account_id,
            token_hash=devices.hash_token(token),
            created_at=now,
            last_seen_at=now,
            network=devices.network(address),
            method=method,
        )
    )
    db.session.flush()
    return token


def load_session(tenant: str, token: str, limits: tuple[timedelta, ...]) -> StaffUser | None:
    """The staff member whose live session this token is on this tenant's host, still
    active and still granted a role here; notes the use."""
    if not token:
        return None
    row = db.session.execute(
        sa.select(StaffSession, StaffAccount, StaffGrant)
        .join(StaffAccount, StaffAccount.id == StaffSession.account_id)
        .join(
            StaffGrant,
            sa.and_(
                StaffGrant.account_id == StaffAccount.id, StaffGrant.tenant == StaffSession.tenant
            ),
        )
        .where(StaffSession.token_hash == devices.hash_token(token), StaffSession.tenant == tenant)
    ).first()
    if row is None:
        return None
    record, account, role = row
    now = utcnow()
    idle, absolute = limits
    if not account.active or _expired(record, now, idle, absolute):
        return None
    if now - record.last_seen_at >= devices.TOUCH_EVERY:
        record.last_seen_at = now
    return StaffUser(
        account_id=account.id,
        tenant=tenant,
        email=account.email,
        name=account.name,
        role=role.role,
        session_id=record.id,
        locale=account.locale,
        must_change_password=account.password_temporary,
        signed_in_at=record.created_at,
    )


def _expired(record: StaffSession, now: datetime, idle: timedelta, absolute: timedelta) -> bool:
    return now - record.last_seen_at > idle or now - record.created_at > absolute


def end_session(tenant: str, session_id: int) -> None:
    db.session.execute(
        sa.delete(StaffSession).where(StaffSession.id == session_id, StaffSession.tenant == tenant)
    )


def end_sessions(tenant: str, account_id: int, keep: int | None = None) -> None:
    """End the account's console sessions in this tenant, but keep (a session id)."""
    query = sa.delete(StaffSession).where(
        StaffSession.account_id == account_id, StaffSession.tenant == tenant
    )
    if keep is not None:
        query = query.where(StaffSession.id != keep)
    db.session.execute(query)
