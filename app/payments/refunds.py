"""Refunds of online payments to the card, asked for in the staff console.

The same four-eyes rule as the console's corrections (billing.staff.four_eyes_above): up to
that sum the staff member who asks sends it at once; above it, it waits until a second
staff member with the money right approves it. Once approved, the row is claimed (status
sending) and committed before the gateway is asked, so a second click or a second browser
cannot send it twice; what the gateway says then either debits the account through the
ledger (reference "refund:<id>", once) or leaves nothing debited. A refund is never more
than what is left of the payment, less refunds sent or waiting, checked under the
payment's row lock.
"""

import logging
from dataclasses import dataclass
from enum import StrEnum

import sqlalchemy as sa

from app.core import audit
from app.core.ledger import EntryKind, post_entry
from app.core.scoped import owned
from app.core.subscribers import holder_of
from app.extensions import db
from app.tenancy.registry import Tenant

from .models import Payment, PaymentRefund, PaymentStatus, RefundStatus
from .orders import refund_order
from .providers import ProviderUnavailable, get_provider

log = logging.getLogger("app.payments")
HELD = (RefundStatus.PENDING, RefundStatus.SENDING, RefundStatus.REFUNDED)


class RefundRefusal(StrEnum):
    NOT_PAID = "not_paid"  # the payment has not succeeded
    TOO_MUCH = "too_much"  # more than is left of the payment
    OWN_REQUEST = "own_request"  # four eyes: not the one who asked
    DECIDED = "decided"  # approved, refused or sent already


@dataclass(frozen=True)
class RefundOutcome:
    refund: PaymentRefund | None = None
    refusal: RefundRefusal | None = None
    left: int = 0  # kopecks still refundable, for a TOO_MUCH refusal


