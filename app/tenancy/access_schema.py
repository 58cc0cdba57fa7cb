"""The access part of a tenant's config: what a subscriber logs in with, how access is recovered."""

import re
from enum import StrEnum

from pydantic import Field, field_validator, model_validator

from .types import Code, Model, Rate, Text


class IdentifierKind(StrEnum):
    ACCOUNT = "account"
    CONTRACT = "contract"
    LOGIN = "login"
    EMAIL = "email"
    PHONE = "phone"
    NICKNAME = "nickname"


class Identifier(Model):
    """One thing a subscriber may log in with."""

    kind: IdentifierKind
    """What the subscriber types."""
    label: Text
    """How the login form names it."""
    pattern: str | None = None
    """A regular expression the typed value must match."""

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
    """Failed logins from one address before the picture code is asked for."""
    per_address: Rate = "300 per 5 minutes"
    """Failed logins from one address before logins are refused for a while."""

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
    """The login page."""

    identifiers: tuple[Identifier, ...] = Field(min_length=1)
    """What a subscriber may log in with (account, contract, login …)."""
    field_label: Text
    """The label of the login field."""
    hint: Text | None = None
    """Shown under the login field, e.g. where the number is printed."""
    choose_region: bool = False
    """Ask for the region first (the tenant must define regions)."""
    limits: LoginLimits = LoginLimits()
    """Failed-login limits."""


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
    """One way to recover access: what the subscriber types, what is sent where."""

    code: Code
    """Identifies the flow in its URL."""
    title: Text
    """The flow's button and page title."""
    find_by: tuple[FindBy, ...] = Field(min_length=1)
    """What the subscriber types to name the account."""
    identifiers: tuple[IdentifierKind, ...] = ()
    """For find_by: identifier, the kinds the subscriber may pick from."""
    deliver: tuple[Delivery, ...] = Field(min_length=1)
    """What is sent; several: the subscriber picks one they still have."""
    captcha: bool = False
    """Ask for the picture code."""
    requires_opt_in: bool = False
    """Works only for a subscriber who switched recovery on in the cabinet beforehand."""
    tell_login: bool = False
    """Also tell the subscriber their login."""


class RecoveryLimits(Model):
    """Sending limits; exceeding them is answered with «try again in N minutes»."""

    account: Rate = "3 per hour"
    """Messages sent for one account."""
    destination: Rate = "5 per hour"
    """Messages sent to one phone or e-mail."""
    address: Rate = "20 per hour"
    """Requests from one client address."""
    tenant: Rate = "2000 per hour"
    """Messages sent for the whole tenant."""


class Recovery(Model):
    """Recovering a forgotten password or login."""

    flows: tuple[RecoveryFlow, ...] = ()
    """The ways offered, in the order shown; none: the login page links no recovery."""
    channels: tuple[RecoveryChannel, ...] = ()
    """Other ways the ISP helps: sms, email, phone_call, office."""
    note: Text | None = None
    """Shown on the login and recovery pages, e.g. «or call the contact centre»."""
    code_minutes: int = Field(default=10, gt=0, le=60)
    """How long an SMS code is valid."""
    link_minutes: int = Field(default=60, gt=0, le=24 * 60)
    """How long an e-mailed link is valid."""
    temporary_password_minutes: int = Field(default=60, gt=0, le=24 * 60)
    """How long a temporary password sent by SMS or e-mail can be used (once) to log in."""
    max_guesses: int = Field(default=5, gt=0, le=10)
    """Wrong codes before a code stops working."""
    log_in_after_reset: bool = False
    """Log the subscriber in once the new password is set."""
    limits: RecoveryLimits = RecoveryLimits()
    """Sending limits."""
