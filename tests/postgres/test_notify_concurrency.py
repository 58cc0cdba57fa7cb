"""Two deliverers on their own PostgreSQL connections never send one message twice."""

import os
import threading

import pytest
from sqlalchemy.pool import NullPool

from app.extensions import db
from app.notify import queue
from app.notify.service import queue_sms

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgresql"),
        reason="needs PostgreSQL (set DATABASE_URL): SQLite has no row locks to race on",
    ),
]
MESSAGES = 40


def test_two_deliverers_send_each_message_once(app, make_app, sms):
    tenant = app.extensions["tenancy"].tenants["athome"]
    with app.app_context():
        for n in range(MESSAGES):
            queue_sms(tenant, "+79135551234", f"Код: {n:06d}")
        db.session.commit()
    workers = [make_app(SQLALCHEMY_ENGINE_OPTIONS={"poolclass": NullPool}) for _ in range(2)]
    start = threading.Barrier(len(workers))
    sent: list[int] = []

    def work(worker) -> None:
        start.wait()
        with worker.app_context():
            # Small batches, so the two keep meeting on the same rows.
            while count := queue.deliver(limit=3):
                sent.append(count)

    threads = [threading.Thread(target=work, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    texts = sms("+79135551234")
    assert sum(sent) == MESSAGES
    assert sorted(texts) == sorted(f"Код: {n:06d}" for n in range(MESSAGES))
