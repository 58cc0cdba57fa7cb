"""The job queue: a real huey consumer on the local Redis sends what a request queued, once;
periodic jobs run under a lock; the operators' commands."""

import json
import threading
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.core.jobs import Jobs, Periodic, create_queue, jobs_of
from app.extensions import db
from app.notify import queue as notify_queue
from app.notify.models import QueuedMessage, Status
from app.persistence import utcnow

REDIS_QUEUE = "redis://127.0.0.1:6379/5"


def _queue_email(app, to: str) -> int:
    with app.app_context():
        tenant = app.extensions["tenancy"].tenants["acme"]
        message = notify_queue.queue_email(tenant, to, "Проверка", "Текст письма")
        db.session.commit()
        return message.id


def _until(check, seconds: float = 10.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := check():
            return found
        time.sleep(0.05)
    raise AssertionError("not within the deadline")


@pytest.fixture
def redis_queue(app, monkeypatch):
    """The app's queue on the local Redis (its own database), emptied before and after."""
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_QUEUE).ping()
    except redis.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    queue = Jobs(app, create_queue(REDIS_QUEUE, name="portal-test"))
    queue.huey.flush()
    monkeypatch.setitem(app.extensions, "jobs", queue)
    yield queue
    queue.huey.flush()


@pytest.fixture
def consumer(redis_queue):
    """A real huey consumer with two worker threads, as `flask jobs worker` runs."""
    running = redis_queue.huey.create_consumer(workers=2, worker_type="thread", periodic=False)
    running.start()
    yield running
    running.stop(graceful=True)


def test_a_worker_sends_what_was_queued_through_redis(app, mailbox, redis_queue, consumer):
    message_id = _queue_email(app, "queued@example.ru")
    with app.app_context():
        redis_queue.enqueue(notify_queue.REQUEST_KEY, [message_id])
    _until(lambda: mailbox.messages)
    assert [str(m["To"]) for m in mailbox.messages] == ["queued@example.ru"]
    with app.app_context():
        assert db.session.get(QueuedMessage, message_id).status == Status.SENT


def test_a_job_enqueued_twice_sends_once(app, mailbox, redis_queue, consumer):
    message_id = _queue_email(app, "twice@example.ru")
    with app.app_context():
        for _ in range(4):
            redis_queue.enqueue(notify_queue.REQUEST_KEY, [message_id])
    _until(lambda: mailbox.messages)
    _until(lambda: redis_queue.huey.pending_count() == 0 or None)
    time.sleep(0.2)  # the other three jobs, if any could send, would have by now
    assert len(mailbox.messages) == 1


def test_a_request_hands_its_messages_to_the_queue_not_to_smtp(app, mailbox, redis_queue):
    """No consumer runs: the request answers, its message waits in Redis for a worker."""
    tenant = app.extensions["tenancy"].tenants["athome"]
    with app.test_request_context(base_url="http://athome.localhost"):
        notify_queue.queue_email(tenant, "waits@example.ru", "Тема", "Текст")
        response = app.process_response(app.make_response("ok"))
        response.close()
    assert redis_queue.huey.pending_count() == 1
    assert mailbox.messages == []


def test_the_sweep_sends_a_due_message_no_job_carried(app, mailbox):
    message_id = _queue_email(app, "swept@example.ru")
    with app.app_context():
        # As if its job had been lost with a worker: the row is due, nobody enqueued it.
        jobs_of(app).run_periodic("notify.sweep")
    assert [str(m["To"]) for m in mailbox.messages] == ["swept@example.ru"]
    with app.app_context():
        assert db.session.get(QueuedMessage, message_id).status == Status.SENT


def test_a_periodic_job_holding_its_lock_is_not_run_again(app, redis_queue):
    entered, release = threading.Event(), threading.Event()
    runs = []

    def slow() -> str:
        runs.append(1)
        entered.set()
        release.wait(10)
        return "done"

    locked = redis_queue._locked(Periodic("options.run", {}, slow))
    first = threading.Thread(target=locked)
    first.start()
    try:
        assert entered.wait(10)
        assert locked() is None  # a second scheduler's run, while the first holds the lock
    finally:
        release.set()
        first.join(10)
    assert runs == [1]
    assert locked() == "done"  # free again


