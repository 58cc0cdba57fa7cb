"""Keys under which rate limits count attempts: the client's network and hashed parts."""

import hashlib
import ipaddress

# One subscriber's IPv6 connection is a /64 at least: its addresses are one budget.
IPV6_PREFIX = 64


def network(address: str) -> str:
    """The address an attempt is counted against: IPv4 as is, IPv6 by its /64."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{ip}/{IPV6_PREFIX}", strict=False))
    return str(ip)


def storage_key(*parts: str) -> str:
    """The store's key for these parts; typed logins and addresses never reach it in clear."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def address_key(tenant_slug: str, address: str) -> str:
    """The budget of one client network in one tenant."""
    return storage_key("address", tenant_slug, network(address))
