"""The money part of a tenant's config: payment methods, requisites, promised payment."""

from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field

from .types import Code, Kopecks, Model, Rate, Text


class PaymentKind(StrEnum):
    CARD = "card"
    WALLET = "wallet"
    MOBILE = "mobile"
    BANK_ONLINE = "bank_online"
    TERMINAL = "terminal"
    BANK_TRANSFER = "bank_transfer"
    CASH = "cash"
    AUTOPAY = "autopay"


# Kinds where the payer picks which wallet or bank pays; the gateway is told the pick.
CHOICE_KINDS = frozenset({PaymentKind.WALLET, PaymentKind.BANK_ONLINE})


class MethodChoice(Model):
    """A wallet or bank within a method (ЮMoney, QIWI, Сбербанк Онлайн …).

    The code is what the gateway is told (like a gateway's payment-method type); the name is
    shown to the payer.
    """

    code: Code
    name: Text


class PaymentMethod(Model):
    code: Code
    kind: PaymentKind
    name: Text
    # Card systems, mobile operators, shops shown beside the method: ISP text, one per locale.
    brands: tuple[Text, ...] = ()
    # E-wallets and internet banking: the wallets or banks the payer picks from (one: no pick).
    choices: tuple[MethodChoice, ...] = ()
    commission_percent: Decimal = Field(default=Decimal(0), ge=0, le=100)
    crediting: Text | None = None
    # Paid from the cabinet through the payment provider; otherwise shown as information.
    online: bool = False


Digits = Annotated[str, Field(pattern=r"^\d+$")]


class Requisites(Model):
    """The ISP's bank details, printed on the bank receipt (form ПД-4) and its QR code."""

    payee: str
    inn: Annotated[str, Field(pattern=r"^(\d{10}|\d{12})$")]
    kpp: Annotated[str, Field(pattern=r"^\d{9}$")] | None = None
    bank_name: str
    bic: Annotated[str, Field(pattern=r"^\d{9}$")]
    account: Annotated[str, Field(pattern=r"^\d{20}$")]
    correspondent_account: Annotated[str, Field(pattern=r"^\d{20}$")]
    purpose: Text


class PayeeKey(StrEnum):
    """What a payer who is not logged in may type to find the account to pay into."""

    ACCOUNT = "account"
    CONTRACT = "contract"
    PHONE = "phone"


class LookupLimits(Model):
    """Finding a payee by number shows masked initials: limited, so it cannot list subscribers.

    Counted per client address (within the tenant) and for the whole tenant; a look-up over
    either is answered 429 «Too many attempts. Please try again in N min.».
    """

    address: Rate = "20 per 10 minutes"
    tenant: Rate = "1000 per hour"


class Payments(Model):
    methods: tuple[PaymentMethod, ...] = ()
    provider: Literal["sandbox"] = "sandbox"
    min_amount: Kopecks = 1000
    max_amount: Kopecks = 3000000
    # Электронный город asks the subscriber to tick «Я согласен» with the terms.
    require_consent: bool = False
    terms: Text | None = None
    # Pay without logging in (Томтел; At Home's «Оплатить из дома»), finding the account by
    # what without_login_find_by lists, with the methods without_login_methods lists (all
    # online methods when unset).
    without_login: bool = False
    without_login_find_by: tuple[PayeeKey, ...] = Field(
        default=(PayeeKey.CONTRACT, PayeeKey.PHONE), min_length=1
    )
    without_login_methods: tuple[Code, ...] | None = None
    # What the ISP calls it on its site («Оплатить из дома»); «Pay without logging in» if unset.
    without_login_title: Text | None = None
    lookup_limits: LookupLimits = LookupLimits()
    # IP-Home: top up another subscriber's account.
    for_others: bool = False
    # At Home: ask staff to move a payment made to the wrong account.
    transfer_requests: bool = False
    requisites: Requisites | None = None


class PromisedPayment(Model):
    """Credit that restores access for a few days; its rules are the ISP's."""

    amount: Literal["monthly_fee", "fixed"] = "monthly_fee"
    fixed_amount: Kopecks | None = None
    days: int = Field(gt=0, le=31)
    fee: Kopecks = 0
    # How often: `times` per calendar month, or per rolling window of `window_days`.
    times: int = Field(default=1, gt=0, le=10)
    period: Literal["calendar_month", "rolling"] = "calendar_month"
    window_days: int | None = Field(default=None, gt=0, le=365)
    # Allowed only while the balance is negative and the debt is at most this.
    max_debt: Kopecks
    # A trust payment confirmed by an SMS code, as an intruder could take one (Томтел).
    confirm_by_code: bool = False


class Billing(Model):
    suspend_below: Kopecks = 0
    promised_payment: PromisedPayment | None = None
