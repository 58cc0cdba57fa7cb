"""The payment provider interface: how the portal talks to an acquirer's gateway.

A provider adapter (ЮKassa, T-Bank, Robokassa, the built-in sandbox) is one module in this
package, registered by name at start-up (`register_provider` in app/payments/__init__.py),
plus its name in `payments.provider` of the tenant YAML. Its secrets (shop id, API
key, notification key) come from the environment, never from YAML, which lives in git.
Adapters know nothing of views, sessions or the ledger; they implement:

    start(order: Order, return_url: str, notify_url: str) -> Redirect
        Register the payment with the gateway. Redirect.url is where the browser goes to
        enter card data (the gateway's page, never the portal's); Redirect.provider_payment_id
        is the gateway's id for it. return_url is where the gateway sends the browser back
        (the portal's result page); notify_url is the portal's POST /payments/notify/<provider>.

    verify_notification(raw_body: bytes, headers: Mapping, tenant: Tenant) -> Notification
        Check a server-to-server notification with the tenant's key over the RAW body, as
        received, and parse it. Raise NotificationRejected when it cannot be trusted or read.
        (A gateway that does not sign, like ЮKassa, is verified by asking its API for the
        payment's status here.) The portal credits ONLY on a verified notification, never on
        the browser's return to return_url.

    acknowledge(notification: Notification) -> str
        The body the gateway expects in answer to a notification it delivered (most want any
        200; Robokassa wants "OK<InvId>").

    charge_saved(order: Order, token: str, notify_url: str) -> None
        Charge a card token saved earlier (autopay). The outcome arrives as a notification,
        through the same verify_notification path.

    forget_token(tenant: Tenant, token: str) -> None
        The subscriber removed the card: ask the gateway to revoke the token.

    fetch_state(tenant: Tenant, provider_payment_id: str) -> Notification | None
        Ask the gateway what became of a payment whose notification never came (re-polling,
        app/payments/repoll.py). The answer is settled exactly like a verified notification;
        None while the gateway still has it pending.

    refund(order: Order, provider_payment_id: str) -> RefundResult
        Pay order.amount kopecks of a succeeded payment back to the card. order.reference is
        the portal's refund reference ("refund-<id>"): the gateway's idempotence key where
        it has one, so asking twice refunds once; the order's payer contact gets the 54-FZ
        refund receipt when the tenant sends receipts. A refusal is a RefundResult with
        succeeded False; ProviderUnavailable when the gateway cannot be reached.

Every call to a gateway has a bounded timeout (PAYMENTS_GATEWAY_TIMEOUT seconds, 10 by
default) and raises ProviderUnavailable past it. Credentials are read per tenant from the
environment by app/payments/providers/common.py.

Then the portal, for each verified notification: looks the payment up by reference within the
tenant, locks its row, compares amount and currency exactly, and credits the account once
(ledger reference "payment:<reference>"). See app/payments/callback.py.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from flask import Flask, current_app

from app.tenancy.registry import Tenant

EXTENSION = "payments.providers"


class FailureReason(StrEnum):
    """Why a payment failed, as a code the result page turns into plain words."""

    WRONG_CARD_DATA = "wrong_card_data"
    INSUFFICIENT_FUNDS = "insufficient_funds"
    NOT_ALLOWED_ONLINE = "not_allowed_online"
    NO_3DS = "no_3ds"
    THREE_DS_FAILED = "3ds_failed"
    NOT_CONFIRMED = "not_confirmed"  # e.g. the mobile operator's code was wrong
    CANCELLED = "cancelled"
    CARD_REVOKED = "card_revoked"
    UNAVAILABLE = "unavailable"  # the gateway could not be reached; nothing was charged
    DECLINED = "declined"  # anything else the bank says no to


class NotificationRejected(Exception):
    """A notification that must not change anything; str() is for the log."""


class NothingToSettle(NotificationRejected):
    """An authentic notification of a state the portal does not act on (a refund, a step
    before payment): answered as the gateway expects, so it stops repeating it."""

    def __init__(self, message: str, answer: str):
        super().__init__(message)
        self.answer = answer


class ProviderUnavailable(Exception):
    """The gateway could not be reached or refused to register the payment."""


@dataclass(frozen=True)
class Order:
    """What a provider needs to know of a payment; no account or subscriber data."""

    tenant: Tenant
    reference: str
    amount: int  # kopecks
    currency: str
    method_kind: str  # PaymentKind of the tenant's method: card, wallet, mobile, bank_online
    description: str
    # The wallet or bank the payer picked (webmoney, qiwi, sberbank …): the gateway opens its
    # page, like a gateway's payment-method type. None for cards and mobile payments.
    method_choice: str | None = None
    save_card: bool = False
    payer_email: str | None = None
    # Where the 54-FZ receipt goes when the payer gave no e-mail: the account holder's phone.
    payer_phone: str | None = None


@dataclass(frozen=True)
class Redirect:
    url: str
    provider_payment_id: str


@dataclass(frozen=True)
class CardToken:
    """A card the gateway keeps for later charges: its token and what a person recognises."""

    token: str
    last4: str
    brand: str


@dataclass(frozen=True)
class Notification:
    reference: str
    provider_payment_id: str
    amount: int  # kopecks
    currency: str
    succeeded: bool
    failure_reason: FailureReason | None = None
    card: CardToken | None = None


@dataclass(frozen=True)
class RefundResult:
    """What the gateway said to a refund: its id for it, and whether the money goes back."""

    provider_refund_id: str | None
    succeeded: bool
    message: str = ""  # the gateway's words for a refusal, for the staff member and the log


class Provider(Protocol):
    name: str

    def start(self, order: Order, return_url: str, notify_url: str) -> Redirect: ...

    def verify_notification(
        self, raw_body: bytes, headers: Mapping[str, str], tenant: Tenant
    ) -> Notification: ...

    def acknowledge(self, notification: Notification) -> str: ...

    def charge_saved(self, order: Order, token: str, notify_url: str) -> None: ...

    def forget_token(self, tenant: Tenant, token: str) -> None: ...

    def fetch_state(self, tenant: Tenant, provider_payment_id: str) -> Notification | None: ...

    def refund(self, order: Order, provider_payment_id: str) -> RefundResult: ...


def register_provider(app: Flask, provider: Provider) -> None:
    """Make an adapter available under its name; done once at start-up."""
    app.extensions.setdefault(EXTENSION, {})[provider.name] = provider


def get_provider(name: str) -> Provider:
    """The adapter registered under name; LookupError for an unknown one."""
    try:
        return current_app.extensions[EXTENSION][name]
    except KeyError:
        raise LookupError(f"no payment provider {name!r}") from None
