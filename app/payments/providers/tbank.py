"""The T-Bank (Tinkoff) Internet Acquiring adapter, over its HTTP API v2 with `requests`.

Every request and every notification carries Token: SHA-256 (hex) of the values of the
root-level scalar parameters plus the terminal's Password, concatenated in the order of
their keys. A notification is believed only when its Token matches; the answer T-Bank
wants is the body "OK". Payments are one-stage (PayType O): CONFIRMED is paid.

A saved card is kept as "<RebillId>/<CardId>/<CustomerKey>": Charge needs the RebillId,
RemoveCard the other two. The CustomerKey of a card saved with a payment is that payment's
reference (OrderId), so the notification names everything the token needs.
"""

import hashlib
import hmac
import json
import logging
from collections.abc import Mapping

import requests

from app.tenancy.registry import Tenant

from . import (
    CardToken,
    FailureReason,
    NothingToSettle,
    Notification,
    NotificationRejected,
    Order,
    ProviderUnavailable,
    Redirect,
    RefundResult,
)
from .common import Credentials, credentials, receipt_of, timeout

NAME = "tbank"
API_URL = "https://securepay.tinkoff.ru/v2"
log = logging.getLogger("app.payments")

PAID = {"CONFIRMED", "AUTHORIZED"}
FAILED = {"REJECTED", "CANCELED", "DEADLINE_EXPIRED", "AUTH_FAIL", "REVERSED"}
# ErrorCode of a rejected payment -> what the payer is told; others are «declined».
ERRORS = {
    "101": FailureReason.THREE_DS_FAILED,
    "116": FailureReason.INSUFFICIENT_FUNDS,
    "1051": FailureReason.INSUFFICIENT_FUNDS,
    "1014": FailureReason.WRONG_CARD_DATA,
    "1054": FailureReason.WRONG_CARD_DATA,
    "1082": FailureReason.WRONG_CARD_DATA,
    "1057": FailureReason.NOT_ALLOWED_ONLINE,
    "1058": FailureReason.NOT_ALLOWED_ONLINE,
}
STATUS_REASONS = {
    "CANCELED": FailureReason.CANCELLED,
    "DEADLINE_EXPIRED": FailureReason.CANCELLED,
    "REVERSED": FailureReason.CANCELLED,
    "AUTH_FAIL": FailureReason.THREE_DS_FAILED,
}
TAXATION = {1: "osn", 2: "usn_income", 3: "usn_income_outcome", 4: "envd", 5: "esn", 6: "patent"}
TAX = {
    1: "none",
    2: "vat0",
    3: "vat10",
    4: "vat20",
    5: "vat110",
    6: "vat120",
    7: "vat5",
    8: "vat7",
    9: "vat105",
    10: "vat107",
    11: "vat22",
    12: "vat122",
}


def _scalar(value) -> str:
    # JSON's true/false, as T-Bank writes them when it signs a notification.
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def token(params: Mapping, password: str) -> str:
    """The Token of a request or notification: nested objects and Token itself are left out."""
    values = {
        key: _scalar(value)
        for key, value in params.items()
        if key != "Token" and not isinstance(value, dict | list) and value is not None
    }
    values["Password"] = password
    return hashlib.sha256("".join(values[k] for k in sorted(values)).encode()).hexdigest()


def _keys(tenant: Tenant) -> Credentials:
    try:
        return credentials(tenant, NAME, API_URL)
    except LookupError as exc:
        raise ProviderUnavailable(f"tbank: {exc}") from exc


def _call(tenant: Tenant, method: str, params: dict) -> dict:
    """POST one signed API call; its JSON answer, whatever its Success."""
    keys = _keys(tenant)
    body = {"TerminalKey": keys["TERMINAL_KEY"], **params}
    body["Token"] = token(body, keys["PASSWORD"])
    seconds = timeout()
    try:
        response = requests.post(f"{keys.api_url}/{method}", json=body, timeout=seconds)
        answer = response.json()
    except requests.RequestException as exc:
        raise ProviderUnavailable(f"tbank {method}: {type(exc).__name__}") from exc
    except ValueError as exc:
        raise ProviderUnavailable(f"tbank {method}: HTTP {response.status_code}") from exc
    if not isinstance(answer, dict):
        raise ProviderUnavailable(f"tbank {method}: unreadable answer")
    return answer


def _ok(answer: dict, method: str) -> dict:
    if answer.get("Success") is not True or str(answer.get("ErrorCode", "0")) != "0":
        raise ProviderUnavailable(
            f"tbank {method} refused: {answer.get('ErrorCode')} {answer.get('Message', '')}"
        )
    return answer


def receipt_params(order: Order) -> dict | None:
    """The 54-FZ `Receipt` object for the order, when the tenant sends receipts."""
    found = receipt_of(order)
    if found is None:
        return None
    settings, customer = found
    contact = {"Email": customer["email"]} if "email" in customer else {"Phone": customer["phone"]}
    return {
        **contact,
        "Taxation": TAXATION[int(settings.tax_system_code)],
        "Items": [
            {
                "Name": settings.item_name,
                "Price": order.amount,
                "Quantity": 1,
                "Amount": order.amount,
                "Tax": TAX[settings.vat_code],
                "PaymentMethod": settings.payment_mode,
                "PaymentObject": settings.payment_subject,
            }
        ],
    }


def _init(order: Order, notify_url: str, **extra) -> dict:
    params = {
        "Amount": order.amount,
        "OrderId": order.reference,
        "Description": order.description[:140],
        "PayType": "O",
        "NotificationURL": notify_url,
        **extra,
    }
    if (receipt := receipt_params(order)) is not None:
        params["Receipt"] = receipt
    return _ok(_call(order.tenant, "Init", params), "Init")


