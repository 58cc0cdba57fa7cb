"""The adapter for the built-in sandbox bank (app/sandbox), a gateway's test mode.

Its notifications are JSON with the header X-Sandbox-Signature: hex HMAC-SHA256 over the raw
body with the tenant's merchant key. The key is derived from the portal's SECRET_KEY and the
tenant slug (or from PAYMENTS_SANDBOX_SECRET when set); a real adapter reads its keys from
the environment instead.
"""

import hmac
import json
from collections.abc import Mapping

from flask import current_app

import app.sandbox.service as bank
from app.extensions import db
from app.tenancy.registry import Tenant

from . import (
    CardToken,
    FailureReason,
    Notification,
    NotificationRejected,
    Order,
    ProviderUnavailable,
    Redirect,
    RefundResult,
)

STATUSES = {"succeeded": True, "failed": False}


def sandbox_enabled() -> bool:
    """Test money must never reach a real balance: production switches the sandbox off."""
    return bool(current_app.config.get("PAYMENTS_SANDBOX_ENABLED"))


class SandboxProvider:
    name = "sandbox"

    def start(self, order: Order, return_url: str, notify_url: str) -> Redirect:
        """Open the operation at the bank; the payer goes to the bank's own page."""
        if not sandbox_enabled():
            raise ProviderUnavailable("the sandbox bank is switched off")
        operation = bank.open_operation(order.tenant.slug, _order(order), return_url, notify_url)
        return Redirect(f"/sandbox/pay/{operation.id}", operation.id)

    def verify_notification(
        self, raw_body: bytes, headers: Mapping[str, str], tenant: Tenant
    ) -> Notification:
        """Check the signature with this tenant's key, then read the body strictly."""
        if not sandbox_enabled():
            raise NotificationRejected("the sandbox bank is switched off")
        given = (headers.get(bank.SIGNATURE_HEADER) or "").strip().lower()
        if not hmac.compare_digest(given.encode(), bank.sign(tenant.slug, raw_body).encode()):
            raise NotificationRejected("signature does not match the tenant's key")
        try:
            return _parse(json.loads(raw_body))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise NotificationRejected(f"unreadable notification: {exc}") from exc

    def acknowledge(self, notification: Notification) -> str:
        """The sandbox bank is content with any 200 answer."""
        return "OK"

    def charge_saved(self, order: Order, token: str, notify_url: str) -> None:
        """Charge the token; the bank settles at once and notifies like after a card page."""
        if not sandbox_enabled():
            raise ProviderUnavailable("the sandbox bank is switched off")
        operation = bank.charge_token(order.tenant.slug, _order(order), token, notify_url)
        db.session.commit()  # the bank's records are its own, kept whatever the merchant does
        bank.deliver(operation)

    def forget_token(self, tenant: Tenant, token: str) -> None:
        """Revoke the token at the bank."""
        bank.revoke(tenant.slug, token)

    def fetch_state(self, tenant: Tenant, provider_payment_id: str) -> Notification | None:
        """The operation as the bank has it; None while the payer has not finished."""
        if not sandbox_enabled():
            raise ProviderUnavailable("the sandbox bank is switched off")
        operation = bank.find(tenant.slug, provider_payment_id)
        if operation is None or operation.state != "done":
            return None
        return _parse(json.loads(bank.notification_body(operation)))

    def refund(self, order: Order, provider_payment_id: str) -> RefundResult:
        """Pay back part or all of a succeeded operation (the test bank keeps no receipts)."""
        if not sandbox_enabled():
            raise ProviderUnavailable("the sandbox bank is switched off")
        refunded = bank.refund(
            order.tenant.slug, provider_payment_id, order.amount, order.reference
        )
        if refunded is None:
            return RefundResult(None, False, "more than is left of the payment")
        return RefundResult(refunded, True, "succeeded")


def _order(order: Order) -> dict:
    """The order as the bank's API takes it."""
    return {
        "reference": order.reference,
        "amount": order.amount,
        "currency": order.currency,
        "method": order.method_kind,
        "choice": order.method_choice,
        "description": order.description,
        "save_card": order.save_card,
    }


def _text(data: dict, key: str) -> str:
    value = data[key]
    if not isinstance(value, str) or not value:
        raise ValueError(f"{key} must be a non-empty string")
    return value


def _parse(data: dict) -> Notification:
    amount = data["amount"]
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise ValueError("amount must be a positive integer of kopecks")
    succeeded = STATUSES[data["status"]]
    reason = data.get("failure_reason")
    card = data.get("card")
    return Notification(
        reference=_text(data, "reference"),
        provider_payment_id=_text(data, "payment_id"),
        amount=amount,
        currency=_text(data, "currency"),
        succeeded=succeeded,
        failure_reason=None if succeeded else FailureReason(reason or FailureReason.DECLINED),
        card=CardToken(_text(card, "token"), _text(card, "last4"), _text(card, "brand"))
        if card
        else None,
    )