def _lock_payment(tenant: Tenant, payment_id: int) -> Payment | None:
    return db.session.scalar(
        owned(Payment, tenant)
        .where(Payment.id == payment_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def _lock_refund(tenant: Tenant, refund_id: int) -> tuple[PaymentRefund | None, Payment | None]:
    """The refund and its payment, both locked and read afresh: the payment's row first,
    always, as request_refund takes it, so two decisions never wait on each other."""
    payment_id = db.session.scalar(
        owned(PaymentRefund, tenant)
        .with_only_columns(PaymentRefund.payment_id)
        .where(PaymentRefund.id == refund_id)
    )
    if payment_id is None:
        return None, None
    payment = _lock_payment(tenant, payment_id)
    refund = db.session.scalar(
        owned(PaymentRefund, tenant)
        .where(PaymentRefund.id == refund_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return refund, payment


def unrefunded(tenant: Tenant, payment: Payment, but: int | None = None) -> int:
    """Kopecks of the payment not yet refunded nor waiting to be (but the refund `but`)."""
    held = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(PaymentRefund.amount), 0)).where(
            PaymentRefund.tenant == tenant.slug,
            PaymentRefund.payment_id == payment.id,
            PaymentRefund.status.in_([s.value for s in HELD]),
            PaymentRefund.id != but if but is not None else sa.true(),
        )
    )
    return payment.amount - held


def refunds_of(tenant: Tenant, payment_ids: list[int]) -> list[PaymentRefund]:
    """The refunds of these payments, newest first."""
    if not payment_ids:
        return []
    return list(
        db.session.scalars(
            owned(PaymentRefund, tenant)
            .where(PaymentRefund.payment_id.in_(payment_ids))
            .order_by(PaymentRefund.id.desc())
        )
    )


def request_refund(
    tenant: Tenant, payment_id: int, amount: int, staff_id: int, four_eyes_above: int
) -> RefundOutcome:
    """File a refund; approved by the asker at once up to `four_eyes_above`, else pending.
    The caller commits, and then sends an approved one (send_refund)."""
    if amount <= 0:
        raise ValueError("a refund is a positive number of kopecks")
    payment = _lock_payment(tenant, payment_id)
    if payment is None:
        raise LookupError(f"no payment {payment_id} in tenant {tenant.slug}")
    if payment.status != PaymentStatus.SUCCEEDED or not payment.provider_payment_id:
        return RefundOutcome(refusal=RefundRefusal.NOT_PAID)
    if amount > (left := unrefunded(tenant, payment)):
        return RefundOutcome(refusal=RefundRefusal.TOO_MUCH, left=left)
    at_once = amount <= four_eyes_above
    refund = PaymentRefund(
        tenant=tenant.slug,
        payment_id=payment.id,
        amount=amount,
        status=RefundStatus.SENDING if at_once else RefundStatus.PENDING,
        requested_by=staff_id,
        approved_by=staff_id if at_once else None,
    )
    db.session.add(refund)
    db.session.flush()
    _record(tenant, payment, refund, "payment.refund_requested")
    return RefundOutcome(refund)


def _to_decide(tenant: Tenant, refund_id: int, staff_id: int):
    """The refund and its payment, locked, and why this staff member may not decide on it
    (None: they may): four eyes, and only while it waits."""
    refund, payment = _lock_refund(tenant, refund_id)
    if refund is None:
        raise LookupError(f"no refund {refund_id} in tenant {tenant.slug}")
    if refund.status != RefundStatus.PENDING:
        return refund, payment, RefundRefusal.DECIDED
    if refund.requested_by == staff_id:
        return refund, payment, RefundRefusal.OWN_REQUEST
    return refund, payment, None


def approve_refund(tenant: Tenant, refund_id: int, staff_id: int) -> RefundOutcome:
    """Approve a waiting refund (someone other than who asked); the caller commits and then
    sends it (send_refund)."""
    refund, payment, refusal = _to_decide(tenant, refund_id, staff_id)
    if refusal is not None:
        return RefundOutcome(refund, refusal)
    if refund.amount > (left := unrefunded(tenant, payment, but=refund.id)):
        return RefundOutcome(refund, RefundRefusal.TOO_MUCH, left)
    refund.status, refund.approved_by = RefundStatus.SENDING, staff_id
    db.session.flush()
    _record(tenant, payment, refund, "payment.refund_approved")
    return RefundOutcome(refund)


def refuse_refund(tenant: Tenant, refund_id: int, staff_id: int) -> RefundOutcome:
    """Refuse a waiting refund (someone other than who asked); nothing is sent."""
    refund, payment, refusal = _to_decide(tenant, refund_id, staff_id)
    if refusal is not None:
        return RefundOutcome(refund, refusal)
    refund.status, refund.approved_by = RefundStatus.REFUSED, staff_id
    _record(tenant, payment, refund, "payment.refund_refused")
    return RefundOutcome(refund)


def send_refund(tenant: Tenant, refund_id: int) -> PaymentRefund:
    """Ask the gateway to refund a claimed (sending) refund; on success debit the account
    once. Call after the claim is committed; the caller commits the outcome."""
    refund, payment = _lock_refund(tenant, refund_id)
    if refund is None or refund.status != RefundStatus.SENDING:
        return refund
    try:
        order = refund_order(tenant, payment, refund.amount, f"refund-{refund.id}")
        result = get_provider(payment.provider).refund(order, payment.provider_payment_id)
    except ProviderUnavailable as exc:
        log.warning("refund %s of payment %s not sent: %s", refund.id, payment.reference, exc)
        # Left as sending: nothing is known of the money yet; the next try re-sends it
        # (with the same idempotence key where the gateway has one).
        refund.message = str(exc)[:300]
        return refund
    refund.provider_refund_id = result.provider_refund_id
    refund.message = result.message[:300] or None
    if not result.succeeded:
        refund.status = RefundStatus.FAILED
        _record(tenant, payment, refund, "payment.refund_failed")
        return refund
    post_entry(
        tenant.slug,
        payment.account_id,
        -refund.amount,
        EntryKind.REFUND,
        f"refund:{refund.id}",
        description=f"{payment.method} {payment.reference}",
    )
    refund.status = RefundStatus.REFUNDED
    _record(tenant, payment, refund, "payment.refunded")
    return refund


def _record(tenant: Tenant, payment: Payment, refund: PaymentRefund, action: str) -> None:
    audit.record(
        tenant.slug,
        action,
        subscriber_id=holder_of(tenant.slug, payment.account_id),
        target=f"account:{payment.account_id}",
        after={
            "payment": payment.reference,
            "refund": refund.id,
            "amount": refund.amount,
            "status": str(refund.status),
            "provider_refund_id": refund.provider_refund_id,
        },
    )


def online_payments(tenant: Tenant, account_ids: list[int], limit: int = 30) -> list[Payment]:
    """The latest succeeded online payments into these accounts, newest first."""
    if not account_ids:
        return []
    return list(
        db.session.scalars(
            owned(Payment, tenant)
            .where(
                Payment.account_id.in_(account_ids),
                Payment.status == PaymentStatus.SUCCEEDED.value,
            )
            .order_by(Payment.created_at.desc(), Payment.id.desc())
            .limit(limit)
        )
    )


def refund_of(tenant: Tenant, refund_id: int) -> PaymentRefund | None:
    """One refund of this tenant, or None."""
    return db.session.scalar(owned(PaymentRefund, tenant).where(PaymentRefund.id == refund_id))


def account_of_refund(tenant: Tenant, refund: PaymentRefund) -> int:
    """The account the refunded payment went into."""
    return db.session.scalar(
        owned(Payment, tenant)
        .with_only_columns(Payment.account_id)
        .where(Payment.id == refund.payment_id)
    )
