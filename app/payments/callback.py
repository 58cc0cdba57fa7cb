"""Provider notifications: verify, match the pending payment, credit exactly once.

This is the portal's callback handler, behind POST /payments/notify/<provider>, where every
gateway (the sandbox bank too) posts. Once a credit is committed, `payment_credited` tells
whoever listens (the e-mail receipt, notifications), and whether it lifted a suspension.
"""

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError, OperationalError

from app.core import audit
from app.core.ledger import EntryKind, credit, lock_account
from app.core.scoped import owned
from app.core.signals import payment_credited
from app.core.subscribers import AccountStatus, holder_of
from app.extensions import db
from app.observe import metrics
from app.persistence import utcnow
from app.tenancy.registry import Tenant

from .autopay import keep_card
from .models import Payment, PaymentStatus
from .providers import (
    FailureReason,
    NothingToSettle,
    Notification,
    NotificationRejected,
    get_provider,
)

log = logging.getLogger("app.payments")
LAST4 = re.compile(r"^\d{4}$")


@dataclass(frozen=True)
class Applied:
    payment_id: int
    credited: bool
    answer: str
    # This credit lifted a debt suspension: the payment's notice says access is back.
    restored: bool = False
    # For the metrics: credited, duplicate (told again what was settled) or failed.
    outcome: str = "credited"


def apply_notification(
    tenant: Tenant, provider_name: str, raw_body: bytes, headers: Mapping[str, str]
) -> Applied:
    """Verify a notification with the tenant's key and settle its payment; the caller commits."""
    try:
        provider = get_provider(provider_name)
    except LookupError as exc:
        raise NotificationRejected(str(exc)) from exc
    notification = provider.verify_notification(raw_body, headers, tenant)
    return apply_verified(tenant, provider_name, notification)


def apply_verified(tenant: Tenant, provider_name: str, notification: Notification) -> Applied:
    """Settle the payment a verified notification (or a fetched state) names; the caller
    commits.

    The payment row is locked (FOR UPDATE) and its status checked, and the ledger reference
    is unique, so the same notification delivered again, or many times at once, credits once.
    """
    provider = get_provider(provider_name)
    payment = db.session.scalar(
        owned(Payment, tenant).where(Payment.reference == notification.reference).with_for_update()
    )
    if payment is None:
        raise NotificationRejected(f"unknown payment {notification.reference!r}")
    _check_matches(payment, provider_name, notification)
    # A saved card's charge learns the gateway's id here: kept, so it can be refunded.
    payment.provider_payment_id = payment.provider_payment_id or notification.provider_payment_id
    outcome, restored = _settle(tenant, payment, notification)
    answer = provider.acknowledge(notification)
    return Applied(payment.id, outcome == "credited", answer, restored, outcome)


def _check_matches(payment: Payment, provider_name: str, notification: Notification) -> None:
    if payment.provider != provider_name:
        raise NotificationRejected(f"payment {payment.reference} is not with {provider_name}")
    if notification.amount != payment.amount or notification.currency != payment.currency:
        raise NotificationRejected(
            f"payment {payment.reference}: notified {notification.amount} "
            f"{notification.currency}, expected {payment.amount} {payment.currency}"
        )
    if payment.provider_payment_id and notification.provider_payment_id != (
        payment.provider_payment_id
    ):
        raise NotificationRejected(f"payment {payment.reference}: another provider payment id")


def _settle(tenant: Tenant, payment: Payment, notification: Notification) -> tuple[str, bool]:
    """Move the payment to its outcome; what this call did ("credited", "failed" or
    "duplicate"), and whether a credit lifted a debt suspension."""
    if payment.status == PaymentStatus.SUCCEEDED:
        if not notification.succeeded:
            log.warning("payment %s: failure notified after crediting, ignored", payment.reference)
        return "duplicate", False
    if not notification.succeeded:
        if payment.status != PaymentStatus.PENDING:
            return "duplicate", False
        reason = notification.failure_reason or FailureReason.DECLINED
        payment.status, payment.failure_reason = PaymentStatus.FAILED, reason.value
        payment.completed_at = utcnow()
        _record(tenant, payment, "payment.failed", reason=reason.value)
        return "failed", False
    # A success after a failure still credits: the bank has taken the money.
    return "credited", _credit(tenant, payment, notification)


