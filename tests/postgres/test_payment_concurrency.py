"""Ten deliveries of one notification at the same moment credit the account exactly once."""

import json
import os
import threading

import pytest
import sqlalchemy as sa

from app.core.ledger import LedgerEntry, balance_mismatches
from app.extensions import db
from app.payments import service
from app.sandbox import bank

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgresql"),
        reason="row locks are only real on PostgreSQL",
    ),
]
DELIVERIES = 10


def test_concurrent_deliveries_credit_once(app, make_subscriber):
    account_id = make_subscriber(tenant="athome")["account_id"]
    with app.app_context():
        tenant = app.extensions["tenancy"].tenants["athome"]
        new = service.NewPayment(account_id, service.method_by_code(tenant, "card"), 50000)
        reference = service.create_payment(tenant, new).reference
        db.session.commit()
        raw = json.dumps(
            {
                "payment_id": "sbx_pay_concurrent",
                "reference": reference,
                "amount": 50000,
                "currency": "RUB",
                "status": "succeeded",
                "failure_reason": None,
                "card": None,
            }
        ).encode()
        headers = {"X-Sandbox-Signature": bank.sign("athome", raw)}
    start = threading.Barrier(DELIVERIES)
    statuses: list[int] = []

    def deliver() -> None:
        client = app.test_client()  # its own app context, session and connection per request
        start.wait()
        response = client.post(
            "/payments/notify/sandbox",
            data=raw,
            headers=headers,
            base_url="http://athome.localhost",
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=deliver) for _ in range(DELIVERIES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert statuses == [200] * DELIVERIES  # later deliveries wait for the lock, then see it paid
    with app.app_context():
        amounts = db.session.scalars(
            sa.select(LedgerEntry.amount).where(LedgerEntry.account_id == account_id)
        ).all()
        assert amounts == [50000]
        assert balance_mismatches() == []
