"""Who may log in: finding a subscriber by any login, checking passwords, session tokens."""

import hmac
import secrets
from dataclasses import dataclass
from functools import cache

import sqlalchemy as sa
from flask_login import UserMixin

from app.core import passwords
from app.core.identifiers import candidates, normalise
from app.core.scoped import get_owned
from app.core.signals import password_changed
from app.core.subscribers import LoginIdentifier, Subscriber
from app.extensions import db
from app.persistence import utcnow
from app.tenancy.registry import Tenant
from app.tenancy.schema import IdentifierKind

from .models import Credential


@dataclass
class SessionUser(UserMixin):
    """The logged-in subscriber as the session knows them; the id carries the session token."""

    subscriber_id: int
    tenant: str
    token: str
    must_change_password: bool
    name: str
    locale: str | None
    region: str | None = None  # the subscriber's own region code, as on record

    def get_id(self) -> str:
        return f"{self.subscriber_id}:{self.token}"


def find_subscriber_id(tenant: Tenant, raw_login: str) -> int | None:
    """The subscriber a typed login names within this tenant, by any allowed identifier."""
    pairs = candidates(tenant.config.login.identifiers, raw_login, tenant.config.phone_region)
    if not pairs:
        return None
    matches = db.session.scalars(
        sa.select(LoginIdentifier.subscriber_id).where(
            LoginIdentifier.tenant == tenant.slug,
            sa.tuple_(LoginIdentifier.kind, LoginIdentifier.value).in_(pairs),
        )
    ).all()
    # One typed value naming two people (say, one's phone is another's nickname) logs in no one.
    return matches[0] if len(set(matches)) == 1 else None


def authenticate(tenant: Tenant, raw_login: str, password: str, profile: str) -> int | None:
    """The subscriber id when login and password match; same work whether or not they exist."""
    subscriber_id = find_subscriber_id(tenant, raw_login)
    credential = get_owned(Credential, tenant, subscriber_id)
    stored = credential.password_hash if credential else None
    if not passwords.verify(profile, stored, password) or credential is None:
        return None
    if passwords.hasher(profile).check_needs_rehash(credential.password_hash):
        credential.password_hash = passwords.hasher(profile).hash(password)
    return credential.subscriber_id


@cache
def _session_query() -> sa.Select:
    # Built once: every request of a logged-in subscriber runs it.
    return (
        sa.select(Subscriber, Credential)
        .join(Credential, Credential.subscriber_id == Subscriber.id)
        .where(
            Subscriber.id == sa.bindparam("subscriber_id"),
            Subscriber.tenant == sa.bindparam("tenant"),
        )
    )


def load_session_user(tenant_slug: str, user_id: str) -> SessionUser | None:
    """The session's subscriber if its token is still live and it belongs to this tenant."""
    subscriber_part, _, token = user_id.partition(":")
    if not subscriber_part.isdigit() or not token:
        return None
    row = db.session.execute(
        _session_query(), {"subscriber_id": int(subscriber_part), "tenant": tenant_slug}
    ).first()
    if row is None:
        return None
    subscriber, credential = row
    if not hmac.compare_digest(credential.session_token, token):
        return None
    return session_user(subscriber, credential)


def session_user(subscriber: Subscriber, credential: Credential) -> SessionUser:
    """Build the session's view of a subscriber."""
    return SessionUser(
        subscriber_id=subscriber.id,
        tenant=subscriber.tenant,
        token=credential.session_token,
        must_change_password=credential.is_temporary,
        name=subscriber.display_name,
        locale=subscriber.locale,
        region=subscriber.region,
    )


def start_session(tenant_slug: str, subscriber_id: int) -> SessionUser:
    """A fresh session token for a login; sessions already open elsewhere stay valid."""
    subscriber = get_owned(Subscriber, tenant_slug, subscriber_id)
    credential = get_owned(Credential, tenant_slug, subscriber_id)
    if subscriber is None or credential is None:
        raise LookupError("no such subscriber in this tenant")
    return session_user(subscriber, credential)


def end_all_sessions(tenant: Tenant, subscriber_id: int) -> None:
    """Invalidate every session of this subscriber, on every device."""
    credential = get_owned(Credential, tenant, subscriber_id)
    if credential is not None:
        credential.session_token = secrets.token_urlsafe(32)


def check_password(tenant: Tenant, subscriber_id: int, password: str, profile: str) -> bool:
    """Whether password is this subscriber's current one."""
    credential = get_owned(Credential, tenant, subscriber_id)
    return passwords.verify(profile, credential.password_hash if credential else None, password)


def set_password(
    tenant: Tenant,
    subscriber_id: int,
    password: str,
    profile: str,
    temporary: bool = False,
    reason: str = "changed",
) -> Credential:
    """Store a new password (hashed), end every other session of the subscriber, and say so
    (password_changed; reason: "changed" by the subscriber, "reset", "temporary", "issued")."""
    credential = get_owned(Credential, tenant, subscriber_id)
    password_hash = passwords.hasher(profile).hash(password)
    if credential is None:
        credential = Credential(tenant=tenant.slug, subscriber_id=subscriber_id, session_token="")
        db.session.add(credential)
    credential.password_hash = password_hash
    credential.is_temporary = temporary
    credential.changed_at = utcnow()
    credential.session_token = secrets.token_urlsafe(32)
    db.session.flush()
    password_changed.send(tenant, subscriber_id=subscriber_id, reason=reason)
    return credential


def add_identifier(
    tenant: Tenant, subscriber_id: int, kind: IdentifierKind, raw: str
) -> LoginIdentifier:
    """Register a value the subscriber may log in with, stored in normalised form."""
    value = normalise(kind, raw, tenant.config.phone_region)
    if value is None:
        raise ValueError(f"{raw!r} is not a valid {kind.value}")
    identifier = LoginIdentifier(
        tenant=tenant.slug, subscriber_id=subscriber_id, kind=kind.value, value=value
    )
    db.session.add(identifier)
    return identifier
