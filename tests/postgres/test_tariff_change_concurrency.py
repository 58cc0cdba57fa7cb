"""Races on PostgreSQL: twenty clicks order one tariff change; paid immediate ones charge once."""

import os
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

import app.services.service as services
from app.core.ledger import balance_mismatches
from app.core.subscribers import ServicePoint, subscriber_of
from app.extensions import db
from app.services.models import TariffChange
from app.tenancy.schema import ChangeTiming
from tests.postgres.test_promised_concurrency import in_threads

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgresql"),
        reason="needs PostgreSQL (set DATABASE_URL): SQLite has no row locks to race on",
    ),
]
THREADS = 20


def test_parallel_orders_for_one_point_make_one_change(app, make_app, make_subscriber):
    facts = make_subscriber(
        tenant="novotelecom", tariffs=("domashniy-100",), region="nsk", balance=100000
    )
    burst = make_app(SQLALCHEMY_ENGINE_OPTIONS={"poolclass": NullPool})
    tenant = burst.extensions["tenancy"].tenants["novotelecom"]
    with burst.app_context():
        point_id = db.session.scalar(
            sa.select(ServicePoint.id).where(ServicePoint.account_id == facts["account_id"])
        )

    def order():
        with burst.app_context():
            try:
                subscriber = subscriber_of(tenant, facts["id"])
                result = services.order(
                    tenant,
                    subscriber,
                    point_id,
                    "domashniy-500",
                    ChangeTiming.NEXT_DAY,
                    now=datetime.now(UTC),
                )
                db.session.commit()
                return "ordered" if isinstance(result, TariffChange) else result.refusal
            finally:
                db.session.remove()

    results = in_threads(THREADS, order)
    assert [r for r in results if isinstance(r, Exception)] == []
    assert results.count("ordered") == 1
    assert results.count(services.Refusal.PENDING) == THREADS - 1
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(TariffChange)) == 1
        assert balance_mismatches() == []
