"""Subscribers, their contracts, accounts and service points, and the lookups that take the tenant.

Every query for subscriber data names the tenant: a row of another ISP is never found, not
even by its primary key.
"""

from datetime import date, datetime
from enum import StrEnum
from functools import cache
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import (
    Mapped,
    contains_eager,
    joinedload,
    mapped_column,
    relationship,
    selectinload,
)

from app.extensions import db
from app.persistence import TenantScoped, UTCDateTime, utcnow
from app.tenancy.registry import Tenant
from app.tenancy.schema import Region

from .scoped import owned


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
    # A public demo account whose password everyone knows (demo.yaml `shared_demo`): its
    # password, contacts and security settings stay as they are, whoever is logged in.
    shared_demo: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
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


def subscriber_of(tenant: Tenant, subscriber_id: int) -> Subscriber | None:
    """The subscriber with this id in this tenant, or None."""
    return db.session.scalar(owned(Subscriber, tenant).where(Subscriber.id == subscriber_id))


@cache
def _accounts_query(with_points: bool) -> sa.Select:
    # Built once: every page asks, and a statement object reused keeps its cache key.
    query = (
        sa.select(Account)
        .join(Account.contract)
        .where(
            Contract.subscriber_id == sa.bindparam("subscriber_id"),
            Account.tenant == sa.bindparam("tenant"),
        )
        .options(contains_eager(Account.contract))
        .order_by(Contract.id)
    )
    return query.options(joinedload(Account.service_points)) if with_points else query


def accounts_of(tenant: Tenant, subscriber_id: int, with_points: bool = False) -> list[Account]:
    """The subscriber's accounts in this tenant, in contract order (with points if asked).

    One query either way: the contract comes with the join, the points with a joined load.
    """
    found = db.session.scalars(
        _accounts_query(with_points), {"subscriber_id": subscriber_id, "tenant": tenant.slug}
    )
    return list(found.unique())


def account_of(tenant: Tenant, subscriber_id: int, key: str | int) -> Account | None:
    """One of the subscriber's own accounts, by number (from a form) or id (from a code)."""
    for account in accounts_of(tenant, subscriber_id):
        if key in (account.number, account.id):
            return account
    return None


def tenant_account(tenant: Tenant, account_id: int, with_points: bool = False) -> Account | None:
    """Any account of this tenant by id (for jobs and callbacks that hold an id), or None."""
    query = owned(Account, tenant).where(Account.id == account_id)
    if with_points:
        query = query.options(selectinload(Account.service_points))
    return db.session.scalar(query)


def monthly_fee(
    tenant: Tenant,
    points: list[ServicePoint],
    region: Region | None = None,
    day: date | None = None,
) -> int:
    """What the points' tariffs cost a month together on a local date (today by default),
    at the prices of the region (by default the one of the points' account holder), a
    promotion counted until it ends; a tariff no longer offered costs 0."""
    if not points:
        return 0
    if region is None:
        region = account_region(tenant, points[0].account_id)
    if day is None:
        day = datetime.now(ZoneInfo(tenant.timezone(region))).date()
    tariffs = tenant.tariffs
    return sum(
        tenant.monthly_fee(tariffs[p.tariff_code], region, day)
        for p in points
        if p.tariff_code in tariffs
    )


def account_region(tenant: Tenant, account_id: int) -> Region | None:
    """The region of the subscriber who holds the account, if the tenant knows it."""
    code = db.session.scalar(
        sa.select(Subscriber.region)
        .join(Contract, Contract.subscriber_id == Subscriber.id)
        .join(Account, Account.contract_id == Contract.id)
        .where(Account.id == account_id, Account.tenant == tenant.slug)
    )
    return tenant.region(code)


def holder_of(tenant: str, account_id: int) -> int | None:
    """The id of the subscriber who holds one of this tenant's accounts."""
    return db.session.scalar(
        sa.select(Contract.subscriber_id)
        .join(Account, Account.contract_id == Contract.id)
        .where(Account.id == account_id, Account.tenant == tenant)
    )
