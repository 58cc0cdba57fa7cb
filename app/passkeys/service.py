"""Passkey ceremonies for a relying party (one host of a tenant), without the request.

Views pass in the tenant, the relying party worked out from the host the tenancy layer
resolved, the challenge they took from the store, and the browser's JSON.
"""

import hashlib
import hmac

import sqlalchemy as sa
from flask import current_app
from webauthn.helpers import bytes_to_base64url

from app.core import audit, webauthn
from app.core.scoped import get_owned, owned
from app.core.webauthn import Refused, RelyingParty
from app.extensions import db
from app.persistence import utcnow
from app.tenancy.registry import Tenant

from .models import Passkey

__all__ = ["Refused", "RelyingParty"]

NAME_LENGTH = 60


def passkeys_of(tenant: Tenant, subscriber_id: int) -> list[Passkey]:
    """The subscriber's passkeys in this tenant, oldest first."""
    query = owned(Passkey, tenant).where(Passkey.subscriber_id == subscriber_id)
    return list(db.session.scalars(query.order_by(Passkey.created_at, Passkey.id)))


def _user_handle(tenant: Tenant, subscriber_id: int) -> str:
    # One handle per subscriber, so an authenticator replaces rather than piles up passkeys
    # of one account; keyed, so it tells nothing about who it is. The options and the
    # verification work it out alike; once stored, the stored one stays.
    existing = passkeys_of(tenant, subscriber_id)
    if existing:
        return existing[0].user_handle
    key = current_app.config["SECRET_KEY"].encode()
    message = f"passkey-user\x1f{tenant.slug}\x1f{subscriber_id}".encode()
    return bytes_to_base64url(hmac.new(key, message, hashlib.sha256).digest())


def registration_options(
    tenant: Tenant,
    subscriber_id: int,
    rp: RelyingParty,
    challenge: bytes,
    user_name: str,
    display_name: str,
) -> str:
    """The JSON for navigator.credentials.create(): a discoverable, user-verified passkey."""
    exclude = [p.credential_id for p in passkeys_of(tenant, subscriber_id) if p.rp_id == rp.id]
    handle = _user_handle(tenant, subscriber_id)
    return webauthn.creation_options(rp, challenge, handle, user_name, display_name, exclude)


def register(
    tenant: Tenant,
    subscriber_id: int,
    rp: RelyingParty,
    challenge: bytes,
    credential: dict,
    name: str | None,
) -> Passkey:
    """Store the passkey the browser made, once its attestation checks out; else Refused."""
    made = webauthn.verify_creation(rp, challenge, credential)
    credential_id = made.id
    taken = owned(Passkey, tenant).where(Passkey.credential_id == credential_id)
    if db.session.scalar(sa.select(taken.exists())):
        raise Refused("this credential is registered already")
    passkey = Passkey(
        tenant=tenant.slug,
        subscriber_id=subscriber_id,
        credential_id=credential_id,
        public_key=made.public_key,
        sign_count=made.sign_count,
        transports=made.transports,
        rp_id=rp.id,
        user_handle=_user_handle(tenant, subscriber_id),
        name=(name or "").strip()[:NAME_LENGTH] or None,
    )
    db.session.add(passkey)
    db.session.flush()
    audit.record(
        tenant.slug,
        "passkey.added",
        subscriber_id=subscriber_id,
        target=f"passkey:{passkey.id}",
        after={"name": passkey.name},
    )
    return passkey


def login_options(rp: RelyingParty, challenge: bytes) -> str:
    """The JSON for navigator.credentials.get(): any passkey of this host, user-verified."""
    return webauthn.request_options(rp, challenge)


def authenticate(tenant: Tenant, rp: RelyingParty, challenge: bytes, credential: dict) -> int:
    """The subscriber whose passkey signed this challenge on this host; else Refused.

    The lookup is the tenant's and the host's own, so another ISP's or another host's
    passkey finds nothing; the counter must grow unless the authenticator keeps none.
    """
    credential_id = webauthn.credential_id(credential)
    passkey = db.session.scalar(
        owned(Passkey, tenant).where(Passkey.credential_id == credential_id, Passkey.rp_id == rp.id)
    )
    if passkey is None:
        raise Refused("unknown credential")
    response = credential.get("response")
    handle = response.get("userHandle") if isinstance(response, dict) else None
    if handle and handle != passkey.user_handle:
        raise Refused("the passkey belongs to another user")
    new_count = webauthn.verify_assertion(
        rp, challenge, credential, passkey.public_key, passkey.sign_count
    )
    # Compare and set: of two assertions racing with one counter value, only one counts.
    moved = db.session.execute(
        sa.update(Passkey)
        .where(Passkey.id == passkey.id, Passkey.sign_count == passkey.sign_count)
        .values(sign_count=new_count, last_used_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        raise Refused("the counter moved meanwhile")
    db.session.expire(passkey)
    return passkey.subscriber_id


def remove(tenant: Tenant, subscriber_id: int, passkey_id: int) -> bool:
    """Delete one of the subscriber's own passkeys; False when it is not theirs."""
    passkey = get_owned(Passkey, tenant, passkey_id)
    if passkey is None or passkey.subscriber_id != subscriber_id:
        return False
    audit.record(
        tenant.slug,
        "passkey.removed",
        subscriber_id=subscriber_id,
        target=f"passkey:{passkey.id}",
        before={"name": passkey.name},
    )
    db.session.delete(passkey)
    db.session.flush()
    return True
