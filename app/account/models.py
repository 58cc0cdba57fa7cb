"""Subscribers, their contracts, accounts and service points."""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.persistence import TenantScoped, UTCDateTime, utcnow


class SubscriberKind(StrEnum):
    PERSON = "person"
    ORGANISATION = "organisation"


class AccountStatus(StrEnum):
    ACTIVE = "active"
    BLOCKED = "blocked"
    PAUSED = "paused"


class Subscriber(TenantScoped, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[SubscriberKind] = mapped_column(sa.String(20), default=SubscriberKind.PERSON)
    surname: Mapped[str | None] = mapped_column(sa.String(100))
    first_name: Mapped[str | None] = mapped_column(sa.String(100))
    patronymic: Mapped[str | None] = mapped_column(sa.String(100))
    organisation: Mapped[str | None] = mapped_column(sa.String(200))
    inn: Mapped[str | None] = mapped_column(sa.String(12))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    phone: Mapped[str | None] = mapped_column(sa.String(20))
    region: Mapped[str | None] = mapped_column(sa.String(40))
    locale: Mapped[str | None] = mapped_column(sa.String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    contracts: Mapped[list["Contract"]] = relationship(
        back_populates="subscriber", order_by="Contract.id"
    )

    @property
    def display_name(self) -> str:
        if self.kind == SubscriberKind.ORGANISATION:
            return self.organisation or ""
        return " ".join(p for p in (self.surname, self.first_name, self.patronymic) if p)


class Contract(TenantScoped, db.Model):
    __table_args__ = (sa.UniqueConstraint("tenant", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(sa.ForeignKey("subscriber.id"), index=True)
    number: Mapped[str] = mapped_column(sa.String(40))
    signed_on: Mapped[date] = mapped_column(sa.Date)

    subscriber: Mapped[Subscriber] = relationship(back_populates="contracts")
    account: Mapped["Account"] = relationship(back_populates="contract")


class Account(TenantScoped, db.Model):
    __table_args__ = (sa.UniqueConstraint("tenant", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(sa.ForeignKey("contract.id"), unique=True)
    number: Mapped[str] = mapped_column(sa.String(40))
    # Integer kopecks; a cache of the sum of ledger entries, changed only by the ledger.
    balance: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    status: Mapped[AccountStatus] = mapped_column(sa.String(20), default=AccountStatus.ACTIVE)
    balance_updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    contract: Mapped[Contract] = relationship(back_populates="account")
    service_points: Mapped[list["ServicePoint"]] = relationship(
        back_populates="account", order_by="ServicePoint.id"
    )


class ServicePoint(TenantScoped, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("account.id"), index=True)
    address: Mapped[str] = mapped_column(sa.String(300))
    tariff_code: Mapped[str] = mapped_column(sa.String(40))
    active_since: Mapped[date] = mapped_column(sa.Date)

    account: Mapped[Account] = relationship(back_populates="service_points")


class LoginIdentifier(TenantScoped, db.Model):
    """A normalised value a subscriber may type as their login (account, phone, e-mail …)."""

    __table_args__ = (sa.UniqueConstraint("tenant", "kind", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(sa.ForeignKey("subscriber.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    value: Mapped[str] = mapped_column(sa.String(254))
