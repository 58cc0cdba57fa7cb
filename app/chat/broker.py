"""Tells waiting feeds that a conversation has a new message: in-process or through Redis.

The message itself is always read from the database; the broker only wakes the waiters, so
a lost wake-up costs one poll interval, never a message. A waiter subscribes before it reads
the database, so a message written between its read and its wait still wakes it. A waiter
also takes one of the process's waiting places (PORTAL_CHAT_MAX_WAITING): a thread that
waits serves no page, so they are fewer than the threads.
"""

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from flask import Flask, current_app


class Subscription(Protocol):
    def wait(self, timeout: float) -> bool:
        """Block until the conversation changes or timeout seconds pass; True if it changed."""


class Broker(Protocol):
    def publish(self, key: str) -> None:
        """Wake everyone waiting on this conversation."""

    def subscribe(self, key: str):
        """A context manager giving a Subscription to this conversation."""


class InProcessBroker:
    """For one process (`make run`, tests): a version counter per conversation."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._versions: dict[str, int] = {}

    def publish(self, key: str) -> None:
        with self._changed:
            self._versions[key] = self._versions.get(key, 0) + 1
            self._changed.notify_all()

    @contextmanager
    def subscribe(self, key: str) -> Iterator["_LocalSubscription"]:
        with self._changed:
            seen = self._versions.get(key, 0)
        yield _LocalSubscription(self, key, seen)


class _LocalSubscription:
    def __init__(self, broker: InProcessBroker, key: str, seen: int):
        self._broker, self._key, self._seen = broker, key, seen

    def wait(self, timeout: float) -> bool:
        broker = self._broker
        with broker._changed:
            return broker._changed.wait_for(
                lambda: broker._versions.get(self._key, 0) != self._seen, timeout
            )


class RedisBroker:
    """For several app processes: Redis pub/sub, one channel per conversation."""

    PREFIX = "portal:chat:"

    def __init__(self, url: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=2)

    def publish(self, key: str) -> None:
        self._redis.publish(self.PREFIX + key, "1")

    @contextmanager
    def subscribe(self, key: str) -> Iterator["_RedisSubscription"]:
        pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        pubsub.subscribe(self.PREFIX + key)
        # The confirmation: once it is read, a publish from now on reaches this waiter.
        pubsub.get_message(timeout=2)
        try:
            yield _RedisSubscription(pubsub)
        finally:
            pubsub.close()


class _RedisSubscription:
    def __init__(self, pubsub):
        self._pubsub = pubsub

    def wait(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            if self._pubsub.get_message(timeout=left) is not None:
                return True
        return False


def init_app(app: Flask) -> None:
    """Pick the broker: Redis when PORTAL_CHAT_REDIS_URL is set, else in-process; and the
    process's waiting places."""
    url = app.config.get("PORTAL_CHAT_REDIS_URL")
    app.extensions["chat_broker"] = RedisBroker(url) if url else InProcessBroker()
    places = max(0, app.config["PORTAL_CHAT_MAX_WAITING"])  # 0: no feed waits
    app.extensions["chat_waiting"] = threading.BoundedSemaphore(places)


@contextmanager
def waiting_place() -> Iterator[bool]:
    """Take one of this process's waiting places if one is free: True while it is held."""
    places = current_app.extensions["chat_waiting"]
    held = places.acquire(blocking=False)
    try:
        yield held
    finally:
        if held:
            places.release()


def broker() -> Broker:
    """The application's broker."""
    return current_app.extensions["chat_broker"]
