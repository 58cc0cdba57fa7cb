"""How many tries at linking a cabinet asks for: the tenant's rate, per cabinet asking and
per contract named.

Every failed proof (a login or password that does not match, a wrong code) and every code
sent spends one. Counted per asking cabinet, so no cabinet can guess passwords through this
page faster than through the login; and per contract named (its subscriber, else the typed
text), so several cabinets together cannot either. Neither key says whether the contract
exists: a login that names nobody has a budget of its own, spent the same way.
"""

import math
import time

from limits import parse

from app.core.budgets import storage_key
from app.extensions import limiter
from app.tenancy.registry import Tenant

NAMESPACE = "cabinets"


def _keys(tenant: Tenant, subscriber_id: int, named: str) -> list[str]:
    return [
        storage_key("asking", tenant.slug, str(subscriber_id)),
        storage_key("named", tenant.slug, named),
    ]


def named_key(subscriber_id: int | None, typed: str) -> str:
    """What a typed login is counted as: the subscriber it names, else its own text."""
    if subscriber_id is not None:
        return f"subscriber:{subscriber_id}"
    return "text:" + " ".join(typed.casefold().split())


def wait_minutes(tenant: Tenant, subscriber_id: int, named: str = "") -> int | None:
    """Minutes until this cabinet may try (naming this contract) again; None: it may now."""
    rate = parse(tenant.config.profile.linked_cabinets.attempts)
    strategy = limiter.limiter
    keys = _keys(tenant, subscriber_id, named)[: 2 if named else 1]
    waits = [
        strategy.get_window_stats(rate, NAMESPACE, key).reset_time - time.time()
        for key in keys
        if not strategy.test(rate, NAMESPACE, key)
    ]
    return max(1, math.ceil(max(waits) / 60)) if waits else None


def spend(tenant: Tenant, subscriber_id: int, named: str) -> None:
    """Count one try of this cabinet at this contract."""
    rate = parse(tenant.config.profile.linked_cabinets.attempts)
    for key in _keys(tenant, subscriber_id, named):
        limiter.limiter.hit(rate, NAMESPACE, key)
