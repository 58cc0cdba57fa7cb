"""The promised payment: a few days of credit that restores access on a small debt.

The rules are the ISP's (tenant.config.billing.promised_payment). While a promise is
open the account keeps its access even if the credit does not cover the whole debt;
when it falls due the daily run writes the credit back off and the normal suspension
rule applies again.
"""

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import cache

import sqlalchemy as sa

from app.core import audit
from app.core.calendar import LocalDates, local_midnight
from app.core.ledger import Cause, EntryKind, credit, lock_account, post_entry, set_status
from app.core.scoped import owned
from app.core.subscribers import (
    Account,
    AccountStatus,
    Contract,
    ServicePoint,
    Subscriber,
    SubscriberKind,
    account_region,
    holder_of,
    monthly_fee,
)
from app.extensions import db
from app.persistence import utcnow
from app.tenancy.registry import Tenant
from app.tenancy.schema import PromisedPayment as Rule

from .models import PromisedPayment


class Refusal(StrEnum):
    """Why a promised payment cannot be taken now, in the order they are checked."""

    ORGANISATION = "organisation"  # the ISP lends to persons only
    NEW_CONTRACT = "new_contract"  # within the first days after the contract was signed
    PAUSED = "paused"
    OPEN = "open"  # the previous one is not repaid yet
    USED_UP = "used_up"  # `times` already taken this month / in the window
    NOT_NEGATIVE = "not_negative"  # there is money on the balance
    DEBT_TOO_BIG = "debt_too_big"
    NOTHING_TO_LEND = "nothing_to_lend"  # a monthly-fee promise on an account with no fee


@dataclass(frozen=True)
class Offer:
    """What a promised payment would be for one account right now, or why it cannot be."""

    rule: Rule
    amount: int
    fee: int
    due_on: date
    used: int
    debt: int
    open: PromisedPayment | None
    refusal: Refusal | None
    # The first local day a contract too new for a promise may have one.
    possible_from: date | None = None

    @property
    def allowed(self) -> bool:
        return self.refusal is None


def rule_of(tenant: Tenant) -> Rule | None:
    """The tenant's promised-payment rule; None where the ISP offers none."""
    return tenant.config.billing.promised_payment


def _monthly_fee(tenant: Tenant, account_id: int) -> int:
    points = db.session.scalars(
        owned(ServicePoint, tenant).where(ServicePoint.account_id == account_id)
    )
    return monthly_fee(tenant, list(points))


def open_promise(tenant: Tenant, account_id: int) -> PromisedPayment | None:
    """The account's promise that is not repaid yet, if any."""
    return db.session.scalar(
        owned(PromisedPayment, tenant).where(
            PromisedPayment.account_id == account_id,
            PromisedPayment.closed_at.is_(None),
        )
    )


@dataclass(frozen=True)
class OpenPromise:
    """What the dashboard needs of an open promise: how much goes back, and when."""

    amount: int
    due_at: datetime


@cache
def _open_promises_query() -> sa.Select:
    table = PromisedPayment.__table__
    return sa.select(table.c.account_id, table.c.amount, table.c.due_at).where(
        table.c.tenant == sa.bindparam("tenant"),
        table.c.account_id.in_(sa.bindparam("account_ids", expanding=True)),
        table.c.closed_at.is_(None),
    )


def open_promises(tenant: Tenant, account_ids: list[int]) -> dict[int, OpenPromise]:
    """The open promise of each of these accounts that has one, in one light query (plain
    rows, no ORM objects: it runs on every dashboard); none where the ISP offers no promised
    payment or there are no accounts."""
    if rule_of(tenant) is None or not account_ids:
        return {}
    rows = db.session.execute(
        _open_promises_query(), {"tenant": tenant.slug, "account_ids": account_ids}
    )
    return {account_id: OpenPromise(amount, due_at) for account_id, amount, due_at in rows}


def _period_start(rule: Rule, local_day: date, zone, now: datetime) -> datetime:
    if rule.period == "rolling":
        return now - timedelta(days=rule.window_days)
    return local_midnight(local_day.replace(day=1), zone)


def _used(tenant: Tenant, account_id: int, since: datetime) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).where(
            PromisedPayment.tenant == tenant.slug,
            PromisedPayment.account_id == account_id,
            PromisedPayment.taken_at >= since,
        )
    )


def _holder(tenant: Tenant, account_id: int) -> tuple[str, date]:
    """The kind of subscriber holding the account and the day their contract was signed."""
    return db.session.execute(
        sa.select(Subscriber.kind, Contract.signed_on)
        .join(Contract, Contract.subscriber_id == Subscriber.id)
        .join(Account, Account.contract_id == Contract.id)
        .where(Account.id == account_id, Account.tenant == tenant.slug)
    ).one()


def _holder_refusal(rule: Rule, kind: str, possible_from: date, today: date):
    if kind == SubscriberKind.ORGANISATION and not rule.organisations:
        return Refusal.ORGANISATION
    if today < possible_from:
        return Refusal.NEW_CONTRACT
    return None


