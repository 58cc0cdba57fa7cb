"""Accountants clicking «approve» on one transfer at once move its money exactly once."""

import os
import threading

import pytest
import sqlalchemy as sa

from app.core.ledger import LedgerEntry, balance_mismatches
from app.core.subscribers import Account
from app.extensions import db
from app.transfers import service as transfers
from app.transfers.models import TransferEvent, TransferRequest, TransferStatus
from tests.web.queue_steps import file_transfer

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgresql"),
        reason="row locks are only real on PostgreSQL",
    ),
]
WORKERS = 8


def test_concurrent_approvals_of_one_transfer_move_the_money_once(app, make_subscriber, tmp_path):
    payer = make_subscriber(tenant="athome", balance=10_000)
    holder = make_subscriber(tenant="athome", balance=500_000)
    transfer = file_transfer(app, "athome", payer["id"], payer["account"], 120_000, tmp_path)
    tenant = app.extensions["tenancy"].tenants["athome"]
    start = threading.Barrier(WORKERS)
    outcomes: list[str] = []
    failures: list[BaseException] = []

    def approve(n: int) -> None:
        try:
            with app.app_context():  # its own session and connection
                start.wait()
                try:
                    transfers.approve(
                        tenant, transfer, holder["account"], None, None, actor=f"staff:{n}"
                    )
                    db.session.commit()
                    outcomes.append("moved")
                except transfers.NotApproved as refused:
                    db.session.rollback()
                    outcomes.append(refused.reason)
        except BaseException as exc:  # reported below, not lost in the thread
            failures.append(exc)

    threads = [threading.Thread(target=approve, args=(n,)) for n in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    assert sorted(outcomes) == ["decided"] * (WORKERS - 1) + ["moved"]
    with app.app_context():
        assert db.session.get(Account, payer["account_id"]).balance == 10_000 + 120_000
        assert db.session.get(Account, holder["account_id"]).balance == 500_000 - 120_000
        moved = db.session.scalars(
            sa.select(LedgerEntry.reference).where(LedgerEntry.reference.like("transfer-%"))
        ).all()
        assert sorted(moved) == [f"transfer-in:{transfer}", f"transfer-out:{transfer}"]
        assert db.session.get(TransferRequest, transfer).status == TransferStatus.DONE
        done = sa.select(sa.func.count()).where(
            TransferEvent.request_id == transfer, TransferEvent.status == TransferStatus.DONE
        )
        assert db.session.scalar(done) == 1
        assert balance_mismatches() == []


def test_approvals_of_two_transfers_between_the_same_accounts_do_not_deadlock(
    app, make_subscriber, tmp_path
):
    """Opposite directions at once: the accounts are locked in one order, so both finish."""
    first = make_subscriber(tenant="athome", balance=100_000)
    second = make_subscriber(tenant="athome", balance=100_000)
    one = file_transfer(app, "athome", first["id"], first["account"], 1_000, tmp_path)
    other = file_transfer(app, "athome", second["id"], second["account"], 3_000, tmp_path)
    tenant = app.extensions["tenancy"].tenants["athome"]
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def approve(transfer: int, source: str) -> None:
        try:
            with app.app_context():
                start.wait()
                transfers.approve(tenant, transfer, source, None, None, actor="staff:1")
                db.session.commit()
        except BaseException as exc:
            failures.append(exc)

    threads = [
        threading.Thread(target=approve, args=(one, second["account"])),
        threading.Thread(target=approve, args=(other, first["account"])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    with app.app_context():
        assert db.session.get(Account, first["account_id"]).balance == 100_000 + 1_000 - 3_000
        assert db.session.get(Account, second["account_id"]).balance == 100_000 - 1_000 + 3_000
        assert balance_mismatches() == []
