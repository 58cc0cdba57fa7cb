"""Clicks at the same moment take one promised payment, on the SQLite file as on PostgreSQL.

SQLite has no row locks: the account lock there is a write taken before the checks, so the
second request waits for the first to commit and then sees its promised payment.
"""

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from app.billing import promised
from app.billing.models import PromisedPayment
from app.billing.promised import Refusal
from app.extensions import db
from tests.postgres.test_promised_concurrency import in_threads

CLICKS = 8


def test_simultaneous_clicks_take_one_promised_payment(app, make_app, make_subscriber):
    facts = make_subscriber(tenant="athome", balance=-50000, status="blocked")
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

    results = in_threads(CLICKS, take)
    assert [r for r in results if isinstance(r, Exception)] == []
    assert results.count("taken") == 1
    assert results.count(Refusal.OPEN) == CLICKS - 1
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PromisedPayment)) == 1
