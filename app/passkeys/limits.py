"""Failed passkey logins per tenant and client address (PORTAL_PASSKEY_LIMIT_IP).

Counted in the rate limits' store, like the password logins' budgets; only refused
assertions spend it. Views pass the tenant and the address in.
"""

import math
import time

from flask import current_app
from limits import RateLimitItem, parse

from app.core.budgets import address_key
from app.extensions import limiter
from app.tenancy.registry import Tenant

NAMESPACE = "passkey"


def _key(tenant: Tenant, address: str) -> str:
    return address_key(tenant.slug, address)


def _rate() -> RateLimitItem:
    return parse(current_app.config["PORTAL_PASSKEY_LIMIT_IP"])


def wait_seconds(tenant: Tenant, address: str) -> int | None:
    """Seconds until this address may try a passkey again here, or None when it may now."""
    strategy = limiter.limiter
    key = _key(tenant, address)
    if strategy.test(_rate(), NAMESPACE, key):
        return None
    reset = strategy.get_window_stats(_rate(), NAMESPACE, key).reset_time
    return max(1, math.ceil(reset - time.time()))


def count_failure(tenant: Tenant, address: str) -> None:
    """Spend one try of this address's budget in this tenant."""
    limiter.limiter.hit(_rate(), NAMESPACE, _key(tenant, address))
