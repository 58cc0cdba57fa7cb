"""Races on PostgreSQL: clicks on «Approve» send a refund to the gateway once, and refunds
asked side by side never add up to more than the payment."""

import os
from itertools import count

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from app.core.ledger import LedgerEntry, balance_mismatches
from app.extensions import db
from app.payments import service
from app.staff.roles import Role
from tests.postgres.test_promised_concurrency import in_threads
from tests.web import gateway_steps
from tests.web.staff_steps import make_member
from tests.web.test_gateway_refunds import _paid_yookassa

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgresql"),
        reason="needs PostgreSQL (set DATABASE_URL): SQLite has no row locks to race on",
    ),
]
THREADS = 12
yookassa = gateway_steps.yookassa  # the fake ЮKassa fixture of the web tests
TENANT = "yoo-shop"


def _refund_entries(app) -> list[int]:
    with app.app_context():
        return db.session.scalars(
            sa.select(LedgerEntry.amount).where(LedgerEntry.reference.like("refund:%"))
        ).all()


def _in_parallel(make_app, work_in) -> list:
    burst = make_app(SQLALCHEMY_ENGINE_OPTIONS={"poolclass": NullPool})
    tenant = burst.extensions["tenancy"].tenants[TENANT]
    turn = count()

    def work():
        n = next(turn)
        with burst.app_context():
            try:
                return work_in(tenant, n)
            finally:
                db.session.remove()

    return in_threads(THREADS, work)


def test_parallel_approvals_send_the_refund_once(
    app, make_app, yookassa, make_subscriber, tenant_client
):
    _, payment = _paid_yookassa(app, yookassa, make_subscriber, tenant_client, "500")
    asker = make_member(app, TENANT, Role.ACCOUNTANT, email="asker@staff.example")
    deciders = [
        make_member(app, TENANT, Role.ACCOUNTANT, email=f"d{n}@staff.example").id for n in range(2)
    ]
    with app.app_context():
        tenant = app.extensions["tenancy"].tenants[TENANT]
        outcome = service.request_refund(tenant, payment.id, 20000, asker.id, 10000)
        db.session.commit()
        refund_id = outcome.refund.id

    def approve(tenant, n):
        decided = service.approve_refund(tenant, refund_id, deciders[n % 2])
        db.session.commit()
        if decided.refusal is not None:
            return decided.refusal
        service.send_refund(tenant, refund_id)
        db.session.commit()
        return "sent"

    results = _in_parallel(make_app, approve)
    assert [r for r in results if isinstance(r, Exception)] == []
    assert results.count("sent") == 1
    assert results.count(service.RefundRefusal.DECIDED) == THREADS - 1
    assert len(yookassa.calls("POST", "/refunds")) == 1
    assert _refund_entries(app) == [-20000]
    with app.app_context():
        assert balance_mismatches() == []


def test_refunds_asked_side_by_side_stay_within_the_payment(
    app, make_app, yookassa, make_subscriber, tenant_client
):
    _, payment = _paid_yookassa(app, yookassa, make_subscriber, tenant_client, "500")
    staff = make_member(app, TENANT, Role.ACCOUNTANT, email="asker@staff.example")

    def ask(tenant, n):
        # Each 200 ₽ waits for approval (four eyes above 100 ₽): only what the lock allows.
        asked = service.request_refund(tenant, payment.id, 20000, staff.id, 10000)
        db.session.commit()
        return asked.refusal or "asked"

    results = _in_parallel(make_app, ask)
    assert [r for r in results if isinstance(r, Exception)] == []
    assert results.count("asked") == 2  # 2 × 200 ₽ of 500 ₽; a third would be 600 ₽
    assert results.count(service.RefundRefusal.TOO_MUCH) == THREADS - 2
