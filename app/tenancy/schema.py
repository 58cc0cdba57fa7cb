"""Typed, frozen description of a tenant, validated from its YAML."""

import re
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, RootModel, field_validator


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _kopecks(value: object) -> int:
    """Accept roubles written as 650, 650.5 or "650.50" and return integer kopecks."""
    if isinstance(value, bool) or value is None:
        raise ValueError("must be an amount in roubles, e.g. 650 or 650.50")
    try:
        amount = Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError("must be an amount in roubles, e.g. 650 or 650.50") from exc
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError("has more than two digits after the decimal point")
    return int(amount * 100)


Kopecks = Annotated[int, BeforeValidator(_kopecks)]
HEX_COLOUR = r"^#[0-9a-fA-F]{6}$"
Colour = Annotated[str, Field(pattern=HEX_COLOUR)]
Code = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{0,39}$")]


def _timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown timezone {value!r}") from exc
    return value


TimeZoneName = Annotated[str, BeforeValidator(_timezone)]


class Text(RootModel[dict[str, str]]):
    """ISP-owned text with one value per locale, e.g. {ru: …, en: …, hi: …}."""

    model_config = ConfigDict(frozen=True)

    def get(self, locale: str, fallback: str = "ru") -> str:
        return self.root.get(locale) or self.root.get(fallback) or next(iter(self.root.values()))


class Locales(Model):
    available: tuple[str, ...] = Field(min_length=1)
    default: str


class Host(Model):
    host: str
    locale: str | None = None

    @field_validator("host")
    @classmethod
    def _lower(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Za-z0-9.-]+", value):
            raise ValueError("must be a bare host name without scheme, port or path")
        return value.lower()


class Phone(Model):
    number: str
    label: Text | None = None
    hours: Text | None = None


class Contacts(Model):
    phones: tuple[Phone, ...] = ()
    email: str | None = None
    address: Text | None = None
    chat_hours: Text | None = None
    fax: str | None = None


class Tariff(Model):
    code: Code
    name: Text
    speed_mbps: int = Field(gt=0)
    monthly_fee: Kopecks
    description: Text | None = None
    kind: Literal["internet", "mix", "business"] = "internet"


class OptionKind(StrEnum):
    PREPAY = "prepay"
    PAUSE = "pause"
    TURBO = "turbo"
    BLOCK = "block"
    ADDON = "addon"


class PrepayPeriod(Model):
    months: int = Field(gt=0, le=36)
    discount_percent: int = Field(ge=0, le=100)


class Option(Model):
    code: Code
    kind: OptionKind
    name: Text
    description: Text | None = None
    monthly_fee: Kopecks = 0
    one_off_fee: Kopecks = 0
    daily_fee: Kopecks = 0
    max_days: int | None = Field(default=None, gt=0)
    free_days: int | None = Field(default=None, ge=0)
    min_hours: int | None = Field(default=None, gt=0)
    speed_mbps: int | None = Field(default=None, gt=0)
    duration_minutes: int | None = Field(default=None, gt=0)
    periods: tuple[PrepayPeriod, ...] = ()
    needs_review: bool = False


class Catalogue(Model):
    tariffs: tuple[Tariff, ...] = Field(min_length=1)
    options: tuple[Option, ...] = ()


class IdentifierKind(StrEnum):
    ACCOUNT = "account"
    CONTRACT = "contract"
    LOGIN = "login"
    EMAIL = "email"
    PHONE = "phone"
    NICKNAME = "nickname"


class Identifier(Model):
    kind: IdentifierKind
    label: Text
    pattern: str | None = None

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"is not a valid regular expression: {exc}") from exc
        return value


class Login(Model):
    identifiers: tuple[Identifier, ...] = Field(min_length=1)
    field_label: Text
    hint: Text | None = None
    choose_region: bool = False


class RecoveryChannel(StrEnum):
    SMS = "sms"
    EMAIL = "email"
    PHONE_CALL = "phone_call"
    OFFICE = "office"


class FindBy(StrEnum):
    """What a subscriber types to name their account in a recovery flow."""

    SURNAME = "surname"
    FIRST_NAME = "first_name"
    CONTRACT_OR_ACCOUNT = "contract_or_account"
    CONTRACT = "contract"
    ACCOUNT = "account"
    PHONE = "phone"
    EMAIL = "email"
    LOGIN = "login"
    IDENTIFIER = "identifier"
    REGION = "region"


