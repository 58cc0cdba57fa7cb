"""The ЮKassa adapter, over the official `yookassa` SDK (API v3).

ЮKassa does not sign its HTTP notifications, so one is never believed as sent: its payment
id is fetched from the API with the tenant's own keys (Payment.find_one) and only the
fetched status and amount count. Subscribe the shop to payment.succeeded and
payment.canceled only; its webhook URL is https://<tenant host>/payments/notify/yookassa.
Payments are created with capture: true, so waiting_for_capture is a passing state, treated
as pending.
"""

import json
import logging
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

import requests
import yookassa
from yookassa.client import ApiClient
from yookassa.domain.common import RequestObject, UserAgent
from yookassa.domain.exceptions import ApiError

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
from .common import credentials, receipt_of, roubles, timeout

NAME = "yookassa"
API_URL = "https://api.yookassa.ru/v3"
log = logging.getLogger("app.payments")

# cancellation_details.reason -> what the payer is told.
REASONS = {
    "3d_secure_failed": FailureReason.THREE_DS_FAILED,
    "card_expired": FailureReason.WRONG_CARD_DATA,
    "invalid_card_number": FailureReason.WRONG_CARD_DATA,
    "invalid_csc": FailureReason.WRONG_CARD_DATA,
    "insufficient_funds": FailureReason.INSUFFICIENT_FUNDS,
    "country_forbidden": FailureReason.NOT_ALLOWED_ONLINE,
    "payment_method_restricted": FailureReason.NOT_ALLOWED_ONLINE,
    "permission_revoked": FailureReason.CARD_REVOKED,
    "canceled_by_merchant": FailureReason.CANCELLED,
    "expired_on_confirmation": FailureReason.CANCELLED,
    "expired_on_capture": FailureReason.CANCELLED,
    "issuer_unavailable": FailureReason.UNAVAILABLE,
}
PENDING = {"pending", "waiting_for_capture"}


class TenantClient(ApiClient):
    """The SDK's client with one tenant's keys and a bounded timeout.

    The SDK keeps one shop's keys and URL in the class attributes of yookassa.Configuration,
    which a process serving many shops cannot share, and sends with no timeout at all. This
    is the one place that sets them per call: the endpoint (PAYMENTS_<SLUG>_YOOKASSA_API_URL
    or the SDK's own), Basic auth with the shop id and secret key, and `timeout()`.
    """

    def __init__(self, tenant: Tenant):
        keys = credentials(tenant, NAME, yookassa.Configuration.api_url or API_URL)
        self.endpoint = keys.api_url
        self.shop_id, self.shop_password = keys["SHOP_ID"], keys["SECRET_KEY"]
        self.auth_token = None
        self.user_agent = UserAgent()

    def request(self, method="", path="", query_params=None, headers=None, body=None):
        """Send one request; ProviderUnavailable when the API does not answer in time."""
        if isinstance(body, RequestObject):
            body.validate()
            body = dict(body)
        try:
            response = requests.request(
                method,
                self.endpoint + path,
                params=query_params,
                headers=self.prepare_request_headers(headers),
                json=body,
                timeout=timeout(),
            )
        except requests.RequestException as exc:
            raise ProviderUnavailable(f"yookassa: {type(exc).__name__}") from exc
        if response.status_code != 200:
            try:
                self._ApiClient__handle_error(response)  # the SDK's error classes
            except ValueError as exc:  # not even JSON: a proxy's error page
                raise ProviderUnavailable(f"yookassa: HTTP {response.status_code}") from exc
        return response.json()


def _bound(model: type, client: TenantClient) -> type:
    """The SDK model (Payment, Refund) whose class methods call through `client`: they build
    their client as `cls()`, from the global Configuration otherwise."""

    def bind(self) -> None:
        self.client = client

    return type(model.__name__, (model,), {"__init__": bind})


def _api(tenant: Tenant, model: type) -> type:
    try:
        return _bound(model, TenantClient(tenant))
    except LookupError as exc:
        raise ProviderUnavailable(f"yookassa: {exc}") from exc


def kopecks(value) -> int:
    """An API amount ("123.45") as integer kopecks, exactly."""
    try:
        amount = Decimal(str(value)) * 100
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {value!r}") from exc
    if amount != amount.to_integral_value() or amount <= 0:
        raise ValueError(f"not a whole number of kopecks: {value!r}")
    return int(amount)


def receipt_params(order: Order) -> dict | None:
    """The 54-FZ `receipt` object for the order, when the tenant sends receipts."""
    found = receipt_of(order)
    if found is None:
        return None
    settings, customer = found
    return {
        "customer": customer,
        "tax_system_code": int(settings.tax_system_code),
        "items": [
            {
                "description": settings.item_name,
                "quantity": "1.00",
                "amount": {"value": roubles(order.amount), "currency": order.currency},
                "vat_code": settings.vat_code,
                "payment_subject": settings.payment_subject,
                "payment_mode": settings.payment_mode,
            }
        ],
    }


