"""Confirming a promised payment by an SMS code, where the ISP asks for it.

Someone who learnt a password could otherwise take a trust payment in the owner's name;
the code goes to the phone on record, never to one typed in the request.
"""

from dataclasses import dataclass
from datetime import timedelta

import app.notify.service as notify
from app.core import verification
from app.core.subscribers import Account, Subscriber, account_of
from app.core.verification import Outcome, over_limit
from app.tenancy.registry import Tenant

from . import promised

PURPOSE = "promised"
FLOW_PREFIX = "promised:"


@dataclass(frozen=True)
class CodeSent:
    """A code went out (handle), or why not: no phone on record, or wait this many minutes."""

    handle: str | None = None
    wait_minutes: int | None = None
    no_phone: bool = False


def send_code(tenant: Tenant, subscriber: Subscriber, account: Account, amount: int) -> CodeSent:
    """Text a one-time code for taking a promised payment on this account. Caller commits."""
    phone = subscriber.phone
    if not phone:
        return CodeSent(no_phone=True)
    limits = tenant.config.recovery.limits
    wait = over_limit(
        [
            (limits.account, f"promised:{tenant.slug}:{subscriber.id}"),
            (limits.destination, f"destination:{phone}"),
        ]
    )
    if wait is not None:
        return CodeSent(wait_minutes=wait)
    code = verification.new_code()
    minutes = tenant.config.recovery.code_minutes
    issued = verification.issue(
        tenant.slug,
        subscriber.id,
        PURPOSE,
        f"{FLOW_PREFIX}{account.id}",
        "sms",
        phone,
        timedelta(minutes=minutes),
        code,
    )
    notify.send_promised_code(tenant, phone, code, amount, account.number, minutes)
    return CodeSent(handle=issued.handle)


def confirm(tenant: Tenant, subscriber_id: int, handle: str, typed: str):
    """Check the typed code and, if right, take the promised payment it was sent for.

    Returns (Outcome, PromisedPayment | Refusal | None). The caller commits, also when the
    code is wrong, so the wrong guess is counted.
    """
    outcome = verification.check_code(
        tenant.slug, handle, typed, tenant.config.recovery.max_guesses
    )
    if outcome != Outcome.OK:
        return outcome, None
    challenge = verification.verified(tenant.slug, handle)
    if (
        challenge is None
        or challenge.subscriber_id != subscriber_id
        or challenge.purpose != PURPOSE
        or not challenge.flow.startswith(FLOW_PREFIX)
    ):
        return Outcome.GONE, None
    account_id = int(challenge.flow.removeprefix(FLOW_PREFIX))
    account = account_of(tenant, subscriber_id, account_id)
    if account is None:
        return Outcome.GONE, None
    verification.use(challenge)
    return outcome, promised.take(tenant, account.id)
