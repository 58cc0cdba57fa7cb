"""Races on PostgreSQL: fifty clicks take one promised payment; two runs charge once."""

import os
import threading
from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from app.billing import promised
from app.billing.charging import run_tenant
from app.billing.models import PromisedPayment
from app.billing.promised import Refusal
from app.core.ledger import EntryKind, LedgerEntry, balance_mismatches
from app.core.subscribers import Account
from app.extensions import db

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgresql"),
        reason="needs PostgreSQL (set DATABASE_URL): SQLite has no row locks to race on",
    ),
]
THREADS = 50


def in_threads(count: int, work) -> list:
    """Run work() in count threads released at the same moment; their results or errors."""
    start = threading.Barrier(count)
    results: list = []

    def run() -> None:
        start.wait()
        try:
            results.append(work())
        except Exception as exc:  # collected: an exception in a thread would be lost
            results.append(exc)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_fifty_parallel_requests_take_exactly_one(app, make_app, make_subscriber):
    facts = make_subscriber(
        tenant="athome", balance=-50000, status="blocked", logins={"login": "racer"}
    )
    # No pool: every thread holds a connection of its own, all fifty at once.
    burst = make_app(SQLALCHEMY_ENGINE_OPTIONS={"poolclass": NullPool})
    athome = burst.extensions["tenancy"].tenants["athome"]

    def take():
        with burst.app_context():
            try:
                outcome = promised.take(athome, facts["account_id"])
                db.session.commit()
                return "taken" if isinstance(outcome, PromisedPayment) else outcome
            finally:
                db.session.remove()

    results = in_threads(THREADS, take)
    assert [r for r in results if isinstance(r, Exception)] == []
    assert results.count("taken") == 1
    assert results.count(Refusal.OPEN) == THREADS - 1
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PromisedPayment)) == 1
        credits = db.session.scalar(
            sa.select(sa.func.count()).where(LedgerEntry.kind == EntryKind.PROMISED_CREDIT)
        )
        assert credits == 1
        assert db.session.get(Account, facts["account_id"]).balance == -50000 + 45000
        assert balance_mismatches() == []


def test_two_runs_at_once_charge_each_account_once(app, make_app, make_subscriber):
    accounts = [make_subscriber(balance=100000)["account_id"] for _ in range(12)]
    burst = make_app(SQLALCHEMY_ENGINE_OPTIONS={"poolclass": NullPool})
    acme = burst.extensions["tenancy"].tenants["acme"]

    def run():
        with burst.app_context():
            try:
                # Small batches, so the two runs meet on the same locked rows many times.
                return run_tenant(acme, date(2025, 3, 10), batch_size=3).charged
            finally:
                db.session.remove()

    results = in_threads(2, run)
    assert [r for r in results if isinstance(r, Exception)] == []
    assert sum(results) == len(accounts)  # between them; neither charged twice
    with app.app_context():
        charges = db.session.scalars(
            sa.select(LedgerEntry.account_id).where(LedgerEntry.kind == EntryKind.CHARGE)
        ).all()
        assert sorted(charges) == sorted(accounts)
        assert balance_mismatches() == []
