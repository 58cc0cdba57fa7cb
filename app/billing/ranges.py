"""Which accounts the daily run charges, and how it splits them between workers."""

import sqlalchemy as sa

from app.core.subscribers import Account, AccountStatus
from app.extensions import db


def active_accounts(tenant: str) -> sa.Select:
    """The ids of a tenant's accounts that the run charges."""
    return sa.select(Account.id).where(
        Account.tenant == tenant, Account.status == AccountStatus.ACTIVE
    )


def account_ranges(tenant: str, size: int) -> list[tuple[int, int | None]]:
    """Id ranges of about `size` active accounts each, in order, that together hold every
    active account; the last is open-ended, so an account added meanwhile is not missed."""
    numbered = active_accounts(tenant).add_columns(
        sa.func.row_number().over(order_by=Account.id).label("n")
    )
    numbered = numbered.subquery()
    starts = list(
        db.session.scalars(
            sa.select(numbered.c.id).where((numbered.c.n - 1) % size == 0).order_by(numbered.c.id)
        )
    )
    ends: list[int | None] = [start - 1 for start in starts[1:]]
    return list(zip(starts, [*ends, None], strict=True))
