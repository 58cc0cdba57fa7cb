"""Which connection an option is for: the service point, and the fixed address or device
it holds. Pure reads, like the rules that ask them."""

import ipaddress
import re

import sqlalchemy as sa

from app.core.scoped import owned
from app.core.subscribers import Account, ServicePoint, tenant_account
from app.extensions import db
from app.tenancy.registry import Tenant
from app.tenancy.schema import Option

from .models import OPEN, Activation

MAC = re.compile(r"^[0-9a-f]{2}([:-]?)[0-9a-f]{2}(?:\1[0-9a-f]{2}){4}$", re.IGNORECASE)


def points_of(tenant: Tenant, account_id: int) -> list[ServicePoint]:
    """The account's service points in this tenant, oldest first."""
    account = tenant_account(tenant, account_id, with_points=True)
    return list(account.service_points) if account else []


def point_for(tenant: Tenant, account: Account, option: Option, point_id: int | None):
    """(the service point the option would apply to, the rule that refuses it or None): no
    point for an account-wide option or an account without points; the only one where
    there is one."""
    if not option.per_point:
        return None, None
    points = points_of(tenant, account.id)
    if point_id is None:
        if len(points) > 1:
            return None, "point_needed"
        return (points[0] if points else None), None
    # Only a point of this very account: an id from another account or tenant is refused.
    found = next((p for p in points if p.id == point_id), None)
    return (found, None) if found is not None else (None, "point_unknown")


def at_point(query, point_id: int | None):
    """The query narrowed to the rows that apply at a point."""
    # A point's own rows and the account-wide ones (older rows, made before points were
    # chosen) that cover it too; without a point, every row of the account.
    if point_id is None:
        return query
    return query.where(sa.or_(Activation.point_id == point_id, Activation.point_id.is_(None)))


def normal_mac(typed: str | None) -> str | None:
    """A MAC address as AA:BB:CC:DD:EE:FF, or None when it is not one a device can have."""
    if not typed or not MAC.match(typed.strip()):
        return None
    digits = re.sub(r"[^0-9A-Fa-f]", "", typed).upper()
    if digits in ("000000000000", "FFFFFFFFFFFF") or int(digits[1], 16) & 1:
        return None  # all zeros, broadcast and multicast addresses name no one device
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2))


def mac_taken(tenant: Tenant, option: Option, mac: str) -> bool:
    """Whether an open activation of the tenant already holds this device."""
    return any((row.params or {}).get("mac") == mac for row in _open_with_code(tenant, option.code))


def _open_with_code(tenant: Tenant, code: str) -> list[Activation]:
    query = owned(Activation, tenant).where(Activation.code == code, Activation.status.in_(OPEN))
    return list(db.session.scalars(query))


def free_address(tenant: Tenant, option: Option, besides: str | None = None) -> str | None:
    """The first address of the option's pool no open activation of the tenant holds."""
    held = {(row.params or {}).get("ip") for row in _open_with_code(tenant, option.code)}
    for address in ipaddress.ip_network(option.ip_pool).hosts():
        if str(address) not in held and str(address) != besides:
            return str(address)
    return None
