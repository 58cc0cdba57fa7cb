"""Confirming a promised payment by an SMS code, where the ISP asks for it."""

import app.notify.service as notify
from app.core import confirmation, verification
from app.core.confirmation import CodeSent
from app.core.subscribers import Account, Subscriber, account_of
from app.core.verification import Outcome
from app.tenancy.registry import Tenant

from . import promised

PURPOSE = "promised"
FLOW_PREFIX = "promised:"

__all__ = ["CodeSent", "confirm", "send_code"]


def send_code(tenant: Tenant, subscriber: Subscriber, account: Account, amount: int) -> CodeSent:
    """Text a one-time code for taking a promised payment on this account. Caller commits."""

    def deliver(phone: str, code: str, minutes: int) -> None:
        notify.send_promised_code(tenant, phone, code, amount, account.number, minutes)

    return confirmation.send_code(
        tenant, subscriber, PURPOSE, f"{FLOW_PREFIX}{account.id}", deliver
    )


def confirm(tenant: Tenant, subscriber_id: int, handle: str, typed: str):
    """Check the typed code and, if right, take the promised payment it was sent for.

    Returns (Outcome, PromisedPayment | Refusal | None). The caller commits, also when the
    code is wrong, so the wrong guess is counted.
    """
    outcome, flow, challenge = confirmation.check(
        tenant, subscriber_id, handle, typed, PURPOSE, FLOW_PREFIX
    )
    if outcome != Outcome.OK:
        return outcome, None
    account = account_of(tenant, subscriber_id, int(flow))
    if account is None:
        return Outcome.GONE, None
    verification.use(challenge)
    return outcome, promised.take(tenant, account.id)
