"""The chat brokers wake a waiting feed on publish, and only for its own conversation."""

import threading
import time
import uuid
from datetime import UTC, datetime

import pytest

from app.chat.broker import InProcessBroker, RedisBroker
from app.chat.service import opening
from app.tenancy.help_schema import Hours

REDIS_URL = "redis://127.0.0.1:6379/15"


def _redis_or_skip():
    try:
        import redis
    except ImportError:
        pytest.skip("redis-py is not installed")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        pytest.skip(f"no Redis at {REDIS_URL}: {exc}")
    return RedisBroker(REDIS_URL)


@pytest.fixture(params=["in-process", "redis"])
def broker(request):
    return InProcessBroker() if request.param == "in-process" else _redis_or_skip()


def test_a_publish_wakes_the_waiter(broker):
    key = f"test:{uuid.uuid4().hex}"
    with broker.subscribe(key) as subscription:
        threading.Timer(0.2, broker.publish, args=(key,)).start()
        began = time.monotonic()
        assert subscription.wait(5) is True
        assert time.monotonic() - began < 3


def test_a_publish_before_the_wait_is_not_lost(broker):
    key = f"test:{uuid.uuid4().hex}"
    with broker.subscribe(key) as subscription:
        broker.publish(key)
        assert subscription.wait(2) is True


def test_another_conversation_does_not_wake_the_waiter(broker):
    key = f"test:{uuid.uuid4().hex}"
    with broker.subscribe(key) as subscription:
        broker.publish(key + "-other")
        assert subscription.wait(0.3) is False


def test_two_processes_share_a_chat_through_redis():
    # Two brokers stand for two app processes: only Redis carries the wake-up between them.
    first, second = _redis_or_skip(), RedisBroker(REDIS_URL)
    key = f"test:{uuid.uuid4().hex}"
    with first.subscribe(key) as subscription:
        second.publish(key)
        assert subscription.wait(2) is True


DAYTIME = Hours(opens="10:00", closes="21:00")


def test_hours_are_local_to_the_region():
    # 04:00 UTC is 11:00 in Novosibirsk (UTC+7) but 07:00 in Moscow.
    moment = datetime(2026, 12, 3, 4, 0, tzinfo=UTC)
    assert opening(DAYTIME, "Asia/Novosibirsk", moment).open
    moscow = opening(DAYTIME, "Europe/Moscow", moment)
    assert not moscow.open
    assert moscow.next_open.isoformat() == "2026-12-03T10:00:00+03:00"
    # 15:00 UTC is 22:00 in Novosibirsk (closed till tomorrow) and 18:00 in Moscow.
    evening = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)
    assert opening(DAYTIME, "Europe/Moscow", evening).open
    novosibirsk = opening(DAYTIME, "Asia/Novosibirsk", evening)
    assert novosibirsk.next_open.isoformat() == "2026-12-04T10:00:00+07:00"


def test_closing_time_and_days_off():
    weekdays = Hours(days=("mon", "tue", "wed", "thu", "fri"), opens="10:00", closes="21:00")
    assert not opening(weekdays, "Europe/Moscow", datetime(2026, 12, 3, 18, 0, tzinfo=UTC)).open
    saturday = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)  # 12:00 on a Saturday in Moscow
    closed = opening(weekdays, "Europe/Moscow", saturday)
    assert not closed.open
    assert closed.next_open.isoformat() == "2026-12-07T10:00:00+03:00"
    assert opening(None, "Asia/Tomsk", saturday).open
