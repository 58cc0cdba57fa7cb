"""Who may log in: finding a subscriber by any login, checking passwords, their sessions."""

from dataclasses import dataclass
from datetime import datetime
from functools import cache

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from werkzeug.exceptions import Forbidden

from app.core import devices, linked, passwords
from app.core.devices import LoginSession
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
    """The logged-in subscriber as the session knows them; the id is the session's token."""

    subscriber_id: int
    tenant: str
    must_change_password: bool
    name: str
    locale: str | None
    region: str | None = None  # the subscriber's own region code, as on record
    shared_demo: bool = False  # a public demo account: see refuse_if_shared_demo
    session_id: int | None = None  # this browser's LoginSession, once begun
    token: str = ""
    # When this browser's session proved the password (or a passkey): at its login. None
    # for a session switched to from a linked cabinet, which proved nothing of this one's.
    signed_in_at: datetime | None = None
    # When the login this session descends from began: its absolute limit counts from here,
    # and switching to a linked cabinet carries it over rather than starting anew.
    began_at: datetime | None = None
    linked: bool = False  # linked with other cabinets (app.core.linked): the header offers a switch

    def get_id(self) -> str:
        return self.token


class SessionExpired(Exception):
    """The session was real but passed its idle or absolute limit."""


class SharedDemoRefused(Forbidden):
    """A change a shared demo account may not make (403, with the reason for the visitor)."""

    description = _l(
        "This is a public demo account shared by every visitor: its password, contacts "
        "and security settings cannot be changed."
    )


def is_shared_demo(tenant: Tenant | str, subscriber_id: int | None) -> bool:
    """Whether the subscriber is a shared demo account (demo.yaml `shared_demo`)."""
    subscriber = get_owned(Subscriber, tenant, subscriber_id)
    return bool(subscriber and subscriber.shared_demo)


def refuse_if_shared_demo(tenant: Tenant | str, subscriber_id: int | None) -> None:
    """Raise SharedDemoRefused before anything changes a shared demo account's password,
    contacts or security settings: the one check every such feature calls."""
    if is_shared_demo(tenant, subscriber_id):
        raise SharedDemoRefused()


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
    # Built once: every request of a logged-in subscriber runs it, the only query it adds.
    # The session's own tenant is compared with the host's here and nowhere else: the
    # cookie is signed with one key for every ISP, so only this keeps tenant A's session
    # from opening on tenant B's host. Whether the subscriber has linked cabinets comes
    # along as one EXISTS, so a subscriber without any pays no query for the header.
    return (
        sa.select(
            LoginSession,
            Subscriber,
            Credential,
            linked.has_links(Subscriber.id).label("linked"),
        )
        .join(Subscriber, Subscriber.id == LoginSession.subscriber_id)
        .join(Credential, Credential.subscriber_id == Subscriber.id)
        .where(
            LoginSession.token_hash == sa.bindparam("token_hash"),
            LoginSession.tenant == sa.bindparam("tenant"),
        )
    )


def load_session_user(tenant_slug: str, token: str) -> SessionUser | None:
    """The subscriber whose live session this token is, on this tenant; notes the use.

    Raises SessionExpired for a session past its idle or absolute limit."""
    if not token:
        return None
    row = db.session.execute(
        _session_query(), {"token_hash": devices.hash_token(token), "tenant": tenant_slug}
    ).first()
    if row is None:
        return None
    record, subscriber, credential, has_links = row
    now = devices.utcnow()
    if devices.expired(record, now):
        raise SessionExpired()
    devices.touch(record, now)
    user = session_user(subscriber, credential, record.id, token)
    user.began_at = record.created_at
    user.signed_in_at = None if record.method == devices.SWITCH else record.created_at
    user.linked = bool(has_links)
    return user


def session_user(
    subscriber: Subscriber, credential: Credential, session_id: int | None = None, token: str = ""
) -> SessionUser:
    """Build the session's view of a subscriber."""
    return SessionUser(
        subscriber_id=subscriber.id,
        tenant=subscriber.tenant,
        must_change_password=credential.is_temporary,
        name=subscriber.display_name,
        locale=subscriber.locale,
        region=subscriber.region,
        shared_demo=subscriber.shared_demo,
        session_id=session_id,
        token=token,
    )


