"""Recovery decisions: who is asking, what to send where, and finishing the reset."""

import hashlib
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

import app.auth.service as auth_service
from app.core import audit, confirmation, verification
from app.core.scoped import get_owned
from app.core.subscribers import LoginIdentifier, Subscriber
from app.core.verification import Challenge, over_limit
from app.extensions import db
from app.persistence import utcnow
from app.tenancy.registry import Tenant
from app.tenancy.schema import Delivery, FindBy, IdentifierKind, RecoveryFlow

from .lookup import find_subscriber
from .models import OptIn, Purpose

# Said when a phone or e-mail is another subscriber's login; it does not say whose, nor
# that anyone has it.
CONTACT_REFUSED = _l("This one cannot be used for your account. Please enter another one.")

SMS_DELIVERIES = {Delivery.SMS_CODE, Delivery.SMS_TEMPORARY_PASSWORD}
TEMPORARY_DELIVERIES = {Delivery.SMS_TEMPORARY_PASSWORD, Delivery.EMAIL_TEMPORARY_PASSWORD}


def channel_of(delivery: Delivery) -> str:
    return "sms" if delivery in SMS_DELIVERIES else "email"


@dataclass(frozen=True)
class Prepared:
    """What a recovery request came to. Looks the same whether or not an account matched."""

    delivery: Delivery
    handle: str | None = None
    subscriber_id: int | None = None
    destination: str | None = None
    secret: str | None = None
    wait_minutes: int | None = None


def _typed_key(tenant: Tenant, flow: RecoveryFlow, typed: dict[str, str]) -> str:
    text = "|".join(f"{k}={' '.join(v.split()).casefold()}" for k, v in sorted(typed.items()))
    return f"{tenant.slug}:{flow.code}:{hashlib.sha256(text.encode()).hexdigest()}"


def contact(tenant: Tenant, subscriber: Subscriber, channel: str, flow: RecoveryFlow) -> str | None:
    """The phone or e-mail on record for a channel; with opt-in, only a confirmed one."""
    value = subscriber.phone if channel == "sms" else subscriber.email
    if not value or not flow.requires_opt_in:
        return value
    opt_in = get_owned(OptIn, tenant, subscriber.id)
    confirmed = (opt_in.phone if channel == "sms" else opt_in.email) if opt_in else None
    return value if confirmed == value else None


def prepare(
    tenant: Tenant, flow: RecoveryFlow, delivery: Delivery, typed: dict[str, str], address: str
) -> Prepared:
    """Apply the limits, find the account and make the secret to send (or a decoy)."""
    limits = tenant.config.recovery.limits
    wait = over_limit(
        [
            (limits.address, f"address:{tenant.slug}:{address}"),
            (limits.tenant, f"tenant:{tenant.slug}"),
            (limits.account, f"typed:{_typed_key(tenant, flow, typed)}"),
        ]
    )
    if wait is not None:
        return Prepared(delivery, wait_minutes=wait)
    channel = channel_of(delivery)
    subscriber_id = find_subscriber(tenant, flow.find_by, typed)
    if auth_service.is_shared_demo(tenant, subscriber_id):
        # Everyone knows its contract and name: answer as for anyone, but send and change
        # nothing, so no visitor can take the shared demo account from the others.
        subscriber_id = None
    subscriber = get_owned(Subscriber, tenant, subscriber_id) if subscriber_id else None
    destination = contact(tenant, subscriber, channel, flow) if subscriber else None
    if destination and over_limit([(limits.destination, f"destination:{destination}")]):
        destination = None  # quietly: a 429 here would tell that the account exists
    owner = subscriber_id if destination else None
    settings = tenant.config.recovery
    if delivery in TEMPORARY_DELIVERIES:
        # An extra, one-time credential: the current password and sessions stay as they
        # are until the person who got it has set a new password (see redeem_temporary).
        purpose = Purpose.TEMPORARY
        secret = verification.new_temporary_password()
        minutes = settings.temporary_password_minutes
    else:
        purpose = Purpose.RESET
        secret = verification.new_code() if channel == "sms" else verification.new_token()
        minutes = settings.code_minutes if channel == "sms" else settings.link_minutes
    issued = verification.issue(
        tenant.slug,
        owner,
        purpose,
        flow.code,
        channel,
        destination,
        timedelta(minutes=minutes),
        secret,
    )
    return Prepared(delivery, issued.handle, owner, destination, secret)


