"""Races on PostgreSQL: twenty clicks on «Approve» post a waiting correction exactly once."""

import os

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from app.core.ledger import LedgerEntry, balance_mismatches
from app.core.subscribers import Account
from app.extensions import db
from app.staff import money
from app.staff.roles import Role
from tests.postgres.test_promised_concurrency import in_threads
from tests.web.staff_steps import make_member

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgresql"),
        reason="needs PostgreSQL (set DATABASE_URL): SQLite has no row locks to race on",
    ),
]
THREADS = 20


def _waiting(app, make_subscriber, kind=money.CorrectionKind.CREDIT, kopecks=600000):
    facts = make_subscriber(tenant="tomtel", balance=1000000)
    asker = make_member(app, "tomtel", Role.ACCOUNTANT, email="asker@staff.example")
    tenant = app.extensions["tenancy"].tenants["tomtel"]
    with app.app_context():
        outcome = money.ask(tenant, facts["account_id"], kind, kopecks, "race", asker.id, "A")
        db.session.commit()
        assert outcome.correction.status == money.CorrectionStatus.PENDING
        return facts, outcome.correction.id


def _decide_in_parallel(app, make_app, correction_id: int, decide) -> list:
    burst = make_app(SQLALCHEMY_ENGINE_OPTIONS={"poolclass": NullPool})
    tenant = burst.extensions["tenancy"].tenants["tomtel"]
    deciders = [
        make_member(app, "tomtel", Role.ACCOUNTANT, email=f"d{n}@staff.example").id
        for n in range(2)
    ]
    turn = iter(range(THREADS))

    def work():
        staff_id = deciders[next(turn) % 2]
        with burst.app_context():
            try:
                correction = money.correction_of(tenant, correction_id)
                outcome = decide(tenant, correction, staff_id)
                db.session.commit()
                return outcome.refusal or "done"
            finally:
                db.session.remove()

    return in_threads(THREADS, work)


def test_parallel_approvals_post_the_correction_once(app, make_app, make_subscriber):
    facts, correction_id = _waiting(app, make_subscriber)
    results = _decide_in_parallel(
        app, make_app, correction_id, lambda t, c, s: money.approve(t, c, s, "B")
    )
    assert [r for r in results if isinstance(r, Exception)] == []
    assert results.count("done") == 1
    assert results.count(money.Refusal.DECIDED) == THREADS - 1
    with app.app_context():
        assert db.session.get(Account, facts["account_id"]).balance == 1600000
        references = db.session.scalars(
            sa.select(LedgerEntry.reference).where(LedgerEntry.reference.like("staff-money:%"))
        ).all()
        assert references == [f"staff-money:{correction_id}"]
        assert balance_mismatches() == []


def test_approvals_racing_refusals_decide_once(app, make_app, make_subscriber):
    facts, correction_id = _waiting(app, make_subscriber, money.CorrectionKind.REFUND, 600000)

    turns = iter(range(THREADS))

    def approve_or_refuse(tenant, correction, staff_id):
        if next(turns) % 2:
            return money.approve(tenant, correction, staff_id, "B")
        return money.refuse(tenant, correction, staff_id, "B", "no")

    results = _decide_in_parallel(app, make_app, correction_id, approve_or_refuse)
    assert [r for r in results if isinstance(r, Exception)] == []
    assert results.count("done") == 1
    with app.app_context():
        correction = db.session.get(money.StaffCorrection, correction_id)
        balance = db.session.get(Account, facts["account_id"]).balance
        if correction.status == money.CorrectionStatus.APPLIED:
            assert balance == 400000
        else:
            assert correction.status == money.CorrectionStatus.REFUSED and balance == 1000000
        assert balance_mismatches() == []
