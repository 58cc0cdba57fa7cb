"""The sandbox bank's rules: test cards, 3-D Secure, the mobile operator's code, signing.

The bank knows the portal only as a merchant with a notification URL: it speaks its own
decline codes and tells outcomes by posting a signed notification (see `transport`).
"""

import hashlib
import hmac
import json
import logging
import secrets
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app

from app.core.scoped import get_owned
from app.extensions import db
from app.persistence import utcnow

from . import transport
from .models import SandboxOperation, SandboxToken

log = logging.getLogger(__name__)

PROVIDER = "sandbox"
SIGNATURE_HEADER = "X-Sandbox-Signature"
CODE_MINUTES = 10
MAX_CODE_ATTEMPTS = 3

# The bank's decline codes, as its notifications spell them.
INSUFFICIENT_FUNDS = "insufficient_funds"
WRONG_CARD_DATA = "wrong_card_data"
NOT_ALLOWED_ONLINE = "not_allowed_online"
NO_3DS = "no_3ds"
THREE_DS_FAILED = "3ds_failed"
NOT_CONFIRMED = "not_confirmed"
CANCELLED = "cancelled"
CARD_REVOKED = "card_revoked"
DECLINED = "declined"

# Numbers the bank knows and how their issuer answers (None: approved). Every one passes the
# Luhn check; any other valid number is unknown to the bank and declined as wrong card data.
TEST_CARDS: dict[str, str | None] = {
    "4111111111111111": None,
    "2200000000000004": None,
    "5555555555554444": None,
    "4000000000009995": INSUFFICIENT_FUNDS,
    "4000000000000127": WRONG_CARD_DATA,
    "4000000000000002": NOT_ALLOWED_ONLINE,
    "4000000000003063": NO_3DS,
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


def open_operation(
    merchant: str, order: dict, return_url: str, notify_url: str
) -> SandboxOperation:
    """Register a payment (reference, amount, currency, method, description, save_card, as a
    gateway's API takes them); the payer then completes it on the bank's pages."""
    method = order["method"]
    first_state = {"card": "card", "mobile": "phone"}.get(method, "confirm")
    operation = SandboxOperation(
        id=f"sbx_pay_{secrets.token_urlsafe(18)}",
        tenant=merchant,
        reference=order["reference"],
        amount=order["amount"],
        currency=order["currency"],
        method=method,
        choice=order.get("choice"),
        description=order.get("description", "")[:200],
        save_card=bool(order.get("save_card")) and method == "card",
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
    outcome = TEST_CARDS.get(number, WRONG_CARD_DATA)
    if outcome == NO_3DS:
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
        finish(operation, THREE_DS_FAILED)
        return
    outcome = operation.card_outcome
    finish(operation, outcome or None)


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
        finish(operation, NOT_CONFIRMED)
    return False


def finish(operation: SandboxOperation, reason: str | None) -> None:
    """Settle the operation; an approved card the payer asked to keep gets a token."""
    operation.state = "done"
    operation.succeeded = reason is None
    operation.failure_reason = reason
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


def charge_token(merchant: str, order: dict, token: str, notify_url: str) -> SandboxOperation:
    """Charge a saved card at once: approved unless the token is unknown or revoked."""
    operation = open_operation(merchant, order, "", notify_url)
    operation.method = "token"
    saved = get_owned(SandboxToken, merchant, token)
    usable = saved is not None and not saved.revoked
    if usable:
        operation.card_last4, operation.card_brand = saved.last4, saved.brand
    finish(operation, None if usable else CARD_REVOKED)
    return operation


def revoke(tenant_slug: str, token: str) -> None:
    """Make a token unusable for further charges."""
    saved = get_owned(SandboxToken, tenant_slug, token)
    if saved is not None:
        saved.revoked = True
        db.session.flush()


def refund(merchant: str, operation_id: str, amount: int, reference: str) -> str | None:
    """Pay back part of a succeeded operation; the refund's id, or None when more than is
    left of it is asked."""
    operation = db.session.scalar(
        sa.select(SandboxOperation)
        .where(SandboxOperation.id == operation_id, SandboxOperation.tenant == merchant)
        .with_for_update()
    )
    if operation is None or not operation.succeeded:
        return None
    if amount <= 0 or operation.refunded + amount > operation.amount:
        return None
    operation.refunded += amount
    db.session.flush()
    return f"sbx_ref_{reference}"


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
    """Post the signed outcome to the merchant's notification URL; True when it accepted it.

    Call after committing the operation: the bank's records stand whatever the merchant says.
    """
    body = notification_body(operation)
    headers = {"Content-Type": "application/json", SIGNATURE_HEADER: sign(operation.tenant, body)}
    status = transport.post(operation.notify_url, body, headers)
    if status != 200:
        log.warning(
            "sandbox: merchant %s answered %s to the notification for %s",
            operation.tenant,
            status,
            operation.id,
        )
    return status == 200
