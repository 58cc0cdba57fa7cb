"""The rules of options (pause, turbo, block, add-on, order) as the YAML parameterises them."""

import ipaddress
from enum import StrEnum
from typing import Literal

from pydantic import Field, model_validator

from .types import Model


class OptionKind(StrEnum):
    PREPAY = "prepay"
    PAUSE = "pause"
    TURBO = "turbo"
    BLOCK = "block"
    ADDON = "addon"
    ORDER = "order"  # a one-off request staff carry out: equipment, a technician's visit


class OptionDetail(StrEnum):
    """What an add-on needs besides on/off: an address from a pool, a device's MAC, a TV group."""

    FIXED_IP = "fixed_ip"
    DEVICE = "device"
    TV = "tv"
    CHANNEL = "channel"


class OptionScope(StrEnum):
    """What an option applies to: one service point (a connection) or the whole account."""

    POINT = "point"
    ACCOUNT = "account"


# Without `scope` in the YAML: what belongs to a connection (an add-on, a boost, a block,
# an order for a technician or equipment) applies to one point; a pause and a prepay stop
# or pay the account's charges, which the daily run counts per account, so they cannot.
DEFAULT_SCOPE = {
    OptionKind.PAUSE: OptionScope.ACCOUNT,
    OptionKind.PREPAY: OptionScope.ACCOUNT,
}
ACCOUNT_ONLY = (OptionKind.PAUSE, OptionKind.PREPAY)

# The parameters each kind cannot do without.
NEEDED = {
    OptionKind.PAUSE: ("max_days",),
    OptionKind.TURBO: ("speed_mbps", "duration_minutes"),
    OptionKind.BLOCK: ("min_hours", "max_hours"),
    OptionKind.PREPAY: ("periods",),
}


class OptionRules(Model):
    """Limits of an option beyond its name and fees; each kind reads the ones it needs."""

    # Pause: the shortest pause, the days a calendar year allows in all, the days between
    # the end of one pause and the start of the next.
    min_days: int | None = Field(default=None, gt=0)
    yearly_days: int | None = Field(default=None, gt=0)
    min_gap_days: int | None = Field(default=None, ge=0)
    # Block: the longest block; pause and block: how far ahead a start may be scheduled.
    max_hours: int | None = Field(default=None, gt=0)
    start_within_days: int = Field(default=30, ge=0, le=366)
    # Turbo: minutes after a boost ends before the next may start.
    cooldown_minutes: int = Field(default=0, ge=0)
    # Whether it may be switched on (and paid for) while the account is blocked for debt.
    allow_when_blocked: bool = False
    detail: OptionDetail | None = None
    # Fixed IP: the network («192.0.2.0/28») whose addresses are handed out.
    ip_pool: str | None = None
    refund: Literal["unused_days", "none"] = "unused_days"
    """Prepay ended early (a tariff change): `unused_days` gives back the discounted daily
    price times the whole unused days, `none` gives nothing back."""
    cancellable: bool = False
    """Prepay: whether the subscriber may end it on «My services» (refunded by `refund`)."""
    allow_debt: bool = False
    """Prepay: whether it may be bought with a balance that does not cover its price."""
    scope: OptionScope | None = None
    """`point`: the subscriber picks which of the account's service points (addresses) it is
    for when the account has several; `account`: the whole account. Default: `point`, but
    `account` for `pause` and `prepay` (which cannot be `point`)."""

    @property
    def per_point(self) -> bool:
        """Whether it applies to one service point rather than the whole account."""
        kind = getattr(self, "kind", None)
        return (self.scope or DEFAULT_SCOPE.get(kind, OptionScope.POINT)) == OptionScope.POINT

    @model_validator(mode="after")
    def _kind_needs(self):
        needed = NEEDED.get(getattr(self, "kind", None), ())
        missing = [name for name in needed if getattr(self, name) in (None, ())]
        if missing:
            raise ValueError(f"a {self.kind} option needs {', '.join(missing)}")
        if self.min_days and getattr(self, "max_days", None) and self.min_days > self.max_days:
            raise ValueError("min_days is above max_days")
        if getattr(self, "min_hours", None) and self.max_hours and self.min_hours > self.max_hours:
            raise ValueError("min_hours is above max_hours")
        if self.detail == OptionDetail.FIXED_IP:
            _check_pool(self.ip_pool)
        if self.scope == OptionScope.POINT and getattr(self, "kind", None) in ACCOUNT_ONLY:
            raise ValueError(
                f"a {self.kind} option applies to the whole account: scope must be account"
            )
        return self


def _check_pool(pool: str | None) -> None:
    if pool is None:
        raise ValueError("a fixed_ip add-on needs ip_pool, e.g. 192.0.2.0/28")
    try:
        network = ipaddress.ip_network(pool)
    except ValueError as exc:
        raise ValueError(f"ip_pool {pool!r} is not a network: {exc}") from exc
    if network.num_addresses < 2:
        raise ValueError("ip_pool needs at least two addresses, so an address can be changed")
