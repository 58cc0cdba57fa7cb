"""A fake ЮKassa API v3: payments (create, find), refunds; Basic auth and idempotence keys
checked as ЮKassa documents them; the test plays the payer (pay, decline)."""

import base64
import json
import uuid
from decimal import Decimal

from . import FakeGateway


def _error(status: int, code: str, description: str) -> tuple[int, dict]:
    return status, {
        "type": "error",
        "id": str(uuid.uuid4()),
        "code": code,
        "description": description,
    }


class FakeYooKassa(FakeGateway):
    def __init__(self, shop_id: str, secret_key: str):
        self.auth = "Basic " + base64.b64encode(f"{shop_id}:{secret_key}".encode()).decode()
        self.payments: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.by_key: dict[tuple[str, str], tuple[int, dict]] = {}
        super().__init__()

    def answer(self, method, path, headers, body):
        if headers.get("authorization") != self.auth:
            return _error(401, "invalid_credentials", "Basic auth failed")
        if method == "GET" and path.startswith("/payments/"):
            payment = self.payments.get(path.removeprefix("/payments/"))
            return (200, payment) if payment else _error(404, "not_found", "no such payment")
        if method != "POST" or path not in ("/payments", "/refunds"):
            return _error(404, "not_found", path)
        key = headers.get("idempotence-key")
        if not key:
            return _error(400, "invalid_request", "Idempotence-Key header is required")
        if (path, key) not in self.by_key:  # the same key answers the same, once done
            create = self._create_payment if path == "/payments" else self._create_refund
            self.by_key[(path, key)] = create(body)
        return self.by_key[(path, key)]

    def _create_payment(self, body):
        payment_id = str(uuid.uuid4())
        payment = {
            "id": payment_id,
            "status": "pending",
            "paid": False,
            "amount": body["amount"],
            "description": body.get("description", ""),
            "metadata": body.get("metadata", {}),
            "created_at": "2026-12-04T12:00:00.000Z",
            "test": True,
            "refundable": False,
            "refunded_amount": {"value": "0.00", "currency": "RUB"},
        }
        if "confirmation" in body:
            payment["confirmation"] = {
                "type": "redirect",
                "return_url": body["confirmation"]["return_url"],
                "confirmation_url": f"{self.url}/checkout/{payment_id}",
            }
        self.payments[payment_id] = payment
        self.save_card = body.get("save_payment_method", False)
        if body.get("payment_method_id"):  # a saved card: charged at once
            self._settle(payment_id, saved_id=body["payment_method_id"])
        return 200, payment

    def _create_refund(self, body):
        payment = self.payments.get(body.get("payment_id"))
        if payment is None or payment["status"] != "succeeded":
            return _error(400, "invalid_request", "payment cannot be refunded")
        amount = Decimal(body["amount"]["value"])
        left = Decimal(payment["amount"]["value"]) - Decimal(payment["refunded_amount"]["value"])
        if amount > left:
            return _error(400, "invalid_request", "refund amount exceeds the payment")
        payment["refunded_amount"]["value"] = str(
            Decimal(payment["refunded_amount"]["value"]) + amount
        )
        refund = {
            "id": str(uuid.uuid4()),
            "payment_id": payment["id"],
            "status": "succeeded",
            "amount": body["amount"],
            "created_at": "2026-12-04T12:00:00.000Z",
        }
        self.refunds[refund["id"]] = refund
        return 200, refund

    def _settle(self, payment_id: str, saved_id: str | None = None, save: bool = False):
        payment = self.payments[payment_id]
        payment.update(status="succeeded", paid=True, refundable=True)
        payment["payment_method"] = {
            "type": "bank_card",
            "id": saved_id or str(uuid.uuid4()),
            "saved": bool(saved_id) or save,
            "card": {
                "first6": "555555",
                "last4": "4477",
                "expiry_month": "07",
                "expiry_year": "2030",
                "card_type": "MasterCard",
            },
        }

    def pay(self, payment_id: str) -> None:
        """The payer confirms on ЮKassa's page; the card is saved if the shop asked."""
        with self.lock:
            self._settle(payment_id, save=self.save_card)

    def decline(self, payment_id: str, reason: str = "insufficient_funds") -> None:
        with self.lock:
            payment = self.payments[payment_id]
            payment.update(status="canceled", paid=False)
            payment["cancellation_details"] = {"party": "payment_network", "reason": reason}

    def notification(self, payment_id: str, event: str | None = None, **changes) -> bytes:
        """The webhook ЮKassa posts: the payment object as it is now, `changes` over it
        (a forger's claims)."""
        payment = {**self.payments[payment_id], **changes}
        kind = event or f"payment.{payment['status']}"
        return json.dumps({"type": "notification", "event": kind, "object": payment}).encode()
