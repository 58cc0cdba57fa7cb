"""Failed passkey logins per tenant and client address (PORTAL_PASSKEY_LIMIT_IP).

Counted in the rate limits' store, like the password logins' budgets; only refused
assertions spend it. Views pass the tenant and the address in.
"""

import hashlib
import ipaddress
import math
import time

from flask import current_app
from limits import RateLimitItem, parse

from app.extensions import limiter
from app.tenancy.registry import Tenant

NAMESPACE = "passkey"
# One subscriber's IPv6 connection is a /64 at least: its addresses are one budget.
IPV6_PREFIX = 64


def _network(address: str) -> str:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{ip}/{IPV6_PREFIX}", strict=False))
    return str(ip)


def _key(tenant: Tenant, address: str) -> str:
    # Addresses never reach the store in clear text.
    raw = "\x1f".join(("address", tenant.slug, _network(address)))
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


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
