"""Finding the account a payment goes to, and showing its holder only masked."""

import re
from dataclasses import dataclass

import sqlalchemy as sa

from app.core.identifiers import normalise, normalise_phone
from app.core.subscribers import (
    Account,
    Contract,
    Subscriber,
    SubscriberKind,
    accounts_of,
    monthly_fee,
    tenant_account,
)
from app.extensions import db
from app.tenancy.registry import Tenant
from app.tenancy.schema import IdentifierKind, PayeeKey


@dataclass(frozen=True)
class AccountChoice:
    id: int
    number: str
    balance: int
    monthly_total: int


@dataclass(frozen=True)
class Holder:
    """Whose account it is, as much as a payer may see: initials and part of the number."""

    account_id: int
    number: str
    initials: str
    masked_number: str


def _choice(tenant: Tenant, account: Account) -> AccountChoice:
    return AccountChoice(
        account.id, account.number, account.balance, monthly_fee(tenant, account.service_points)
    )


def subscriber_accounts(tenant: Tenant, subscriber_id: int) -> list[AccountChoice]:
    """The subscriber's own accounts in contract order, with what a month costs on each."""
    return [_choice(tenant, a) for a in accounts_of(tenant, subscriber_id, with_points=True)]


def account_choice(tenant: Tenant, account_id: int) -> AccountChoice | None:
    """One account of this tenant with its monthly total, or None."""
    account = tenant_account(tenant, account_id, with_points=True)
    return _choice(tenant, account) if account else None


def _number(raw: str) -> str:
    return normalise(IdentifierKind.ACCOUNT, raw) or ""


def by_account_number(tenant: Tenant, raw: str) -> int | None:
    """The account with this number in this tenant."""
    number = _number(raw)
    if not number:
        return None
    return db.session.scalar(
        sa.select(Account.id).where(Account.tenant == tenant.slug, Account.number == number)
    )


def find_payee(tenant: Tenant, raw: str, find_by: tuple[PayeeKey, ...]) -> list[int]:
    """Accounts that an account number, a contract number or a subscriber's phone names, as far
    as find_by allows; several when a phone is shared (at most ten)."""
    query = sa.select(Account.id).join(Account.contract).where(Account.tenant == tenant.slug)
    number = _number(raw)
    conditions = []
    if number and PayeeKey.ACCOUNT in find_by:
        conditions.append(Account.number == number)
    if number and PayeeKey.CONTRACT in find_by:
        conditions.append(Contract.number == number)
    phone = normalise_phone(raw, tenant.config.phone_region) if PayeeKey.PHONE in find_by else None
    if phone:
        owners = sa.select(Subscriber.id).where(
            Subscriber.tenant == tenant.slug, Subscriber.phone == phone
        )
        conditions.append(Contract.subscriber_id.in_(owners))
    if not conditions:
        return []
    return list(db.session.scalars(query.where(sa.or_(*conditions)).limit(10)))


def initials(subscriber: Subscriber) -> str:
    """«И. П.» for Иван Петров: enough to recognise, too little to learn a name."""
    if subscriber.kind == SubscriberKind.ORGANISATION:
        words = re.findall(r"\w+", subscriber.organisation or "")
    else:
        words = [w for w in (subscriber.first_name, subscriber.surname) if w]
    return " ".join(f"{w[0].upper()}." for w in words[:3]) or "—"


def mask_number(number: str) -> str:
    """All but the last three characters hidden (and the first two of a long number shown)."""
    if len(number) <= 4:
        return "•" * (len(number) - 1) + number[-1:]
    head = number[:2] if len(number) >= 8 else ""
    return head + "•" * (len(number) - len(head) - 3) + number[-3:]


def holder(tenant: Tenant, account_id: int) -> Holder | None:
    """The masked holder of an account of this tenant."""
    row = db.session.execute(
        sa.select(Account, Subscriber)
        .join(Account.contract)
        .join(Contract.subscriber)
        .where(Account.id == account_id, Account.tenant == tenant.slug)
    ).first()
    if row is None:
        return None
    account, subscriber = row
    return Holder(account.id, account.number, initials(subscriber), mask_number(account.number))


def owns_account(tenant: Tenant, subscriber_id: int, account_id: int) -> bool:
    """True when the account is one of the subscriber's own."""
    return (
        db.session.scalar(
            sa.select(Account.id)
            .join(Account.contract)
            .where(
                Account.id == account_id,
                Account.tenant == tenant.slug,
                Contract.subscriber_id == subscriber_id,
            )
        )
        is not None
    )