def _refusal(rule: Rule, account: Account, amount: int, used: int, is_open: bool):
    if account.status == AccountStatus.PAUSED:
        return Refusal.PAUSED
    if is_open:
        return Refusal.OPEN
    if used >= rule.times:
        return Refusal.USED_UP
    if account.balance >= 0:
        return Refusal.NOT_NEGATIVE
    if -account.balance > rule.max_debt:
        return Refusal.DEBT_TOO_BIG
    if amount <= 0:
        return Refusal.NOTHING_TO_LEND
    return None


def offer(tenant: Tenant, account: Account, now: datetime | None = None) -> Offer:
    """The promised payment the account may take now, or the rule that stops it."""
    rule = rule_of(tenant)
    if rule is None:
        raise LookupError(f"tenant {tenant.slug} offers no promised payment")
    now = now or utcnow()
    dates = LocalDates(tenant, now)
    region = account_region(tenant, account.id)
    code = region.code if region else None
    zone, today = dates.zone(code), dates.of(code)
    amount = rule.fixed_amount if rule.amount == "fixed" else _monthly_fee(tenant, account.id)
    current = open_promise(tenant, account.id)
    used = _used(tenant, account.id, _period_start(rule, today, zone, now))
    kind, signed_on = _holder(tenant, account.id)
    possible_from = signed_on + timedelta(days=rule.min_contract_days)
    refusal = _holder_refusal(rule, kind, possible_from, today) or _refusal(
        rule, account, amount, used, current is not None
    )
    return Offer(
        rule=rule,
        amount=amount,
        fee=rule.fee,
        due_on=today + timedelta(days=rule.days),
        used=used,
        debt=max(0, -account.balance),
        open=current,
        refusal=refusal,
        possible_from=possible_from if refusal == Refusal.NEW_CONTRACT else None,
    )


def take(tenant: Tenant, account_id: int, now: datetime | None = None):
    """Activate a promised payment under the account's row lock; the PromisedPayment or a
    Refusal. The caller commits."""
    now = now or utcnow()
    account = lock_account(tenant.slug, account_id)
    if account is None:
        raise LookupError(f"no account {account_id} in tenant {tenant.slug}")
    terms = offer(tenant, account, now)
    if terms.refusal is not None:
        return terms.refusal
    region = account_region(tenant, account_id)
    zone = LocalDates(tenant, now).zone(region.code if region else None)
    promise = PromisedPayment(
        tenant=tenant.slug,
        account_id=account_id,
        amount=terms.amount,
        fee=terms.fee,
        taken_at=now,
        due_at=local_midnight(terms.due_on, zone),
        reference=f"promised:{uuid.uuid4().hex}",
    )
    db.session.add(promise)
    db.session.flush()
    audit.record(
        tenant.slug,
        "promised.taken",
        subscriber_id=holder_of(tenant.slug, account_id),
        target=f"account:{account_id}",
        after={"amount": terms.amount, "fee": terms.fee, "due": terms.due_on},
    )
    credit(tenant, account_id, terms.amount, EntryKind.PROMISED_CREDIT, promise.reference)
    if terms.fee > 0:
        post_entry(tenant.slug, account_id, -terms.fee, EntryKind.CHARGE, _fee_ref(promise))
    # The promise itself is the access extension, even where it leaves some debt.
    set_status(tenant, account, AccountStatus.ACTIVE, Cause.PROMISED)
    db.session.flush()
    return promise


def due_on(tenant: Tenant, promise: PromisedPayment) -> date:
    """The local date on which a promise is written back off."""
    region = account_region(tenant, promise.account_id)
    return promise.due_at.astimezone(
        LocalDates(tenant, promise.due_at).zone(region.code if region else None)
    ).date()


def _fee_ref(promise: PromisedPayment) -> str:
    return f"promised-fee:{promise.id}"


def repayment_reference(promise: PromisedPayment) -> str:
    """The ledger reference that writes a promise's credit back off."""
    return f"promised-repay:{promise.id}"


def repay(tenant: Tenant, promise: PromisedPayment, now: datetime) -> None:
    """Write the credit back off and close the promise; a second call changes nothing."""
    post_entry(
        tenant.slug,
        promise.account_id,
        -promise.amount,
        EntryKind.PROMISED_REPAYMENT,
        repayment_reference(promise),
        at=now,
    )
    promise.closed_at = promise.closed_at or now


def repay_due(tenant: Tenant, dates: LocalDates, now: datetime) -> int:
    """Repay every open promise due on or before its account's local date; how many."""
    codes = [None, *tenant.regions]
    cutoffs = {code: local_midnight(dates.of(code), dates.zone(code)) for code in codes}
    rows = db.session.execute(
        sa.select(PromisedPayment, Subscriber.region)
        .join(Account, Account.id == PromisedPayment.account_id)
        .join(Contract, Contract.id == Account.contract_id)
        .join(Subscriber, Subscriber.id == Contract.subscriber_id)
        .where(PromisedPayment.tenant == tenant.slug, PromisedPayment.closed_at.is_(None))
        .where(PromisedPayment.due_at <= max(cutoffs.values()))
        .order_by(PromisedPayment.account_id)
    ).all()
    repaid = 0
    for promise, region in rows:
        code = region if region in tenant.regions else None
        if promise.due_at <= cutoffs[code]:
            repay(tenant, promise, now)
            repaid += 1
    return repaid
