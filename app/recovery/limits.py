"""Sending limits per account, destination, address and tenant, on the rate-limit storage."""

import hashlib
import math
import time

from limits import parse

from app.extensions import limiter

NAMESPACE = "recovery"


def _key(part: str) -> str:
    # Typed values (phones, names) never reach the storage in clear text.
    return hashlib.sha256(part.encode()).hexdigest()[:32]


def over_limit(rules: list[tuple[str, str]]) -> int | None:
    """Minutes to wait if any (rate, key) rule is used up; otherwise count one use of each."""
    strategy = limiter.limiter
    items = [(parse(rate), _key(key)) for rate, key in rules]
    waits = [
        strategy.get_window_stats(item, NAMESPACE, key).reset_time - time.time()
        for item, key in items
        if not strategy.test(item, NAMESPACE, key)
    ]
    if waits:
        return max(1, math.ceil(max(waits) / 60))
    for item, key in items:
        strategy.hit(item, NAMESPACE, key)
    return None
