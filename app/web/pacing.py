"""Answers that take the same time whether or not they found an account."""

import time

from flask import current_app


def started() -> float:
    """The moment to count from."""
    return time.monotonic()


def pad(since: float) -> None:
    """Sleep until PORTAL_RECOVERY_MIN_SECONDS have passed since `since`, so finding an
    account (and queueing its message) is not told apart by speed; nothing is sent before
    the response."""
    remaining = current_app.config["PORTAL_RECOVERY_MIN_SECONDS"] - (time.monotonic() - since)
    if remaining > 0:
        time.sleep(remaining)
