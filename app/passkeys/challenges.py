"""Challenges of WebAuthn ceremonies, stored server-side: single use, five minutes."""

import secrets
from datetime import timedelta

import sqlalchemy as sa

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
    owner = (
        WebAuthnChallenge.subscriber_id.is_(None)
        if subscriber_id is None
        else WebAuthnChallenge.subscriber_id == subscriber_id
    )
    # One statement claims it: of two requests racing with one handle, the second one's
    # DELETE waits on the row lock and, once the first commits, finds nothing.
    found = db.session.execute(
        sa.delete(WebAuthnChallenge)
        .where(
            WebAuthnChallenge.tenant == tenant.slug,
            WebAuthnChallenge.handle == handle,
            WebAuthnChallenge.purpose == purpose,
            owner,
        )
        .returning(WebAuthnChallenge.challenge, WebAuthnChallenge.expires_at)
        .execution_options(synchronize_session=False)
    ).first()
    if found is None or found.expires_at <= utcnow():
        return None
    return found.challenge