def _payment_params(order: Order) -> dict:
    params = {
        "amount": {"value": roubles(order.amount), "currency": order.currency},
        "capture": True,
        "description": order.description[:128],
        "metadata": {"reference": order.reference},
    }
    if (receipt := receipt_params(order)) is not None:
        params["receipt"] = receipt
    return params


def _create(order: Order, params: dict):
    # The reference is the idempotence key: a retried create is the same payment.
    try:
        return _api(order.tenant, yookassa.Payment).create(params, order.reference)
    except ApiError as exc:
        raise ProviderUnavailable(f"yookassa refused the payment: {exc.content}") from exc


class YooKassaProvider:
    name = NAME

    def start(self, order: Order, return_url: str, notify_url: str) -> Redirect:
        """Create the payment; the payer confirms it on ЮKassa's page."""
        params = _payment_params(order)
        params["confirmation"] = {"type": "redirect", "return_url": return_url}
        if order.save_card:
            params["save_payment_method"] = True
        payment = _create(order, params)
        return Redirect(payment.confirmation.confirmation_url, payment.id)

    def verify_notification(
        self, raw_body: bytes, headers: Mapping[str, str], tenant: Tenant
    ) -> Notification:
        """Take only the payment id from the body and believe what the API says of it."""
        try:
            payment_id = json.loads(raw_body)["object"]["id"]
        except (ValueError, KeyError, TypeError) as exc:
            raise NotificationRejected(f"unreadable notification: {exc}") from exc
        if not isinstance(payment_id, str) or not payment_id:
            raise NotificationRejected("no payment id in the notification")
        try:
            notification = self.fetch_state(tenant, payment_id)
        except ProviderUnavailable as exc:
            raise NotificationRejected(f"cannot fetch the payment: {exc}") from exc
        if notification is None:
            raise NotificationRejected(f"payment {payment_id} is still pending")
        return notification

    def acknowledge(self, notification: Notification) -> str:
        """ЮKassa wants any 200 answer."""
        return "OK"

    def charge_saved(self, order: Order, token: str, notify_url: str) -> None:
        """Charge the saved payment method; the outcome comes as a notification."""
        params = _payment_params(order)
        params["payment_method_id"] = token
        _create(order, params)

    def forget_token(self, tenant: Tenant, token: str) -> None:
        """ЮKassa has no call to delete a saved payment method: the portal forgets its id,
        and without it nothing can be charged (the shop's keys are needed too)."""
        log.info("yookassa: saved payment method forgotten for tenant %s", tenant.slug)

    def fetch_state(self, tenant: Tenant, provider_payment_id: str) -> Notification | None:
        """The payment as the API has it; None while it is pending."""
        try:
            payment = _api(tenant, yookassa.Payment).find_one(provider_payment_id)
        except ApiError as exc:
            raise ProviderUnavailable(f"yookassa: {exc.content}") from exc
        if payment.status in PENDING:
            return None
        try:
            return _notification(payment)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise NotificationRejected(f"unreadable payment {provider_payment_id}: {exc}") from exc

    def refund(self, order: Order, provider_payment_id: str) -> RefundResult:
        """Refund.create with the portal's refund reference as the idempotence key, and the
        refund's receipt when the tenant sends receipts."""
        params = {
            "payment_id": provider_payment_id,
            "amount": {"value": roubles(order.amount), "currency": order.currency},
        }
        if (receipt := receipt_params(order)) is not None:
            params["receipt"] = receipt
        try:
            refund = _api(order.tenant, yookassa.Refund).create(params, order.reference)
        except ApiError as exc:
            content = exc.content or {}
            return RefundResult(None, False, str(content.get("description") or content))
        return RefundResult(refund.id, refund.status in ("succeeded", "pending"), refund.status)


def _notification(payment) -> Notification:
    """A fetched payment in the portal's terms; raises on anything it cannot read."""
    if payment.status not in ("succeeded", "canceled"):
        raise ValueError(f"unknown status {payment.status!r}")
    succeeded = payment.status == "succeeded" and bool(payment.paid)
    reason = None
    if not succeeded:
        details = payment.cancellation_details
        code = details.reason if details is not None else None
        reason = REASONS.get(code, FailureReason.DECLINED)
    return Notification(
        reference=payment.metadata["reference"],
        provider_payment_id=payment.id,
        amount=kopecks(payment.amount.value),
        currency=payment.amount.currency,
        succeeded=succeeded,
        failure_reason=reason,
        card=_card(payment) if succeeded else None,
    )


def _card(payment) -> CardToken | None:
    """The saved card, when the payer asked to keep it and ЮKassa kept it."""
    method = payment.payment_method
    if method is None or not getattr(method, "saved", False):
        return None
    card = getattr(method, "card", None)
    if card is None:
        return None
    return CardToken(method.id, card.last4 or "", card.card_type or "Card")
