"""Many different payments and charges on one account at once keep balance = sum of entries."""

import os
import threading

import pytest
import sqlalchemy as sa

from app.core.ledger import EntryKind, LedgerEntry, balance_mismatches, credit, post_entry
from app.core.subscribers import Account
from app.extensions import db

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgresql"),
        reason="row locks are only real on PostgreSQL",
    ),
]
WORKERS = 20


def test_concurrent_payments_and_charges_keep_the_ledger_invariant(app, make_subscriber):
    account_id = make_subscriber(tenant="athome")["account_id"]
    tenant = app.extensions["tenancy"].tenants["athome"]
    start = threading.Barrier(WORKERS)
    failures: list[BaseException] = []

    def work(n: int) -> None:
        try:
            with app.app_context():  # its own session and connection
                start.wait()
                credit(tenant, account_id, 10000 + n, EntryKind.PAYMENT, f"concurrent:pay:{n}")
                db.session.commit()
                post_entry("athome", account_id, -1500, EntryKind.CHARGE, f"concurrent:chg:{n}")
                db.session.commit()
        except BaseException as exc:  # reported below, not lost in the thread
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    expected = sum(10000 + n - 1500 for n in range(WORKERS))
    with app.app_context():
        balance = db.session.get(Account, account_id).balance
        total = db.session.scalar(
            sa.select(sa.func.sum(LedgerEntry.amount)).where(LedgerEntry.account_id == account_id)
        )
        assert balance == total == expected
        assert balance_mismatches() == []
