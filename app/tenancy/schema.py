"""Typed, frozen description of a tenant, validated from its YAML."""

import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from .catalogue_schema import (  # noqa: F401  (part of the schema's public names)
    Catalogue,
    ChangeFee,
    ChangeTiming,
    Option,
    OptionKind,
    PrepayPeriod,
    Promo,
    Tariff,
    TariffChange,
    Television,
)
from .money_schema import (  # noqa: F401  (part of the schema's public names)
    CHOICE_KINDS,
    Billing,
    LookupLimits,
    MethodChoice,
    PayeeKey,
    PaymentKind,
    PaymentMethod,
    Payments,
    PromisedPayment,
    Requisites,
)
from .types import (  # noqa: F401  (part of the schema's public names)
    HEX_COLOUR,
    Code,
    Colour,
    Kopecks,
    Model,
    Rate,
    Text,
    TimeZoneName,
)


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


class LoginLimits(Model):
    """Failed logins from one address, counted per tenant. Sized for carrier-grade NAT,
    where a whole building shares an address: past `per_address_captcha` the form asks for
    the picture code, past `per_address` it answers «try again in N minutes»."""

    per_address_captcha: Rate = "20 per 5 minutes"
    per_address: Rate = "300 per 5 minutes"

    @model_validator(mode="after")
    def _captcha_first(self) -> "LoginLimits":
        from limits import parse

        captcha, hard = parse(self.per_address_captcha), parse(self.per_address)
        # Fewer tries over a window at least as long: whoever reaches the refusal has
        # been asked for the picture code first.
        if captcha.amount >= hard.amount or captcha.get_expiry() < hard.get_expiry():
            raise ValueError(
                "per_address_captcha must allow fewer tries than per_address over a window "
                "at least as long, so the picture code comes before the refusal"
            )
        return self


class Login(Model):
    identifiers: tuple[Identifier, ...] = Field(min_length=1)
    field_label: Text
    hint: Text | None = None
    choose_region: bool = False
    limits: LoginLimits = LoginLimits()


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
    # How long a temporary password sent by SMS or e-mail can be used (once) to log in.
    temporary_password_minutes: int = Field(default=60, gt=0, le=24 * 60)
    max_guesses: int = Field(default=5, gt=0, le=10)
    log_in_after_reset: bool = False
    limits: RecoveryLimits = RecoveryLimits()


class Region(Model):
    code: Code
    name: Text
    hosts: tuple[Host, ...] = ()
    timezone: TimeZoneName
    contacts: Contacts | None = None
    tariffs: tuple[Code, ...] | None = None
    # Monthly fees that differ in this region: tariff code -> fee.
    prices: dict[Code, Kopecks] = {}
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