def issue_temporary_password(
    tenant: Tenant, subscriber_id: int, channel: str, destination: str, flow: str
) -> str:
    """A one-time temporary password for the subscriber, issued as recovery issues its own
    (staff send one from the console); the secret to send. The current password and
    sessions stay until it is used at login to set a new one (redeem_temporary)."""
    secret = verification.new_temporary_password()
    minutes = tenant.config.recovery.temporary_password_minutes
    verification.issue(
        tenant.slug,
        subscriber_id,
        Purpose.TEMPORARY,
        flow,
        channel,
        destination,
        timedelta(minutes=minutes),
        secret,
    )
    return secret


def redeem_temporary(tenant: Tenant, typed_login: str, password: str) -> tuple[str, str] | None:
    """(handle, flow) of the challenge when password is a live temporary password of the
    subscriber the login names; spent for logging in, it now only opens the new-password
    step."""
    subscriber_id = auth_service.find_subscriber_id(tenant, typed_login)
    if subscriber_id is None:
        return None
    settings = tenant.config.recovery
    challenge = verification.redeem(
        tenant.slug, subscriber_id, Purpose.TEMPORARY, password, settings.max_guesses
    )
    if challenge is None:
        return None
    # Typed in the temporary password's last minute, it still leaves time to choose one.
    challenge.expires_at = max(
        challenge.expires_at, utcnow() + timedelta(minutes=settings.code_minutes)
    )
    return challenge.handle, challenge.flow


def complete_reset(tenant: Tenant, challenge: Challenge, password: str, profile: str) -> int:
    """Set the new password, spend the challenge and end every session of the subscriber."""
    verification.use(challenge)
    auth_service.set_password(tenant, challenge.subscriber_id, password, profile, reason="reset")
    return challenge.subscriber_id


def other_channel(subscriber: Subscriber, used: str) -> tuple[str, str] | None:
    """Where to send «your password was changed»: the channel not used for the reset."""
    if used == "sms" and subscriber.email:
        return "email", subscriber.email
    if used == "email" and subscriber.phone:
        return "sms", subscriber.phone
    return None


def login_names(tenant: Tenant, subscriber_id: int) -> list[str]:
    """The logins a subscriber may type, to remind them after a reset."""
    kinds = [i.kind.value for i in tenant.config.login.identifiers]
    rows = db.session.execute(
        sa.select(LoginIdentifier.kind, LoginIdentifier.value).where(
            LoginIdentifier.tenant == tenant.slug,
            LoginIdentifier.subscriber_id == subscriber_id,
        )
    ).all()
    return [value for kind, value in sorted(rows, key=lambda r: kinds.index(r[0])) if kind in kinds]


def start_contact_confirmation(
    tenant: Tenant, subscriber_id: int, channel: str, value: str
) -> verification.Issued | int | None:
    """Send-ready code proving the subscriber owns value; minutes to wait when limited;
    None when another subscriber of the tenant logs in with value (the caller says so in
    words that do not name them). The profile and the recovery contacts both come here."""
    limits = tenant.config.recovery.limits
    wait = over_limit(
        [(limits.account, f"contact:{subscriber_id}"), (limits.destination, f"destination:{value}")]
    )
    if wait is not None:
        return wait
    if auth_service.taken_by_other(tenant, subscriber_id, value):
        return None
    minutes = tenant.config.recovery.code_minutes
    return verification.issue(
        tenant.slug,
        subscriber_id,
        Purpose.CONTACT,
        "contact",
        channel,
        value,
        timedelta(minutes=minutes),
        verification.new_code(),
    )