class Delivery(StrEnum):
    """What a recovery flow sends, and where: a code, a link or a temporary password."""

    SMS_CODE = "sms_code"
    EMAIL_LINK = "email_link"
    SMS_TEMPORARY_PASSWORD = "sms_temporary_password"
    EMAIL_TEMPORARY_PASSWORD = "email_temporary_password"


def _rate(value: str) -> str:
    from limits import parse

    try:
        parse(value)
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a rate such as '3 per hour'") from exc
    return value


Rate = Annotated[str, BeforeValidator(_rate)]


class RecoveryFlow(Model):
    code: Code
    title: Text
    find_by: tuple[FindBy, ...] = Field(min_length=1)
    # For find_by: identifier, the kinds the subscriber may pick from.
    identifiers: tuple[IdentifierKind, ...] = ()
    # Several deliveries: the subscriber picks one they still have.
    deliver: tuple[Delivery, ...] = Field(min_length=1)
    captcha: bool = False
    requires_opt_in: bool = False
    tell_login: bool = False


class RecoveryLimits(Model):
    """Sending limits; exceeding them is answered with «try again in N minutes»."""

    account: Rate = "3 per hour"
    destination: Rate = "5 per hour"
    address: Rate = "20 per hour"
    tenant: Rate = "2000 per hour"


class Recovery(Model):
    flows: tuple[RecoveryFlow, ...] = ()
    channels: tuple[RecoveryChannel, ...] = ()
    note: Text | None = None
    code_minutes: int = Field(default=10, gt=0, le=60)
    link_minutes: int = Field(default=60, gt=0, le=24 * 60)
    max_guesses: int = Field(default=5, gt=0, le=10)
    log_in_after_reset: bool = False
    limits: RecoveryLimits = RecoveryLimits()


class PaymentKind(StrEnum):
    CARD = "card"
    WALLET = "wallet"
    MOBILE = "mobile"
    BANK_ONLINE = "bank_online"
    TERMINAL = "terminal"
    BANK_TRANSFER = "bank_transfer"
    CASH = "cash"
    AUTOPAY = "autopay"


class PaymentMethod(Model):
    code: Code
    kind: PaymentKind
    name: Text
    brands: tuple[str, ...] = ()
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


class Payments(Model):
    methods: tuple[PaymentMethod, ...] = ()
    provider: Literal["sandbox"] = "sandbox"
    min_amount: Kopecks = 1000
    max_amount: Kopecks = 3000000
    # Электронный город asks the subscriber to tick «Я согласен» with the terms.
    require_consent: bool = False
    terms: Text | None = None
    # Pay by contract or phone number without logging in (Томтел does).
    without_login: bool = False
    # IP-Home: top up another subscriber's account.
    for_others: bool = False
    # At Home: ask staff to move a payment made to the wrong account.
    transfer_requests: bool = False
    requisites: Requisites | None = None


class Region(Model):
    code: Code
    name: Text
    hosts: tuple[Host, ...] = ()
    timezone: TimeZoneName
    contacts: Contacts | None = None
    tariffs: tuple[Code, ...] | None = None
    payment_methods: tuple[Code, ...] | None = None


class Colours(Model):
    primary: Colour
    on_primary: Colour
    accent: Colour
    on_accent: Colour
    background: Colour = "#ffffff"
    surface: Colour = "#f4f6f8"
    text: Colour = "#1b1f24"
    muted: Colour = "#56606b"
    danger: Colour = "#b3261e"


class Branding(Model):
    colours: Colours
    logo: str
    favicon: str | None = None
    menu: Literal["left", "top"] = "top"
    button_shape: Literal["rounded", "pill", "square"] = "rounded"


class Mail(Model):
    """Who the ISP's e-mails come from."""

    sender_name: Text
    sender_address: Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]


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


class TenantConfig(Model):
    """Everything the portal knows of one ISP, as written in its tenant.yaml."""

    name: Text
    legal_name: str
    locales: Locales
    timezone: TimeZoneName
    phone_region: str = "RU"
    currency: Literal["RUB"] = "RUB"
    hosts: tuple[Host, ...] = ()
    regions: tuple[Region, ...] = ()
    branding: Branding
    login: Login
    recovery: Recovery = Recovery()
    contacts: Contacts = Contacts()
    catalogue: Catalogue
    payments: Payments = Payments()
    billing: Billing = Billing()
    mail: Mail | None = None
