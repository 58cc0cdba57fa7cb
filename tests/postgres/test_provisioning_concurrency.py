"""Two provisioning deliverers on their own PostgreSQL connections never post one event twice."""

import os
import threading

import pytest
from sqlalchemy.pool import NullPool

from app.core.signals import service_changed
from app.extensions import db
from app.provisioning import outbox
from tests import network_receiver

network = network_receiver.network  # the fixture, for this module's tests

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgresql"),
        reason="needs PostgreSQL (set DATABASE_URL): SQLite has no row locks to race on",
    ),
]
EVENTS = 40


def test_two_deliverers_post_each_event_once(app, make_app, make_subscriber, network):
    tenant = app.extensions["tenancy"].tenants["athome"]
    customer = make_subscriber(tenant="athome")
    with app.app_context():
        for n in range(EVENTS):
            service_changed.send(
                tenant,
                account_id=customer["account_id"],
                point_id=None,
                event="speed-changed",
                details={"n": n},
            )
        db.session.commit()
    workers = [make_app(SQLALCHEMY_ENGINE_OPTIONS={"poolclass": NullPool}) for _ in range(2)]
    start = threading.Barrier(len(workers))
    delivered: list[int] = []

    def work(worker) -> None:
        start.wait()
        with worker.app_context():
            # Small batches, so the two keep meeting on the same rows.
            while count := outbox.deliver(limit=3):
                delivered.append(count)

    threads = [threading.Thread(target=work, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(delivered) == EVENTS
    assert len(network.arrivals) == EVENTS
    assert sorted(a.event["details"]["n"] for a in network.arrivals) == list(range(EVENTS))
    assert len(set(network.event_ids())) == EVENTS
