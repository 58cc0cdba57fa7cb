"""Challenges of WebAuthn ceremonies, stored server-side: single use, five minutes."""

import secrets
from datetime import timedelta

import sqlalchemy as sa

from app.core.scoped import owned
from app.extensions import db
from app.persistence import utcnow
from app.tenancy.registry import Tenant

from .models import WebAuthnChallenge

LIFETIME = timedelta(minutes=5)
REGISTER = "register"
LOGIN = "login"


def issue(tenant: Tenant, purpose: str, subscriber_id: int | None = None) -> tuple[str, bytes]:
    """A new challenge: (handle for the browser's session, the random bytes to sign)."""
    # Unfinished ceremonies leave rows behind; each new one sweeps the tenant's stale ones.
    db.session.execute(
        sa.delete(WebAuthnChallenge).where(
            WebAuthnChallenge.tenant == tenant.slug, WebAuthnChallenge.expires_at <= utcnow()
        )
    )
    row = WebAuthnChallenge(
        tenant=tenant.slug,
        handle=secrets.token_urlsafe(32),
        purpose=purpose,
        subscriber_id=subscriber_id,
        challenge=secrets.token_bytes(32),
        expires_at=utcnow() + LIFETIME,
    )
    db.session.add(row)
    db.session.flush()
    return row.handle, row.challenge


def take(
    tenant: Tenant, purpose: str, handle: str | None, subscriber_id: int | None = None
) -> bytes | None:
    """The challenge behind a handle, used up by this call; None when it is unknown, of
    another tenant, purpose or subscriber, expired, or already taken by another request."""
    if not handle:
        return None
    row = db.session.scalar(
        owned(WebAuthnChallenge, tenant).where(
            WebAuthnChallenge.handle == handle, WebAuthnChallenge.purpose == purpose
        )
    )
    if row is None or row.subscriber_id != subscriber_id:
        return None
    challenge, expires_at = row.challenge, row.expires_at
    # The DELETE is the claim: of two requests racing with one handle, the second finds
    # the row gone once the first commits (its DELETE waits on the row lock) and gets 0.
    taken = db.session.execute(
        sa.delete(WebAuthnChallenge)
        .where(WebAuthnChallenge.id == row.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.expunge(row)
    if taken != 1 or expires_at <= utcnow():
        return None
    return challenge