def find_named(tenant: Tenant, find_by: tuple[FindBy, ...], typed: dict[str, str]) -> int | None:
    """The one subscriber matching every typed field, as a recovery flow finds them."""
    return find_subscriber(tenant, find_by, typed)


def finish_contact_confirmation(
    tenant: Tenant, subscriber_id: int, handle: str, typed: str
) -> verification.Outcome:
    """Check the code typed for a new phone or e-mail and, when it is right, store it (the
    caller commits, also a wrong guess so that it counts)."""
    outcome, _flow, challenge = confirmation.check(
        tenant, subscriber_id, handle, typed, Purpose.CONTACT, "contact"
    )
    if challenge is not None:
        confirm_contact(tenant, subscriber_id, challenge)
    return outcome


def confirm_contact(tenant: Tenant, subscriber_id: int, challenge: Challenge) -> None:
    """Store a proven phone or e-mail and switch recovery on for it."""
    subscriber = get_owned(Subscriber, tenant, subscriber_id)
    value = challenge.destination
    verification.use(challenge)
    kind = IdentifierKind.PHONE if challenge.channel == "sms" else IdentifierKind.EMAIL
    field = "phone" if challenge.channel == "sms" else "email"
    before, after = {field: getattr(subscriber, field)}, {field: value}
    # The same contact proven again (for recovery) is a confirmation, not a change.
    action = f"contact.{field}_{'confirmed' if before == after else 'changed'}"
    audit.record(tenant.slug, action, subscriber_id=subscriber_id, before=before, after=after)
    setattr(subscriber, field, value)
    _replace_login(tenant, subscriber_id, kind, value)
    opt_in = get_owned(OptIn, tenant, subscriber_id) or OptIn(
        tenant=tenant.slug, subscriber_id=subscriber_id
    )
    if challenge.channel == "sms":
        opt_in.phone = value
    else:
        opt_in.email = value
    opt_in.updated_at = utcnow()
    db.session.add(opt_in)


def _replace_login(tenant: Tenant, subscriber_id: int, kind: IdentifierKind, value: str) -> None:
    if kind not in {i.kind for i in tenant.config.login.identifiers}:
        return
    db.session.execute(
        sa.delete(LoginIdentifier).where(
            LoginIdentifier.tenant == tenant.slug,
            LoginIdentifier.subscriber_id == subscriber_id,
            LoginIdentifier.kind == kind.value,
        )
    )
    taken = db.session.scalar(
        sa.select(LoginIdentifier.id).where(
            LoginIdentifier.tenant == tenant.slug,
            LoginIdentifier.kind == kind.value,
            LoginIdentifier.value == value,
        )
    )
    if taken is None:  # a value another subscriber logs in with stays theirs
        auth_service.add_identifier(tenant, subscriber_id, kind, value)


def switch_on(tenant: Tenant, subscriber: Subscriber, channels: tuple[str, ...]) -> None:
    """Mark the subscriber's current phone and/or e-mail as confirmed for recovery."""
    opt_in = get_owned(OptIn, tenant, subscriber.id) or OptIn(
        tenant=tenant.slug, subscriber_id=subscriber.id
    )
    if "sms" in channels:
        opt_in.phone = subscriber.phone
    if "email" in channels:
        opt_in.email = subscriber.email
    db.session.add(opt_in)


def switch_off(tenant: Tenant, subscriber_id: int) -> None:
    """Turn recovery off again: no channel is confirmed any more."""
    opt_in = get_owned(OptIn, tenant, subscriber_id)
    if opt_in is not None:
        audit.record(tenant.slug, "recovery.switched_off", subscriber_id=subscriber_id)
        db.session.delete(opt_in)


def opt_in_state(tenant: Tenant, subscriber: Subscriber) -> dict[str, bool]:
    """Which of the subscriber's current contacts recovery may use."""
    opt_in = get_owned(OptIn, tenant, subscriber.id)
    return {
        "sms": bool(opt_in and subscriber.phone and opt_in.phone == subscriber.phone),
        "email": bool(opt_in and subscriber.email and opt_in.email == subscriber.email),
    }
