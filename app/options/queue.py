"""Option requests as staff see them: what waits for a decision, and what was decided.

The decision itself is service.review; this only reads, with each request's account and
holder, for the console's «Reviews» (requests of options that need staff) and «Orders»
(one-off orders).
"""

from dataclasses import dataclass

import sqlalchemy as sa

from app.core.scoped import owned
from app.core.subscribers import Account, Contract, Subscriber
from app.extensions import db
from app.tenancy.registry import Tenant
from app.tenancy.schema import OptionKind

from .models import Activation, Status


@dataclass(frozen=True)
class Waiting:
    """An option request with its account and holder, as a queue's row shows it."""

    row: Activation
    account: Account
    subscriber: Subscriber

    @property
    def days(self) -> int | None:
        """How many days a block or a pause is asked for; None for what has no length."""
        row = self.row
        if row.ends_at is None or row.kind == OptionKind.ORDER:
            return None
        return max(1, round((row.ends_at - row.starts_at).total_seconds() / 86400))


def _with_holders(query: sa.Select) -> list[Waiting]:
    query = (
        query.add_columns(Account, Subscriber)
        .join(Account, Account.id == Activation.account_id)
        .join(Contract, Contract.id == Account.contract_id)
        .join(Subscriber, Subscriber.id == Contract.subscriber_id)
    )
    return [Waiting(*found) for found in db.session.execute(query)]


def _kind(orders: bool):
    return Activation.kind == OptionKind.ORDER if orders else Activation.kind != OptionKind.ORDER


def waiting(tenant: Tenant, orders: bool) -> list[Waiting]:
    """The tenant's requests waiting for staff, oldest first: one-off orders, or the other
    options that need a review (a voluntary block …)."""
    return _with_holders(
        owned(Activation, tenant)
        .where(Activation.status == Status.REQUESTED, _kind(orders))
        .order_by(Activation.created_at, Activation.id)
    )


def decided_lately(tenant: Tenant, orders: bool, limit: int = 20) -> list[Waiting]:
    """The last requests staff decided, newest first: orders or the other reviews."""
    return _with_holders(
        owned(Activation, tenant)
        .where(Activation.decided_at.is_not(None), _kind(orders))
        .order_by(Activation.decided_at.desc(), Activation.id.desc())
        .limit(limit)
    )


def request_in(tenant: Tenant, activation_id: int, orders: bool) -> Waiting | None:
    """One request of this tenant in the queue named (orders or reviews), or None."""
    found = _with_holders(
        owned(Activation, tenant).where(Activation.id == activation_id, _kind(orders))
    )
    return found[0] if found else None
