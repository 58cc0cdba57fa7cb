"""Finding a subscriber of the tenant for the console, and the support actions on one.

Staff type whatever the caller gives them: a login in any of its forms, a contract or an
account number, a phone, an e-mail, a piece of the address or of the name. Every query
names the tenant: another ISP's subscriber is never found.
"""

import re
from dataclasses import dataclass

import sqlalchemy as sa

import app.auth.service as auth_service
import app.notify.service as notify
import app.recovery.service as recovery
from app.core import identifiers
from app.core.signals import login_unlocked
from app.core.subscribers import Account, Contract, LoginIdentifier, ServicePoint, Subscriber
from app.extensions import db
from app.tenancy.registry import Tenant
from app.tenancy.schema import IdentifierKind

PAGE_SIZE = 25
# The flow a temporary password issued from the console is filed under (recovery's
# challenges name the flow they came from; this one came from no recovery form).
CONSOLE_FLOW = "console"
_WORDS = re.compile(r"\S+")


@dataclass(frozen=True)
class Found:
    """One page of subscribers a search found, and whether there is a next one."""

    subscribers: list[Subscriber]
    page: int
    more: bool


def _fold(column) -> sa.ColumnElement:
    """The column in lower case, Cyrillic too (SQLite's own lower() knows ASCII only)."""
    if db.session.get_bind().dialect.name != "sqlite":
        return sa.func.lower(column)
    raw = db.session.connection().connection.dbapi_connection
    raw.create_function("portal_casefold", 1, _casefold, deterministic=True)
    return sa.func.portal_casefold(column)


def _casefold(value: str | None) -> str | None:
    return value.lower() if value is not None else None


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _by_identifier(tenant: Tenant, typed: str) -> sa.ColumnElement:
    """Subscribers whom the typed text names exactly: any login, contract, account, contact."""
    region = tenant.config.phone_region
    found = set()
    login = auth_service.find_subscriber_id(tenant, typed)
    if login is not None:
        found.add(login)
    pairs = [
        (kind.value, value)
        for kind in IdentifierKind
        if (value := identifiers.normalise(kind, typed, region)) is not None
    ]
    number = identifiers.normalise(IdentifierKind.CONTRACT, typed, region)
    phone = identifiers.normalise(IdentifierKind.PHONE, typed, region)
    email = identifiers.normalise(IdentifierKind.EMAIL, typed, region)
    conditions = [Subscriber.id.in_(found)] if found else []
    if pairs:
        conditions.append(
            Subscriber.id.in_(
                sa.select(LoginIdentifier.subscriber_id).where(
                    LoginIdentifier.tenant == tenant.slug,
                    sa.tuple_(LoginIdentifier.kind, LoginIdentifier.value).in_(pairs),
                )
            )
        )
    if number:
        conditions.append(
            Subscriber.id.in_(
                sa.select(Contract.subscriber_id)
                .outerjoin(Account, Account.contract_id == Contract.id)
                .where(
                    Contract.tenant == tenant.slug,
                    sa.or_(sa.func.upper(Contract.number) == number, Account.number == number),
                )
            )
        )
    if phone:
        conditions.append(Subscriber.phone == phone)
    if email:
        conditions.append(_fold(Subscriber.email) == email)
    return sa.or_(*conditions) if conditions else sa.false()


def _by_words(tenant: Tenant, typed: str) -> sa.ColumnElement:
    """Subscribers whose name or a service point's address holds every typed word."""
    words = _WORDS.findall(typed)[:6]
    if not words:
        return sa.false()
    names = (Subscriber.surname, Subscriber.first_name, Subscriber.patronymic)
    by_name = sa.and_(
        *(
            sa.or_(
                *(_fold(c).like(_like(w), escape="\\") for c in names),
                _fold(Subscriber.organisation).like(_like(w), escape="\\"),
            )
            for w in words
        )
    )
    address = _fold(ServicePoint.address)
    by_address = Subscriber.id.in_(
        sa.select(Contract.subscriber_id)
        .join(Account, Account.contract_id == Contract.id)
        .join(ServicePoint, ServicePoint.account_id == Account.id)
        .where(
            ServicePoint.tenant == tenant.slug,
            *(address.like(_like(w.strip(",.")), escape="\\") for w in words),
        )
    )
    return sa.or_(by_name, by_address)


def search(tenant: Tenant, typed: str, page: int = 1) -> Found:
    """Subscribers of this tenant that typed names, by identifier, name or address; paged."""
    typed = " ".join((typed or "").split())[:200]
    if not typed:
        return Found([], 1, False)
    page = max(page, 1)
    query = (
        sa.select(Subscriber)
        .where(
            Subscriber.tenant == tenant.slug,
            sa.or_(_by_identifier(tenant, typed), _by_words(tenant, typed)),
        )
        .order_by(Subscriber.surname, Subscriber.first_name, Subscriber.id)
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE + 1)
    )
    rows = list(db.session.scalars(query))
    return Found(rows[:PAGE_SIZE], page, len(rows) > PAGE_SIZE)


def contacts(subscriber: Subscriber, region: str) -> list[str]:
    """The phone (in E.164) and e-mail on record: what the outbox names as recipients."""
    found = []
    if subscriber.phone and (phone := identifiers.normalise_phone(subscriber.phone, region)):
        found.append(phone)
    if subscriber.email:
        found.append(subscriber.email.strip().lower())
    return found


def messages_to(tenant: Tenant, subscriber: Subscriber, page: int = 1) -> tuple[list, bool]:
    """The messages queued to the subscriber's contacts, newest first; (page, more)."""
    recipients = contacts(subscriber, tenant.config.phone_region)
    return notify.messages_to(tenant, recipients, page, PAGE_SIZE)


def message_to(tenant: Tenant, subscriber: Subscriber, message_id: int):
    """One message of the outbox, only when it went to this subscriber of this tenant."""
    return notify.message_to(tenant, contacts(subscriber, tenant.config.phone_region), message_id)


def refuse_shared_demo(tenant: Tenant, subscriber: Subscriber) -> None:
    """403 for a support action on a shared demo account (app.auth.service)."""
    auth_service.refuse_if_shared_demo(tenant, subscriber.id)


def issue_temporary_password(tenant: Tenant, subscriber: Subscriber) -> str | None:
    """Send a one-time temporary password by SMS to the phone on record; the phone it went
    to, or None when there is none. Like recovery's: the current password keeps working
    until the subscriber logs in with the new one and chooses their own."""
    refuse_shared_demo(tenant, subscriber)
    phone = identifiers.normalise_phone(subscriber.phone or "", tenant.config.phone_region)
    if phone is None:
        return None
    secret = recovery.issue_temporary_password(tenant, subscriber.id, "sms", phone, CONSOLE_FLOW)
    notify.send_temporary_password(tenant, "sms", phone, secret)
    return phone


def unlock(tenant: Tenant, subscriber: Subscriber) -> None:
    """Give the subscriber back their whole budget of failed logins (app.auth.limits)."""
    refuse_shared_demo(tenant, subscriber)
    login_unlocked.send(tenant, subscriber_id=subscriber.id)


def end_sessions(tenant: Tenant, subscriber: Subscriber) -> int:
    """Log the subscriber out on every device; how many sessions ended."""
    refuse_shared_demo(tenant, subscriber)
    return auth_service.end_all_sessions(tenant, subscriber.id)