def test_the_billing_job_charges_a_day_once_however_often_it_runs(app, make_subscriber):
    from app.billing import schedule
    from app.core.ledger import LedgerEntry

    make_subscriber(tenant="acme", balance=100_000)
    with app.app_context():
        jobs_of(app).run_periodic("billing.daily")  # fans out: one job per tenant
        schedule.run_tenant_job("acme")
        schedule.run_tenant_job("acme")
        charges = db.session.scalars(
            sa.select(LedgerEntry.reference).where(
                LedgerEntry.tenant == "acme", LedgerEntry.reference.like("charge:%")
            )
        ).all()
    assert len(charges) == 1
    assert len(set(charges)) == len(charges)


def test_jobs_status_reports_the_outboxes(app):
    message_id = _queue_email(app, "status@example.ru")
    with app.app_context():
        db.session.execute(
            sa.update(QueuedMessage)
            .where(QueuedMessage.id == message_id)
            .values(next_attempt_at=utcnow() - timedelta(minutes=5))
        )
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["jobs", "status", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["storage"] == "MemoryStorage"
    assert report["outboxes"]["messages"]["due"] == 1
    assert report["outboxes"]["messages"]["oldest_due_seconds"] >= 290
    assert "billing.daily" in report["periodic"]


def test_failed_messages_are_listed_and_sent_again_from_the_command_line(app, mailbox):
    message_id = _queue_email(app, "dead@example.ru")
    with app.app_context():
        db.session.execute(
            sa.update(QueuedMessage)
            .where(QueuedMessage.id == message_id)
            .values(status=Status.FAILED, attempts=4, last_error="SMTPServerDisconnected")
        )
        db.session.commit()
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["outbox", "failed"])
    assert listed.exit_code == 0
    assert str(message_id) in listed.output and "SMTPServerDisconnected" in listed.output
    assert "dead@example.ru" not in listed.output  # masked
    retried = runner.invoke(args=["outbox", "retry", str(message_id)])
    assert retried.exit_code == 0, retried.output
    assert "1 message(s) queued again" in retried.output
    assert [str(m["To"]) for m in mailbox.messages] == ["dead@example.ru"]


def test_billing_run_prints_a_json_summary_for_scripts(app, make_subscriber):
    make_subscriber(tenant="acme", balance=100_000)
    result = app.test_cli_runner().invoke(args=["billing", "run", "--tenant", "acme", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["failed"] is False
    (acme,) = summary["tenants"]
    assert acme["tenant"] == "acme" and acme["charged"] == 1 and acme["kopecks"] > 0


def test_an_unknown_queue_url_stops_start_up_with_its_name(make_app):
    from app.config import ConfigError

    with pytest.raises(ConfigError, match="PORTAL_QUEUE_URL"):
        make_app(PORTAL_QUEUE_URL="amqp://elsewhere")


def test_the_scheduler_enqueues_the_jobs_due_this_minute_for_the_workers(app, redis_queue):
    result = app.test_cli_runner().invoke(args=["jobs", "scheduler", "--ticks", "1"])
    assert result.exit_code == 0, result.output
    queued = {redis_queue.huey.dequeue().name for _ in range(redis_queue.huey.pending_count())}
    assert {"periodic:options.run", "periodic:notify.sweep", "periodic:provisioning.sweep"} <= (
        queued
    )


def test_workers_charge_a_tenant_range_by_range_and_one_finishes_the_run(
    app, make_subscriber, consumer, monkeypatch
):
    from app.billing import schedule
    from app.billing.models import BillingRun

    monkeypatch.setitem(app.config, "PORTAL_BILLING_RANGE", 2)
    for _ in range(6):
        make_subscriber(tenant="acme", balance=100_000)
    with app.app_context():
        jobs_of(app).enqueue(schedule.TENANT_JOB, "acme")

    def finished():
        with app.app_context():
            return db.session.scalar(sa.select(BillingRun).where(BillingRun.summary.is_not(None)))

    run = _until(finished, seconds=30)
    assert (run.ranges, run.ranges_done, run.charged) == (3, 3, 6)
    assert "option fees" in run.summary
