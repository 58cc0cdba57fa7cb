"""Confirming an action by a one-time SMS code to the phone on record, for any feature.

Someone who learnt a password could otherwise act in the owner's name (take a trust
payment, change the tariff); the code goes to the phone on record, never to one typed in
the request. The feature names its purpose and what the code is for (the flow), and words
the SMS itself; sending limits and the code's checks are the same for all.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from app.tenancy.registry import Tenant

from . import verification
from .subscribers import Subscriber
from .verification import Challenge, Outcome, over_limit


@dataclass(frozen=True)
class CodeSent:
    """A code went out (handle), or why not: no phone on record, or wait this many minutes."""

    handle: str | None = None
    wait_minutes: int | None = None
    no_phone: bool = False


def send_code(
    tenant: Tenant,
    subscriber: Subscriber,
    purpose: str,
    flow: str,
    deliver: Callable[[str, str, int], None],
) -> CodeSent:
    """Issue a code for (purpose, flow) and hand it to deliver(phone, code, minutes), within
    the tenant's sending limits. Caller commits."""
    phone = subscriber.phone
    if not phone:
        return CodeSent(no_phone=True)
    limits = tenant.config.recovery.limits
    wait = over_limit(
        [
            (limits.account, f"{purpose}:{tenant.slug}:{subscriber.id}"),
            (limits.destination, f"destination:{phone}"),
        ]
    )
    if wait is not None:
        return CodeSent(wait_minutes=wait)
    code = verification.new_code()
    minutes = tenant.config.recovery.code_minutes
    issued = verification.issue(
        tenant.slug, subscriber.id, purpose, flow, "sms", phone, timedelta(minutes=minutes), code
    )
    deliver(phone, code, minutes)
    return CodeSent(handle=issued.handle)


def check(
    tenant: Tenant, subscriber_id: int, handle: str, typed: str, purpose: str, prefix: str
) -> tuple[Outcome, str | None, Challenge | None]:
    """Check a typed code; on success (Outcome.OK, the flow after prefix, the challenge to
    spend with verification.use once the action is done). The caller commits, also when the
    code is wrong, so the wrong guess is counted."""
    outcome = verification.check_code(
        tenant.slug, handle, typed, tenant.config.recovery.max_guesses
    )
    if outcome != Outcome.OK:
        return outcome, None, None
    challenge = verification.verified(tenant.slug, handle)
    if (
        challenge is None
        or challenge.subscriber_id != subscriber_id
        or challenge.purpose != purpose
        or not challenge.flow.startswith(prefix)
    ):
        return Outcome.GONE, None, None
    return outcome, challenge.flow.removeprefix(prefix), challenge
