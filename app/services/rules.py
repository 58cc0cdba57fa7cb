"""The ISP's tariff-change rules applied to one wish: allowed or the rule that refuses it.

Pure functions of the facts (no database): the service gathers them under the account's
lock and asks here, so the page that offers a change and the write that makes it agree.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from app.core.calendar import daily_part
from app.core.money import shortfall
from app.core.subscribers import AccountStatus, SubscriberKind
from app.tenancy.registry import Tenant
from app.tenancy.schema import ChangeTiming, Region, Tariff
from app.tenancy.schema import TariffChange as Rules


class Refusal(StrEnum):
    """Why a change cannot be made, in the order they are checked."""

    BLOCKED = "blocked"
    PAUSED = "paused"
    PENDING = "pending"
    TIMING = "timing"
    UNKNOWN = "unknown"  # not in the region's catalogue
    BUSINESS = "business"  # a business tariff for a person
    SAME = "same"
    MOVE = "move"
    MIN_STAY = "min_stay"
    BALANCE = "balance"  # it costs money the balance does not cover


@dataclass(frozen=True)
class Wish:
    """Everything the rules look at: who, which point, from what to what, when."""

    kind: SubscriberKind
    status: AccountStatus
    region: Region | None
    current: Tariff | None
    target: Tariff | None
    timing: ChangeTiming
    today: date  # local date in the point's region
    on_since: date  # when the point went onto its current tariff
    has_pending: bool
    balance: int  # kopecks on the account now


@dataclass(frozen=True)
class Quote:
    """What the change would do: when, what it costs at once, the new monthly fee."""

    effective_on: date
    fee: int
    difference_today: int  # today's part of the fee difference, charged (or refunded) now
    monthly_fee: int
    refusal: Refusal | None = None
    allowed_from: date | None = None  # with MIN_STAY: the first day a change is possible
    missing: int = 0  # with BALANCE: the kopecks to top up first

    @property
    def allowed(self) -> bool:
        return self.refusal is None


def rules_of(tenant: Tenant) -> Rules:
    """The tenant's tariff-change rules."""
    return tenant.config.catalogue.tariff_change


def visible(tariff: Tariff, kind: SubscriberKind) -> bool:
    """Business tariffs are for organisations only."""
    return tariff.kind != "business" or kind == SubscriberKind.ORGANISATION


def effective_on(timing: ChangeTiming, today: date) -> date:
    """The local date a change ordered today takes effect."""
    if timing == ChangeTiming.IMMEDIATELY:
        return today
    if timing == ChangeTiming.NEXT_DAY:
        return today + timedelta(days=1)
    return (today.replace(day=1) + timedelta(days=32)).replace(day=1)


def allowed_targets(rules: Rules, current: str) -> set[str] | None:
    """Codes one may move to from the current tariff; None: any."""
    if rules.moves == "any":
        return None
    return set(rules.moves.get(current, ()))


def direction(tenant: Tenant, rules: Rules, wish: Wish) -> str:
    """ "up", "down" or "same" by the measure the ISP's fee rule names."""
    current, target = wish.current, wish.target
    if rules.fee.by == "speed":
        old, new = current.speed_mbps, target.speed_mbps
    else:
        old = tenant.list_price(current, wish.region)
        new = tenant.list_price(target, wish.region)
    return "up" if new > old else "down" if new < old else "same"


def _refusal(tenant: Tenant, rules: Rules, wish: Wish) -> Refusal | None:
    if wish.status == AccountStatus.BLOCKED:
        return Refusal.BLOCKED
    if wish.status == AccountStatus.PAUSED:
        return Refusal.PAUSED
    if wish.has_pending:
        return Refusal.PENDING
    if wish.timing not in rules.timing:
        return Refusal.TIMING
    offered = {t.code for t in tenant.tariffs_for(wish.region)}
    if wish.target is None or wish.target.code not in offered:
        return Refusal.UNKNOWN
    if not visible(wish.target, wish.kind):
        return Refusal.BUSINESS
    if wish.current is not None and wish.current.code == wish.target.code:
        return Refusal.SAME
    targets = allowed_targets(rules, wish.current.code if wish.current else "")
    if targets is not None and wish.target.code not in targets:
        return Refusal.MOVE
    if rules.min_stay_days and (wish.today - wish.on_since).days < rules.min_stay_days:
        return Refusal.MIN_STAY
    return None


def quote(tenant: Tenant, wish: Wish) -> Quote:
    """What the wished change would be, or the first rule it breaks."""
    rules = rules_of(tenant)
    when = effective_on(wish.timing, wish.today)
    refusal = _refusal(tenant, rules, wish)
    if refusal is not None:
        allowed_from = wish.on_since + timedelta(days=rules.min_stay_days)
        return Quote(when, 0, 0, 0, refusal, allowed_from if refusal == Refusal.MIN_STAY else None)
    way = direction(tenant, rules, wish) if wish.current else "same"
    fee = {"up": rules.fee.up, "down": rules.fee.down}.get(way, 0)
    new_monthly = tenant.monthly_fee(wish.target, wish.region, when)
    difference = 0
    if wish.timing == ChangeTiming.IMMEDIATELY and rules.proration == "daily_difference":
        old_monthly = tenant.monthly_fee(wish.current, wish.region, when) if wish.current else 0
        difference = daily_part(new_monthly, when) - daily_part(old_monthly, when)
    missing = shortfall(wish.balance, cost(fee, difference), rules.allow_debt)
    if missing:
        return Quote(when, fee, difference, new_monthly, Refusal.BALANCE, missing=missing)
    return Quote(when, fee, difference, new_monthly)


def cost(fee: int, difference_today: int) -> int:
    """What a change takes from the balance at most: its fee and today's dearer part (a
    cheaper day gives money back, so it costs nothing)."""
    return fee + max(difference_today, 0)
