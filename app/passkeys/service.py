"""Passkey ceremonies for a relying party (one host of a tenant), without the request.

Views pass in the tenant, the relying party worked out from the host the tenancy layer
resolved, the challenge they took from the store, and the browser's JSON.
"""

import hashlib
import hmac
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from app.core import audit
from app.core.scoped import get_owned, owned
from app.extensions import db
from app.persistence import utcnow
from app.tenancy.registry import Tenant

from .models import Passkey

TIMEOUT_MS = 120_000
NAME_LENGTH = 60
KNOWN_TRANSPORTS = {t.value for t in AuthenticatorTransport}


@dataclass(frozen=True)
class RelyingParty:
    """Who asks for the passkey: the host (rp id), the ISP's name, the page's origin."""

    id: str
    name: str
    origin: str


class Refused(Exception):
    """The browser's answer does not prove what it claims."""


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
    exclude = [
        PublicKeyCredentialDescriptor(id=base64url_to_bytes(p.credential_id))
        for p in passkeys_of(tenant, subscriber_id)
        if p.rp_id == rp.id
    ]
    options = generate_registration_options(
        rp_id=rp.id,
        rp_name=rp.name,
        user_id=base64url_to_bytes(_user_handle(tenant, subscriber_id)),
        user_name=user_name,
        user_display_name=display_name,
        challenge=challenge,
        timeout=TIMEOUT_MS,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=exclude,
    )
    return options_to_json(options)


def _transports(credential: dict) -> str:
    response = credential.get("response")
    listed = response.get("transports") if isinstance(response, dict) else None
    if not isinstance(listed, list):
        return ""
    return ",".join(t for t in listed if isinstance(t, str) and t in KNOWN_TRANSPORTS)


def register(
    tenant: Tenant,
    subscriber_id: int,
    rp: RelyingParty,
    challenge: bytes,
    credential: dict,
    name: str | None,
) -> Passkey:
    """Store the passkey the browser made, once its attestation checks out; else Refused."""
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError, TypeError, KeyError) as exc:
        raise Refused(str(exc)) from exc
    credential_id = bytes_to_base64url(verified.credential_id)
    taken = owned(Passkey, tenant).where(Passkey.credential_id == credential_id)
    if db.session.scalar(sa.select(taken.exists())):
        raise Refused("this credential is registered already")
    passkey = Passkey(
        tenant=tenant.slug,
        subscriber_id=subscriber_id,
        credential_id=credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        transports=_transports(credential),
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
    options = generate_authentication_options(
        rp_id=rp.id,
        challenge=challenge,
        timeout=TIMEOUT_MS,
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    return options_to_json(options)


def authenticate(tenant: Tenant, rp: RelyingParty, challenge: bytes, credential: dict) -> int:
    """The subscriber whose passkey signed this challenge on this host; else Refused.

    The lookup is the tenant's and the host's own, so another ISP's or another host's
    passkey finds nothing; the counter must grow unless the authenticator keeps none.
    """
    credential_id = credential.get("id")
    if not isinstance(credential_id, str) or not credential_id:
        raise Refused("no credential id")
    passkey = db.session.scalar(
        owned(Passkey, tenant).where(Passkey.credential_id == credential_id, Passkey.rp_id == rp.id)
    )
    if passkey is None:
        raise Refused("unknown credential")
    response = credential.get("response")
    handle = response.get("userHandle") if isinstance(response, dict) else None
    if handle and handle != passkey.user_handle:
        raise Refused("the passkey belongs to another user")
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
            credential_public_key=passkey.public_key,
            credential_current_sign_count=passkey.sign_count,
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError, TypeError, KeyError) as exc:
        raise Refused(str(exc)) from exc
    # Compare and set: of two assertions racing with one counter value, only one counts.
    moved = db.session.execute(
        sa.update(Passkey)
        .where(Passkey.id == passkey.id, Passkey.sign_count == passkey.sign_count)
        .values(sign_count=verified.new_sign_count, last_used_at=utcnow())
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
