"""How many requests and replies one subscriber may send: the tenant's rates, per subscriber.

Checked by the views after the form is valid, so a refusal shows on the form with all that
was typed, instead of a bare «too many requests» page.
"""

import math
import time

from limits import parse

from app.extensions import limiter
from app.tenancy.registry import Tenant

NAMESPACE = "help"


def _rate(tenant: Tenant, action: str):
    rules, callback = tenant.config.help.requests, tenant.config.help.callback
    return parse(
        {
            "open": rules.open_limit,
            "reply": rules.reply_limit,
            "callback": callback.limit,
            "public_callback": callback.public_limit,
            "visit": tenant.config.help.visits.limit,
        }[action]
    )


def _key(tenant: Tenant, action: str, who: int | str) -> str:
    # `who`: a subscriber's id, or for a public callback the client's address.
    return f"{action}:{tenant.slug}:{who}"


def wait_minutes(tenant: Tenant, action: str, subscriber_id: int | str) -> int | None:
    """Minutes until the subscriber may do this again, or None when they may now."""
    strategy = limiter.limiter
    rate, key = _rate(tenant, action), _key(tenant, action, subscriber_id)
    if strategy.test(rate, NAMESPACE, key):
        return None
    reset = strategy.get_window_stats(rate, NAMESPACE, key).reset_time
    return max(1, math.ceil((reset - time.time()) / 60))


def spend(tenant: Tenant, action: str, subscriber_id: int | str) -> None:
    """Count one request opened, one reply sent or one callback asked for."""
    limiter.limiter.hit(_rate(tenant, action), NAMESPACE, _key(tenant, action, subscriber_id))
