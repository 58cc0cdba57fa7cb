"""The sandbox bank's rules: test cards, 3-D Secure, the mobile operator's code, signing."""

import hashlib
import hmac
import json
import logging
import secrets
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app
from werkzeug.datastructures import Headers

from app.extensions import db
from app.payments.providers import FailureReason, Order
from app.persistence import utcnow

from .models import SandboxOperation, SandboxToken

log = logging.getLogger(__name__)

PROVIDER = "sandbox"
SIGNATURE_HEADER = "X-Sandbox-Signature"
CODE_MINUTES = 10
MAX_CODE_ATTEMPTS = 3

# Numbers the bank knows and how their issuer answers (None: approved). Every one passes the
# Luhn check; any other valid number is unknown to the bank and declined as wrong card data.
TEST_CARDS: dict[str, FailureReason | None] = {
    "4111111111111111": None,
    "2200000000000004": None,
    "5555555555554444": None,
    "4000000000009995": FailureReason.INSUFFICIENT_FUNDS,
    "4000000000000127": FailureReason.WRONG_CARD_DATA,
    "4000000000000002": FailureReason.NOT_ALLOWED_ONLINE,
    "4000000000003063": FailureReason.NO_3DS,
}


def luhn_valid(number: str) -> bool:
    """True when the digits pass the Luhn checksum every real card number carries."""
    if not number.isdigit():
        return False
    total = 0
    for position, char in enumerate(reversed(number)):
        digit = int(char)
        if position % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def card_brand(number: str) -> str:
    """The payment system a card number belongs to, by its first digits."""
    if number[:4] in {"2200", "2201", "2202", "2203", "2204"}:
        return "МИР"
    if number.startswith("4"):
        return "Visa"
    if 51 <= int(number[:2]) <= 55 or 2221 <= int(number[:4]) <= 2720:
        return "Mastercard"
    return "Card"


def card_expired(month: int, year: int, today: date) -> bool:
    """A card is valid to the end of its expiry month."""
    return (year, month) < (today.year, today.month)


def merchant_key(tenant_slug: str) -> bytes:
    """The key the bank shares with one merchant (tenant), derived from the portal's secret."""
    master = current_app.config.get("PAYMENTS_SANDBOX_SECRET") or current_app.config["SECRET_KEY"]
    return hmac.new(master.encode(), f"sandbox-merchant:{tenant_slug}".encode(), "sha256").digest()


def sign(tenant_slug: str, body: bytes) -> str:
    """Hex HMAC-SHA256 of the raw body with the merchant's key."""
    return hmac.new(merchant_key(tenant_slug), body, hashlib.sha256).hexdigest()


def open_operation(order: Order, return_url: str, notify_url: str) -> SandboxOperation:
    """Register a payment; the payer then completes it on the bank's pages."""
    first_state = {"card": "card", "mobile": "phone"}.get(order.method_kind, "confirm")
    operation = SandboxOperation(
        id=f"sbx_pay_{secrets.token_urlsafe(18)}",
        tenant=order.tenant.slug,
        reference=order.reference,
        amount=order.amount,
        currency=order.currency,
        method=order.method_kind,
        choice=order.method_choice,
        description=order.description[:200],
        save_card=order.save_card and order.method_kind == "card",
        return_url=return_url,
        notify_url=notify_url,
        state=first_state,
    )
    db.session.add(operation)
    db.session.flush()
    return operation


def find(tenant_slug: str, operation_id: str) -> SandboxOperation | None:
    """An operation of this merchant, or None."""
    return db.session.scalar(
        sa.select(SandboxOperation).where(
            SandboxOperation.id == operation_id, SandboxOperation.tenant == tenant_slug
        )
    )


def submit_card(operation: SandboxOperation, number: str) -> None:
    """Take the card: without 3-D Secure it fails now, otherwise the one-time password follows."""
    operation.card_last4 = number[-4:]
    operation.card_brand = card_brand(number)
    outcome = TEST_CARDS.get(number, FailureReason.WRONG_CARD_DATA)
    if outcome == FailureReason.NO_3DS:
        finish(operation, outcome)
        return
    operation.card_outcome = outcome
    operation.state = "otp"


def otp_code(operation: SandboxOperation) -> str:
    """The 3-D Secure password; a test bank shows it on its page instead of texting it."""
    digest = hmac.new(merchant_key(operation.tenant), f"3ds:{operation.id}".encode(), "sha256")
    return f"{int(digest.hexdigest(), 16) % 10**6:06d}"


