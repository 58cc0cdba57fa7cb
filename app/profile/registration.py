"""Registering a cabinet for an existing contract: find it, send a link to its e-mail on
record, set the first password. Answers alike whether or not the contract exists."""

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

import app.auth.service as auth_service
import app.recovery.service as recovery
from app.core import verification
from app.core.scoped import get_owned
from app.core.subscribers import Subscriber, accounts_of
from app.core.verification import Challenge, over_limit
from app.tenancy.registry import Tenant
from app.tenancy.schema import IdentifierKind

PURPOSE = "register"
# Logins a new cabinet gets from the contract itself, when the tenant logs in with them.
CONTRACT_LOGINS = (IdentifierKind.ACCOUNT, IdentifierKind.CONTRACT, IdentifierKind.EMAIL)


class Reply(StrEnum):
    """What goes to the e-mail on record; NOTHING for a request that named no contract."""

    NOTHING = "nothing"
    LINK = "link"
    EXISTS = "exists"


@dataclass(frozen=True)
class Prepared:
    reply: Reply = Reply.NOTHING
    destination: str | None = None
    secret: str | None = None
    wait_minutes: int | None = None


def _typed_key(tenant: Tenant, typed: dict[str, str]) -> str:
    text = "|".join(f"{k}={' '.join(v.split()).casefold()}" for k, v in sorted(typed.items()))
    return f"register:{tenant.slug}:{hashlib.sha256(text.encode()).hexdigest()}"


def prepare(tenant: Tenant, typed: dict[str, str], address: str) -> Prepared:
    """Apply the recovery limits, find the contract and decide what to mail (or a decoy)."""
    limits = tenant.config.recovery.limits
    wait = over_limit(
        [
            (limits.address, f"address:{tenant.slug}:{address}"),
            (limits.tenant, f"tenant:{tenant.slug}"),
            (limits.account, _typed_key(tenant, typed)),
        ]
    )
    if wait is not None:
        return Prepared(wait_minutes=wait)
    rules = tenant.config.profile.registration
    subscriber_id = recovery.find_named(tenant, rules.find_by, typed)
    if auth_service.is_shared_demo(tenant, subscriber_id):
        subscriber_id = None
    subscriber = get_owned(Subscriber, tenant, subscriber_id) if subscriber_id else None
    destination = subscriber.email if subscriber else None
    if destination and over_limit([(limits.destination, f"destination:{destination}")]):
        destination = None  # quietly: a 429 here would tell that the contract exists
    owner = subscriber_id if destination else None
    if owner is not None and auth_service.has_cabinet(tenant, owner):
        return Prepared(Reply.EXISTS, destination)
    token = verification.new_token()
    # A decoy challenge too, so a request that found nothing does the same work.
    verification.issue(
        tenant.slug,
        owner,
        PURPOSE,
        "register",
        "email",
        destination,
        timedelta(minutes=rules.link_minutes),
        token,
    )
    if owner is None:
        return Prepared()
    return Prepared(Reply.LINK, destination, token)


def open_link(tenant: Tenant, token: str) -> tuple[verification.Outcome, Challenge | None]:
    """The live registration challenge a link points at, unless the cabinet exists by now."""
    outcome, challenge = verification.by_link_token(tenant.slug, token, PURPOSE)
    if challenge is not None and auth_service.has_cabinet(tenant, challenge.subscriber_id):
        return verification.Outcome.GONE, None
    return outcome, challenge


def complete(tenant: Tenant, challenge: Challenge, password: str, profile: str) -> list[str]:
    """Set the first password, spend the link, give the cabinet the contract's logins;
    returns the logins to tell the subscriber."""
    verification.use(challenge)
    subscriber_id = challenge.subscriber_id
    auth_service.set_password(tenant, subscriber_id, password, profile, reason="registered")
    kinds = {i.kind for i in tenant.config.login.identifiers}
    subscriber = get_owned(Subscriber, tenant, subscriber_id)
    for kind in CONTRACT_LOGINS:
        if kind not in kinds or auth_service.identifiers_of(tenant, subscriber_id, kind):
            continue
        for value in _values(tenant, subscriber, kind):
            if not auth_service.taken_by_other(tenant, subscriber_id, value):
                auth_service.add_identifier(tenant, subscriber_id, kind, value)
    return recovery.login_names(tenant, subscriber_id)


def _values(tenant: Tenant, subscriber: Subscriber, kind: IdentifierKind) -> list[str]:
    if kind == IdentifierKind.EMAIL:
        return [subscriber.email] if subscriber.email else []
    accounts = accounts_of(tenant, subscriber.id)
    if kind == IdentifierKind.ACCOUNT:
        return [a.number for a in accounts]
    return [a.contract.number for a in accounts]