def _record(tenant: Tenant, payment: Payment, action: str, **after) -> None:
    # The bank's callback is the system acting; the entry is the payer's (or, for a payment
    # made without logging in, the account holder's).
    audit.record(
        tenant.slug,
        action,
        subscriber_id=payment.payer_subscriber_id or holder_of(tenant.slug, payment.account_id),
        target=f"account:{payment.account_id}",
        after={"amount": payment.amount, "method": payment.method, "reference": payment.reference}
        | after,
        by=audit.SYSTEM,
    )


def _credit(tenant: Tenant, payment: Payment, notification: Notification) -> bool:
    """Credit the payment; whether that lifted a debt suspension."""
    # Locked and read afresh before the credit, so «was blocked» is what the credit found.
    account = lock_account(tenant.slug, payment.account_id)
    blocked = account is not None and account.status == AccountStatus.BLOCKED
    credit(
        tenant,
        payment.account_id,
        payment.amount,
        EntryKind.PAYMENT,
        reference=f"payment:{payment.reference}",
        description=f"{payment.method} {payment.reference}",
    )
    payment.status, payment.failure_reason = PaymentStatus.SUCCEEDED, None
    payment.completed_at = utcnow()
    _record(tenant, payment, "payment.credited")
    payment.card_last4 = card_last4(notification) or payment.card_last4
    if notification.card and payment.save_card and payment.payer_subscriber_id:
        keep_card(tenant, payment.payer_subscriber_id, payment.provider, notification.card)
    db.session.flush()
    return blocked and account.status == AccountStatus.ACTIVE


def card_last4(notification: Notification) -> str | None:
    """The card's last four digits if the provider named the card; anything else is dropped."""
    last4 = notification.card.last4 if notification.card else ""
    return last4 if LAST4.match(last4) else None


def handle_notification(
    tenant: Tenant, provider_name: str, raw_body: bytes, headers: Mapping[str, str]
) -> str | None:
    """Apply and commit; the provider's acknowledgement, or None when nothing was changed."""
    return _committed(
        tenant, provider_name, lambda: apply_notification(tenant, provider_name, raw_body, headers)
    )


def settle_state(tenant: Tenant, provider_name: str, notification: Notification) -> bool:
    """Settle and commit a payment's state fetched from the gateway (re-polling), exactly as
    a notification would be; whether it was taken (credited, failed or already settled)."""
    applied = _committed(
        tenant, provider_name, lambda: apply_verified(tenant, provider_name, notification)
    )
    return applied is not None


def _committed(tenant: Tenant, provider_name: str, apply: Callable[[], Applied]) -> str | None:
    try:
        applied = apply()
        db.session.commit()
    except NothingToSettle as exc:
        db.session.rollback()
        log.info("notification taken, nothing to settle: tenant=%s: %s", tenant.slug, exc)
        metrics.payment("ignored")
        return exc.answer
    except NotificationRejected as exc:
        db.session.rollback()
        log.warning(
            "notification refused: tenant=%s provider=%s: %s", tenant.slug, provider_name, exc
        )
        metrics.payment("rejected")
        return None
    except (IntegrityError, OperationalError) as exc:
        # A concurrent delivery won the race (SQLite has no row locks); the provider retries.
        db.session.rollback()
        log.info("notification deferred: tenant=%s: %s", tenant.slug, type(exc).__name__)
        metrics.payment("deferred")
        return None
    metrics.payment(applied.outcome)
    if applied.credited:
        payment_credited.send(tenant, payment_id=applied.payment_id, restored=applied.restored)
    return applied.answer
