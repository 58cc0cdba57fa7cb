"""Staff passkeys: registered from the console, then used at login instead of the code.

The ceremony's challenge waits on the staff account itself (one ceremony at a time), is
taken once under a row lock and lives five minutes.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

import sqlalchemy as sa
from webauthn.helpers import bytes_to_base64url

from app.core import webauthn
from app.core.webauthn import Refused, RelyingParty
from app.extensions import db
from app.persistence import utcnow

from .models import StaffAccount, StaffPasskey

CEREMONY_LASTS = timedelta(minutes=5)
REGISTER, LOGIN = "register", "login"
NAME_LENGTH = 60

__all__ = ["Refused", "RelyingParty"]


def passkeys_of(account_id: int, rp: RelyingParty | None = None) -> list[StaffPasskey]:
    """The account's passkeys, of one host when rp is given, oldest first."""
    query = sa.select(StaffPasskey).where(StaffPasskey.account_id == account_id)
    if rp is not None:
        query = query.where(StaffPasskey.rp_id == rp.id)
    return list(db.session.scalars(query.order_by(StaffPasskey.created_at, StaffPasskey.id)))


def _issue(account: StaffAccount, purpose: str) -> bytes:
    account.ceremony = secrets.token_bytes(32)
    account.ceremony_purpose = purpose
    account.ceremony_expires_at = utcnow() + CEREMONY_LASTS
    return account.ceremony


def _take(account_id: int, purpose: str) -> bytes | None:
    account = db.session.scalar(
        sa.select(StaffAccount).where(StaffAccount.id == account_id).with_for_update()
    )
    if account is None or account.ceremony is None or account.ceremony_purpose != purpose:
        return None
    challenge, expires = account.ceremony, account.ceremony_expires_at
    account.ceremony = account.ceremony_purpose = account.ceremony_expires_at = None
    return challenge if expires is not None and expires > utcnow() else None


def _user_handle(account: StaffAccount, secret_key: str) -> str:
    # Keyed, so the handle tells an authenticator nothing of who the account is.
    message = f"staff-passkey-user\x1f{account.id}".encode()
    return bytes_to_base64url(hmac.new(secret_key.encode(), message, hashlib.sha256).digest())


def registration_options(account: StaffAccount, rp: RelyingParty, secret_key: str) -> str:
    """The JSON for navigator.credentials.create(), its challenge kept on the account."""
    challenge = _issue(account, REGISTER)
    exclude = [p.credential_id for p in passkeys_of(account.id, rp)]
    handle = _user_handle(account, secret_key)
    return webauthn.creation_options(
        rp, challenge, handle, account.email, account.name, exclude, resident=False
    )


def register(account_id: int, rp: RelyingParty, credential: dict, name: str) -> StaffPasskey:
    """Store the passkey the browser made for the account's open ceremony; else Refused."""
    challenge = _take(account_id, REGISTER)
    if challenge is None:
        raise Refused("no ceremony under way")
    made = webauthn.verify_creation(rp, challenge, credential)
    taken = sa.select(StaffPasskey.id).where(StaffPasskey.credential_id == made.id)
    if db.session.scalar(taken) is not None:
        raise Refused("this credential is registered already")
    passkey = StaffPasskey(
        account_id=account_id,
        credential_id=made.id,
        public_key=made.public_key,
        sign_count=made.sign_count,
        transports=made.transports,
        rp_id=rp.id,
        name=name.strip()[:NAME_LENGTH] or None,
    )
    db.session.add(passkey)
    db.session.flush()
    return passkey


def login_options(account: StaffAccount, rp: RelyingParty) -> str | None:
    """The JSON for navigator.credentials.get() with the account's passkeys of this host;
    None when it has none here."""
    allow = [p.credential_id for p in passkeys_of(account.id, rp)]
    if not allow:
        return None
    return webauthn.request_options(rp, _issue(account, LOGIN), allow)


def authenticate(account_id: int, rp: RelyingParty, credential: dict) -> StaffPasskey:
    """The account's passkey of this host that signed its open login challenge; else Refused."""
    challenge = _take(account_id, LOGIN)
    if challenge is None:
        raise Refused("no ceremony under way")
    passkey = db.session.scalar(
        sa.select(StaffPasskey).where(
            StaffPasskey.credential_id == webauthn.credential_id(credential),
            StaffPasskey.account_id == account_id,
            StaffPasskey.rp_id == rp.id,
        )
    )
    if passkey is None:
        raise Refused("not a passkey of this account on this host")
    counter = webauthn.verify_assertion(
        rp, challenge, credential, passkey.public_key, passkey.sign_count
    )
    passkey.sign_count, passkey.last_used_at = counter, utcnow()
    return passkey


def remove(account_id: int, passkey_id: int) -> StaffPasskey | None:
    """Delete one of the account's own passkeys; None when it is not theirs."""
    passkey = db.session.scalar(
        sa.select(StaffPasskey).where(
            StaffPasskey.id == passkey_id, StaffPasskey.account_id == account_id
        )
    )
    if passkey is not None:
        db.session.delete(passkey)
        db.session.flush()
    return passkey
