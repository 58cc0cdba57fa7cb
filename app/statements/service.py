"""Whose money a statement or receipt shows: the subscriber's own accounts and payments."""

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.core.ledger import EntryKind, LedgerEntry
from app.core.subscribers import (
    Account,
    Contract,
    Subscriber,
    accounts_of,
    monthly_fee,
    subscriber_of,
)
from app.extensions import db
from app.tenancy.registry import Tenant
from app.tenancy.schema import Requisites

from . import chart, history, words


@dataclass(frozen=True)
class OwnedAccount:
    id: int
    number: str
    contract_number: str


def owned_accounts(tenant: Tenant, subscriber_id: int) -> list[OwnedAccount]:
    """The subscriber's accounts in this tenant, in contract order."""
    return [
        OwnedAccount(a.id, a.number, a.contract.number)
        for a in accounts_of(tenant, subscriber_id, with_points=True)
    ]


def pick_account(accounts: list[OwnedAccount], number: str | None) -> OwnedAccount | None:
    """The account with that number, or the first one when none is asked for."""
    if not number:
        return accounts[0] if accounts else None
    return next((a for a in accounts if a.number == number), None)


@dataclass(frozen=True)
class PaymentFacts:
    """One payment and whose it is: what a receipt prints."""

    entry: LedgerEntry
    account_number: str
    contract_number: str
    payer: Subscriber


def payment(tenant: Tenant, subscriber_id: int, entry_id: int) -> PaymentFacts | None:
    """A payment entry of one of the subscriber's accounts; None for anything else."""
    row = db.session.execute(
        sa.select(LedgerEntry, Account.number, Contract.number, Subscriber)
        .join(Account, LedgerEntry.account_id == Account.id)
        .join(Contract, Account.contract_id == Contract.id)
        .join(Subscriber, Contract.subscriber_id == Subscriber.id)
        .where(
            LedgerEntry.id == entry_id,
            LedgerEntry.tenant == tenant.slug,
            LedgerEntry.kind == EntryKind.PAYMENT.value,
            Account.tenant == tenant.slug,
            Subscriber.id == subscriber_id,
        )
    ).one_or_none()
    return PaymentFacts(*row) if row is not None else None


def requisites_of(tenant: Tenant, payer: Subscriber) -> Requisites | None:
    """The bank details the payer's money goes to: their region's own, else the ISP's."""
    return tenant.requisites_for(tenant.region(payer.region))


@dataclass(frozen=True)
class BankReceiptFacts:
    """What the bank receipt (form ПД-4) prints besides the ISP's requisites."""

    account_number: str
    payer: Subscriber
    address: str
    suggested: int


def bank_receipt_facts(
    tenant: Tenant, subscriber_id: int, account_number: str, today: date
) -> BankReceiptFacts | None:
    """The payer, their address and the amount worth suggesting: the debt or a month's fee."""
    payer = subscriber_of(tenant, subscriber_id)
    if payer is None:
        return None
    accounts = accounts_of(tenant, subscriber_id, with_points=True)
    account = next((a for a in accounts if a.number == account_number), None)
    if account is None:
        return None
    points = account.service_points
    month = monthly_fee(tenant, points, tenant.region(payer.region), today)
    suggested = -account.balance if account.balance < 0 else month
    address = points[0].address if points else ""
    return BankReceiptFacts(account.number, payer, address, suggested)


@dataclass(frozen=True)
class ChartView:
    series: chart.BalanceSeries
    shape: chart.ChartShape


def balance_charts(
    tenant: Tenant,
    subscriber_id: int,
    balances: dict[str, tuple[int, datetime]],
    today: date,
    zone: str,
) -> dict[str, ChartView]:
    """Each account's 90-day balance chart, by number, ending on the local day its balance
    was last updated (today at the latest): the chart and «Updated …» tell the same day.

    balances maps each account's number to its balance and the moment it last moved, as
    just read with the account.
    """
    local = ZoneInfo(zone)
    state = tuple(
        (number, balance, at, min(at.astimezone(local).date(), today))
        for number, (balance, at) in sorted(balances.items())
    )
    return dict(_charts(tenant.slug, subscriber_id, state, zone))


# Every posting moves its account's balance and, to the moment it is made, the time the
# balance last moved; so an account's (balance, moment, last day) is all its chart depends
# on, and a new entry makes a new key: no chart outlives the ledger it was drawn from.
# Per process and bounded; what the key already holds is never read from the database.
@lru_cache(maxsize=4096)
def _charts(tenant: str, subscriber_id: int, state: tuple, zone: str) -> dict[str, ChartView]:
    last_days = {number: last for number, _balance, _at, last in state}
    series = chart.balance_series(tenant, subscriber_id, last_days, zone)
    return {number: ChartView(s, chart.shape(s)) for number, s in series.items()}


def forget_charts() -> None:
    """Drop every chart kept: the database was replaced under the running process."""
    _charts.cache_clear()


# The first day of a statement shown whole (the staff console's): before any account.
EVERYTHING_SINCE = date(2000, 1, 1)


@dataclass(frozen=True)
class StatementPage:
    """One page of an account's entries, newest first, with their words."""

    page: history.Page
    said: dict[int, words.EntryWords]  # by entry id


def statement_page(
    tenant: Tenant, account_id: int, zone: str, locale: str, older: str | None = None
) -> StatementPage:
    """A page of the account's whole statement, older than the cursor of an «Older» link."""
    today = datetime.now(ZoneInfo(zone)).date()
    selection = history.Selection(account_id, EVERYTHING_SINCE, today, zone)
    found = history.page(selection, older_than=history.Cursor.parse(older))
    return StatementPage(found, words.describe(tenant, found.entries, locale, zone))