def start_session(tenant_slug: str, subscriber_id: int) -> SessionUser:
    """The subscriber a new session is about to be begun for (app.web.login_session)."""
    subscriber = get_owned(Subscriber, tenant_slug, subscriber_id)
    credential = get_owned(Credential, tenant_slug, subscriber_id)
    if subscriber is None or credential is None:
        raise LookupError("no such subscriber in this tenant")
    return session_user(subscriber, credential)


def end_all_sessions(tenant: Tenant, subscriber_id: int, keep: int | None = None) -> int:
    """End every session of this subscriber on every device, but keep (a session id)."""
    return devices.end_sessions(tenant.slug, subscriber_id, keep=keep)


def record_failed_login(
    tenant: Tenant,
    raw_login: str,
    user_agent: str | None,
    address: str | None,
    method: str = "password",
) -> None:
    """Put a failed login into the history of the account the typed login names, if any."""
    subscriber_id = find_subscriber_id(tenant, raw_login)
    if subscriber_id is not None:
        devices.record_login(tenant.slug, subscriber_id, False, user_agent, address, method)


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
    keep_session: int | None = None,
) -> Credential:
    """Store a new password (hashed), end every session of the subscriber but keep_session
    (the browser that changed it), and say so (password_changed; reason: "changed" by the
    subscriber, "reset", "temporary", "issued")."""
    if reason != "issued":
        refuse_if_shared_demo(tenant, subscriber_id)
    credential = get_owned(Credential, tenant, subscriber_id)
    password_hash = passwords.hasher(profile).hash(password)
    if credential is None:
        credential = Credential(tenant=tenant.slug, subscriber_id=subscriber_id)
        db.session.add(credential)
    credential.password_hash = password_hash
    credential.is_temporary = temporary
    credential.changed_at = utcnow()
    devices.end_sessions(tenant.slug, subscriber_id, keep=keep_session)
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


def taken_by_other(tenant: Tenant, subscriber_id: int, raw: str) -> bool:
    """Whether raw, read as any kind of login the tenant accepts, already names another
    subscriber: it would make that login ambiguous (see find_subscriber_id)."""
    pairs = candidates(tenant.config.login.identifiers, raw, tenant.config.phone_region)
    pairs += [
        (kind.value, value)
        for kind in (IdentifierKind.PHONE, IdentifierKind.EMAIL, IdentifierKind.LOGIN)
        if (value := normalise(kind, raw, tenant.config.phone_region)) is not None
    ]
    owner = db.session.scalar(
        sa.select(LoginIdentifier.subscriber_id)
        .where(
            LoginIdentifier.tenant == tenant.slug,
            LoginIdentifier.subscriber_id != subscriber_id,
            sa.tuple_(LoginIdentifier.kind, LoginIdentifier.value).in_(pairs),
        )
        .limit(1)
    )
    return owner is not None


def identifiers_of(tenant: Tenant, subscriber_id: int, kind: IdentifierKind) -> list[str]:
    """The subscriber's stored logins of one kind."""
    return list(
        db.session.scalars(
            sa.select(LoginIdentifier.value).where(
                LoginIdentifier.tenant == tenant.slug,
                LoginIdentifier.subscriber_id == subscriber_id,
                LoginIdentifier.kind == kind.value,
            )
        )
    )


def replace_identifier(tenant: Tenant, subscriber_id: int, kind: IdentifierKind, raw: str) -> None:
    """Make raw the subscriber's only login of this kind: the old ones stop working."""
    db.session.execute(
        sa.delete(LoginIdentifier).where(
            LoginIdentifier.tenant == tenant.slug,
            LoginIdentifier.subscriber_id == subscriber_id,
            LoginIdentifier.kind == kind.value,
        )
    )
    add_identifier(tenant, subscriber_id, kind, raw)
    db.session.flush()


def has_cabinet(tenant: Tenant, subscriber_id: int) -> bool:
    """Whether the subscriber has a password, i.e. a cabinet to log in to."""
    return get_owned(Credential, tenant, subscriber_id) is not None