class TBankProvider:
    name = NAME

    def start(self, order: Order, return_url: str, notify_url: str) -> Redirect:
        """Init the payment; the payer enters the card on T-Bank's page (PaymentURL)."""
        extra = {"SuccessURL": return_url, "FailURL": return_url}
        if order.save_card:
            extra |= {"Recurrent": "Y", "CustomerKey": order.reference}
        answer = _init(order, notify_url, **extra)
        return Redirect(answer["PaymentURL"], str(answer["PaymentId"]))

    def verify_notification(
        self, raw_body: bytes, headers: Mapping[str, str], tenant: Tenant
    ) -> Notification:
        """Check the Token with the tenant's password, then read the fields strictly."""
        try:
            data = json.loads(raw_body)
            given = data["Token"]
        except (ValueError, KeyError, TypeError) as exc:
            raise NotificationRejected(f"unreadable notification: {exc}") from exc
        keys = _keys_or_reject(tenant)
        expected = token(data, keys["PASSWORD"])
        if not isinstance(given, str) or not hmac.compare_digest(given.encode(), expected.encode()):
            raise NotificationRejected("Token does not match the terminal's password")
        if data.get("TerminalKey") != keys["TERMINAL_KEY"]:
            raise NotificationRejected("another terminal's notification")
        try:
            notification = _notification(data)
        except (ValueError, KeyError, TypeError) as exc:
            raise NotificationRejected(f"unreadable notification: {exc}") from exc
        if notification is None:
            # REFUNDED, NEW, AUTHORIZING …: signed, so answered OK, or T-Bank repeats it.
            raise NothingToSettle(f"status {data.get('Status')}", answer="OK")
        return notification

    def acknowledge(self, notification: Notification) -> str:
        """T-Bank retries until the answer is the body OK."""
        return "OK"

    def charge_saved(self, order: Order, token: str, notify_url: str) -> None:
        """Init a payment, then Charge it with the card's RebillId; a notification follows."""
        rebill_id = token.split("/")[0]
        payment = _init(order, notify_url)
        params = {"PaymentId": payment["PaymentId"], "RebillId": rebill_id}
        _ok(_call(order.tenant, "Charge", params), "Charge")

    def forget_token(self, tenant: Tenant, token: str) -> None:
        """RemoveCard: the card can no longer be charged through this terminal."""
        parts = token.split("/")
        if len(parts) != 3:
            log.warning("tbank: a card token not of this adapter, not removed")
            return
        params = {"CardId": parts[1], "CustomerKey": parts[2]}
        _ok(_call(tenant, "RemoveCard", params), "RemoveCard")

    def fetch_state(self, tenant: Tenant, provider_payment_id: str) -> Notification | None:
        """GetState: the payment as T-Bank has it; None while it is not settled."""
        answer = _ok(_call(tenant, "GetState", {"PaymentId": provider_payment_id}), "GetState")
        try:
            return _notification({"Amount": None, **answer})
        except (ValueError, KeyError, TypeError) as exc:
            raise NotificationRejected(f"unreadable state of {provider_payment_id}: {exc}") from exc

    def refund(self, order: Order, provider_payment_id: str) -> RefundResult:
        """Cancel with Amount: a refund of part or all of a confirmed payment, with the
        refund's Receipt when the tenant sends receipts.

        T-Bank's Cancel takes no idempotence key; the portal sends a refund row once, and
        again only when a staff member asks after the bank did not answer.
        """
        params = {"PaymentId": provider_payment_id, "Amount": order.amount}
        if (receipt := receipt_params(order)) is not None:
            params["Receipt"] = receipt
        answer = _call(order.tenant, "Cancel", params)
        if answer.get("Success") is not True or str(answer.get("ErrorCode", "0")) != "0":
            message = f"{answer.get('ErrorCode')} {answer.get('Message', '')}".strip()
            return RefundResult(None, False, message)
        refund_id = f"{answer.get('PaymentId', provider_payment_id)}:{answer.get('NewAmount', '')}"
        return RefundResult(refund_id, True, str(answer.get("Status", "")))


def _keys_or_reject(tenant: Tenant) -> Credentials:
    try:
        return credentials(tenant, NAME, API_URL)
    except LookupError as exc:
        raise NotificationRejected(f"tbank: {exc}") from exc


def _amount(value) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError("Amount must be a positive integer of kopecks")
    return value


def _notification(data: dict) -> Notification | None:
    """A notification's or GetState's fields in the portal's terms; None when not settled."""
    status = data["Status"]
    if status not in PAID | FAILED:
        return None
    succeeded = status in PAID
    reason = None
    if not succeeded:
        code = str(data.get("ErrorCode", ""))
        reason = ERRORS.get(code) or STATUS_REASONS.get(status, FailureReason.DECLINED)
    return Notification(
        reference=str(data["OrderId"]),
        provider_payment_id=str(data["PaymentId"]),
        amount=_amount(data["Amount"]),
        currency="RUB",
        succeeded=succeeded,
        failure_reason=reason,
        card=_card(data) if succeeded else None,
    )


def _card(data: dict) -> CardToken | None:
    """The saved card of a Recurrent payment: its RebillId, CardId and CustomerKey."""
    rebill_id, card_id = data.get("RebillId"), data.get("CardId")
    if not rebill_id or not card_id:
        return None
    pan = str(data.get("Pan", ""))
    return CardToken(f"{rebill_id}/{card_id}/{data['OrderId']}", pan[-4:], "Card")
