"""The shape of tenants/<slug>/demo.yaml: subscribers a demo or a test can log in as."""

from typing import Literal

from pydantic import Field

from app.tenancy.schema import Kopecks, Model, Quoted


class DemoPoint(Model):
    """A service point: where the service is delivered, on which tariff."""

    address: str
    """The connection address."""
    tariff: str
    """A tariff code of the tenant's catalogue."""


class DemoSubscriber(Model):
    """A subscriber created by `flask demo seed`, with a generated history."""

    kind: Literal["person", "organisation"] = "person"
    """A person or an organisation (legal entity)."""
    surname: str | None = None
    """A person's surname."""
    first_name: str | None = None
    """A person's first name."""
    patronymic: str | None = None
    """A person's patronymic."""
    organisation: str | None = None
    """An organisation's name."""
    inn: Quoted | None = None
    """An organisation's taxpayer number, in quotes."""
    email: str | None = None
    """E-mail on record; also a login where the tenant allows e-mail logins."""
    phone: Quoted | None = None
    """Mobile phone on record, in quotes."""
    nickname: str | None = None
    """A nickname login, where the tenant allows one."""
    login: str | None = None
    """A login name, where the tenant allows one."""
    region: str | None = None
    """A region code of the tenant."""
    locale: str | None = None
    """The subscriber's language."""
    contract: Quoted
    """The contract number, in quotes."""
    account: Quoted
    """The account number, in quotes."""
    password: str = Field(min_length=1)
    """The password to log in with."""
    temporary_password: bool = False
    """The password must be changed at first login."""
    shared_demo: bool = False
    """A public demo account whose password is published: nobody may change its password,
    contacts or security settings, and one visitor's logout leaves the others logged in."""
    status: Literal["active", "blocked", "paused"] = "active"
    """The account's status."""
    balance: Kopecks
    """What the balance comes to after the generated history, in roubles."""
    history_days: int = Field(default=120, ge=0, le=730)
    """How many days of payments and charges to generate."""
    points: tuple[DemoPoint, ...] = Field(min_length=1)
    """The account's service points."""
    recovery: tuple[Literal["sms", "email"], ...] = ()
    """Channels the subscriber switched password recovery on for, where a tenant asks for that."""
    note: str | None = None
    """What this subscriber is for, for whoever reads the file."""


class DemoData(Model):
    """Demo subscribers of one tenant."""

    subscribers: tuple[DemoSubscriber, ...] = Field(min_length=1)
    """Every demo subscriber."""
