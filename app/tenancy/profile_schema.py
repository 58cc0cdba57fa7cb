"""The profile part of a tenant's config: changing the login, registering a cabinet."""

from enum import StrEnum

from pydantic import Field, field_validator

from .access_schema import FindBy
from .types import Model, Rate, Text

LOGIN_PATTERN = r"[a-z0-9][a-z0-9._-]{2,31}"
# Fields a registration form can ask for as plain text.
TYPED_FIELDS = {
    FindBy.SURNAME,
    FindBy.FIRST_NAME,
    FindBy.CONTRACT_OR_ACCOUNT,
    FindBy.CONTRACT,
    FindBy.ACCOUNT,
    FindBy.PHONE,
    FindBy.EMAIL,
}


class LoginChange(Model):
    """Choosing another login name, where the ISP allows it."""

    allowed: bool = False
    """The subscriber may replace their login name by one of their own."""
    at_first_login: bool = False
    """Offer it right after the first password is set."""
    pattern: str = LOGIN_PATTERN
    """A regular expression a new login (lowercased) must match in full."""


class Registration(Model):
    """Opening a cabinet for an existing contract from the login page."""

    offered: bool = False
    """The login page links «Registration»."""
    find_by: tuple[FindBy, ...] = (FindBy.CONTRACT, FindBy.EMAIL)
    """What the subscriber types to name the contract, of surname, first_name, contract,
    account, contract_or_account, phone and email; the link goes to the contract's e-mail
    on record, so `email` must be among them."""
    link_minutes: int = Field(default=60, gt=0, le=24 * 60)
    """How long the e-mailed link is valid."""
    note: Text | None = None
    """Shown on the registration page, e.g. whom to call when no e-mail is on record."""

    @field_validator("find_by")
    @classmethod
    def _by_email(cls, value: tuple[FindBy, ...]) -> tuple[FindBy, ...]:
        unknown = set(value) - TYPED_FIELDS
        if unknown:
            raise ValueError(f"cannot ask for {', '.join(sorted(unknown))} here")
        if FindBy.EMAIL not in value:
            raise ValueError("must include email: the link goes to the e-mail on record")
        return value


class LinkProof(StrEnum):
    """How a subscriber proves they hold the contract they link."""

    PASSWORD = "password"  # that cabinet's password
    CODE = "code"  # a one-time code by SMS to that contract's phone on record


class LinkedCabinets(Model):
    """One person holding several contracts links their cabinets and switches between
    them without logging in again; each stays a subscriber of its own."""

    offered: bool = False
    """The «My contracts» page and the switch in the header are shown."""
    proofs: tuple[LinkProof, ...] = (LinkProof.PASSWORD,)
    """How the other contract is proved, of password and code."""
    max_linked: int = Field(default=5, ge=1, le=20)
    """How many other contracts one cabinet may be linked with."""
    attempts: Rate = "5 per 15 minutes"
    """Failed proofs (a wrong login, password or code) and codes sent, per cabinet asking;
    past it the form answers «try again in N min.»."""

    @field_validator("proofs")
    @classmethod
    def _some_proof(cls, value: tuple[LinkProof, ...]) -> tuple[LinkProof, ...]:
        if not value:
            raise ValueError("name at least one proof: password or code")
        if len(set(value)) != len(value):
            raise ValueError("names a proof twice")
        return value


class Profile(Model):
    """The subscriber's own profile page."""

    login_change: LoginChange = LoginChange()
    """Changing the login name."""
    registration: Registration = Registration()
    """Registering a cabinet for an existing contract."""
    linked_cabinets: LinkedCabinets = LinkedCabinets()
    """Linking several contracts of one person and switching between them."""
    name_change_note: Text | None = None
    """How to change the name or address on the contract (documents needed); the
    portal's own sentence pointing to the contacts when unset."""
