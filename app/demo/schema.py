"""The shape of tenants/<slug>/demo.yaml: subscribers a demo or a test can log in as."""

from typing import Literal

from pydantic import Field

from app.tenancy.schema import Kopecks, Model


class DemoPoint(Model):
    address: str
    tariff: str


class DemoSubscriber(Model):
    kind: Literal["person", "organisation"] = "person"
    surname: str | None = None
    first_name: str | None = None
    patronymic: str | None = None
    organisation: str | None = None
    inn: str | None = None
    email: str | None = None
    phone: str | None = None
    nickname: str | None = None
    login: str | None = None
    region: str | None = None
    locale: str | None = None
    contract: str
    account: str
    password: str = Field(min_length=1)
    temporary_password: bool = False
    # A public demo account whose password is published: nobody may change its password,
    # contacts or security settings, and one visitor's logout leaves the others logged in.
    shared_demo: bool = False
    status: Literal["active", "blocked", "paused"] = "active"
    # What the balance comes to after the generated history, in roubles.
    balance: Kopecks
    history_days: int = Field(default=120, ge=0, le=730)
    points: tuple[DemoPoint, ...] = Field(min_length=1)
    # Channels the subscriber switched password recovery on for, where a tenant asks for that.
    recovery: tuple[Literal["sms", "email"], ...] = ()
    note: str | None = None


class DemoData(Model):
    subscribers: tuple[DemoSubscriber, ...] = Field(min_length=1)