def confirm_otp(operation: SandboxOperation, code: str) -> None:
    """A wrong password fails the payment; a right one lets the issuer answer."""
    if not hmac.compare_digest(code.strip(), otp_code(operation)):
        finish(operation, FailureReason.THREE_DS_FAILED)
        return
    outcome = operation.card_outcome
    finish(operation, FailureReason(outcome) if outcome else None)


def _code_hash(operation: SandboxOperation, code: str) -> str:
    return hmac.new(merchant_key(operation.tenant), code.encode(), "sha256").hexdigest()


def start_mobile(operation: SandboxOperation, phone: str) -> str:
    """Remember the phone and a fresh confirmation code; returns the code for the operator's SMS."""
    code = f"{secrets.randbelow(10**6):06d}"
    operation.phone = phone
    operation.code_hash = _code_hash(operation, code)
    operation.code_expires_at = utcnow() + timedelta(minutes=CODE_MINUTES)
    operation.attempts = 0
    operation.state = "code"
    return code


def confirm_mobile(operation: SandboxOperation, code: str) -> bool:
    """True when the code is right; wrong codes fail the payment after a few tries or late."""
    expired = operation.code_expires_at is None or operation.code_expires_at < utcnow()
    if not expired and hmac.compare_digest(
        _code_hash(operation, code.strip()), operation.code_hash
    ):
        finish(operation, None)
        return True
    operation.attempts += 1
    if expired or operation.attempts >= MAX_CODE_ATTEMPTS:
        finish(operation, FailureReason.NOT_CONFIRMED)
    return False


def finish(operation: SandboxOperation, reason: FailureReason | None) -> None:
    """Settle the operation; an approved card the payer asked to keep gets a token."""
    operation.state = "done"
    operation.succeeded = reason is None
    operation.failure_reason = reason.value if reason else None
    operation.completed_at = utcnow()
    if reason is None and operation.save_card and operation.card_last4:
        token = SandboxToken(
            token=f"sbx_tok_{secrets.token_urlsafe(18)}",
            tenant=operation.tenant,
            last4=operation.card_last4,
            brand=operation.card_brand or "Card",
        )
        db.session.add(token)
        operation.token = token.token
    db.session.flush()


def charge_token(order: Order, token: str, notify_url: str) -> SandboxOperation:
    """Charge a saved card at once: approved unless the token is unknown or revoked."""
    operation = open_operation(order, "", notify_url)
    operation.method = "token"
    saved = db.session.get(SandboxToken, token)
    usable = saved is not None and saved.tenant == order.tenant.slug and not saved.revoked
    if usable:
        operation.card_last4, operation.card_brand = saved.last4, saved.brand
    finish(operation, None if usable else FailureReason.CARD_REVOKED)
    return operation


def revoke(tenant_slug: str, token: str) -> None:
    """Make a token unusable for further charges."""
    saved = db.session.get(SandboxToken, token)
    if saved is not None and saved.tenant == tenant_slug:
        saved.revoked = True
        db.session.flush()


def notification_body(operation: SandboxOperation) -> bytes:
    """The JSON the bank posts to the merchant's notify URL."""
    card = None
    if operation.token:
        card = {
            "token": operation.token,
            "last4": operation.card_last4,
            "brand": operation.card_brand,
        }
    payload = {
        "payment_id": operation.id,
        "reference": operation.reference,
        "amount": operation.amount,
        "currency": operation.currency,
        "status": "succeeded" if operation.succeeded else "failed",
        "failure_reason": operation.failure_reason,
        "card": card,
    }
    return json.dumps(payload, separators=(",", ":")).encode()


def deliver(operation: SandboxOperation) -> bool:
    """Post the signed outcome to the merchant; True when the merchant accepted it.

    Delivered in-process to the portal's callback handler, the same function behind
    POST /payments/notify/sandbox, with the same raw body and signature header, so it is
    verified exactly as an external delivery would be. Call after committing the operation.
    """
    from app.payments.callback import handle_notification

    body = notification_body(operation)
    headers = Headers(
        {"Content-Type": "application/json", SIGNATURE_HEADER: sign(operation.tenant, body)}
    )
    tenant = current_app.extensions["tenancy"].tenants[operation.tenant]
    accepted = handle_notification(tenant, PROVIDER, body, headers) is not None
    if not accepted:
        log.warning(
            "sandbox: merchant %s refused the notification for %s", tenant.slug, operation.id
        )
    return accepted
