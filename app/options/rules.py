"""What an option would cost and when it would run, or the rule that refuses it.

Pure reads: nothing here writes. The engine asks again under the account's row lock
before it switches anything on, so what was shown and what happens cannot drift apart.
"""

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.core.calendar import LocalDates, daily_part, local_midnight
from app.core.money import shortfall
from app.core.scoped import owned
from app.core.subscribers import Account, AccountStatus, ServicePoint, account_region
from app.extensions import db
from app.tenancy.registry import Tenant
from app.tenancy.schema import Option, OptionDetail, OptionKind

from . import points
from .models import OPEN, Activation, Status
from .points import free_address, normal_mac  # noqa: F401  (the face)

KINDS = tuple(OptionKind)  # every kind the YAML knows runs here
# Rules that hold per point for a per-point option: their words name the address.
AT_POINT = ("addon_on", "block_open")


@dataclass(frozen=True)
class Request:
    """What the subscriber asked for, as the form parsed it."""

    start: date | None = None
    start_time: time | None = None
    days: int | None = None
    hours: int | None = None
    mac: str | None = None
    comment: str | None = None
    months: int | None = None
    # The service point a per-point option is for (None: the account's only point).
    point_id: int | None = None


@dataclass(frozen=True)
class Refusal:
    """The rule that stops an option, with what the subscriber needs to know of it."""

    rule: str
    values: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Quote:
    """An option as it would be switched on now: when, for how much, with what."""

    option: Option
    account_id: int
    starts_at: datetime
    ends_at: datetime | None
    price: int  # kopecks charged now (one-off) or the monthly fee (add-on)
    params: dict
    zone: ZoneInfo
    refusal: Refusal | None = None
    # The service point it applies to; None: the whole account.
    point: ServicePoint | None = None

    @property
    def starts_now(self) -> bool:
        return self.params.get("starts_now", False)


def zone_of(tenant: Tenant, account_id: int, now: datetime) -> ZoneInfo:
    """The timezone of the account's region (the tenant's where none is known)."""
    region = account_region(tenant, account_id)
    return LocalDates(tenant, now).zone(region.code if region else None)


def option_of(tenant: Tenant, code: str) -> Option | None:
    """The catalogue's option with this code that the engine knows how to run."""
    for option in tenant.config.catalogue.options:
        if option.code == code and option.kind in KINDS:
            return option
    return None


def open_of(
    tenant: Tenant, account_id: int, *, kind=None, code=None, point_id: int | None = None
) -> list[Activation]:
    """The account's requested, scheduled and active options, of a kind or a code, at a
    point (with the account-wide ones) where one is given."""
    query = owned(Activation, tenant).where(
        Activation.account_id == account_id, Activation.status.in_(OPEN)
    )
    query = points.at_point(query, point_id)
    if kind is not None:
        query = query.where(Activation.kind == kind)
    if code is not None:
        query = query.where(Activation.code == code)
    return list(db.session.scalars(query.order_by(Activation.starts_at)))


def _last_ended(
    tenant: Tenant, account_id: int, kind: str, point_id: int | None = None
) -> Activation | None:
    query = (
        owned(Activation, tenant)
        .where(Activation.account_id == account_id, Activation.kind == kind)
        .where(Activation.status.in_([Status.ENDED, Status.ACTIVE]))
        .where(Activation.ends_at.is_not(None))
    )
    query = points.at_point(query, point_id)
    return db.session.scalar(query.order_by(Activation.ends_at.desc()).limit(1))


def _status_refusal(option: Option, account: Account) -> Refusal | None:
    status = AccountStatus(account.status)
    if status == AccountStatus.PAUSED:
        return Refusal("paused")
    if status == AccountStatus.BLOCKED and not option.allow_when_blocked:
        return Refusal("blocked")
    return None


def _start_refusal(option: Option, start: date, today: date) -> Refusal | None:
    if start < today:
        return Refusal("start_past")
    if (start - today).days > option.start_within_days:
        return Refusal("start_too_far", {"days": option.start_within_days})
    return None


def quote(tenant: Tenant, account: Account, option: Option, asked: Request, now: datetime):
    """The Quote of an option for this account now; its refusal names the rule that stops it."""
    zone = zone_of(tenant, account.id, now)
    point, rule = points.point_for(tenant, account, option, asked.point_id)
    if rule is not None:
        return Quote(option, account.id, now, None, 0, {}, zone, Refusal(rule))
    build = BUILDERS[option.kind]
    made = build(tenant, account, option, replace(asked, point_id=point and point.id), now, zone)
    refusal = _status_refusal(option, account) or made.refusal
    if refusal is not None and point is not None and refusal.rule in AT_POINT:
        refusal = replace(refusal, values={**refusal.values, "address": point.address})
    return replace(made, refusal=refusal, point=point)


def _pause(tenant, account, option: Option, asked: Request, now, zone) -> Quote:
    today = now.astimezone(zone).date()
    start, days = asked.start or today, asked.days or 0
    starts_at = now if start == today else local_midnight(start, zone)
    ends_at = local_midnight(start + timedelta(days=max(days, 0)), zone)
    params = {"days": days, "starts_now": start == today and not option.needs_review}
    params |= {"daily_fee": option.daily_fee, "free_days": option.free_days or 0}
    made = Quote(option, account.id, starts_at, ends_at, 0, params, zone)
    refusal = _start_refusal(option, start, today) or _pause_length(tenant, account, option, made)
    return replace(made, refusal=refusal)


def _pause_length(tenant, account, option: Option, made: Quote) -> Refusal | None:
    days = made.params["days"]
    if days < (option.min_days or 1):
        return Refusal("too_short_days", {"days": option.min_days or 1})
    if days > option.max_days:
        return Refusal("too_long_days", {"days": option.max_days})
    if open_of(tenant, account.id, kind=OptionKind.PAUSE):
        return Refusal("pause_open")
    last = _last_ended(tenant, account.id, OptionKind.PAUSE)
    if last is not None and option.min_gap_days:
        # Counted in local days: a pause that ended on the 6th allows the next on the 16th.
        day = last.ends_at.astimezone(made.zone).date() + timedelta(days=option.min_gap_days)
        if made.starts_at.astimezone(made.zone).date() < day:
            return Refusal("gap", {"days": option.min_gap_days, "from": day})
    if option.yearly_days is not None:
        year = made.starts_at.astimezone(made.zone).year
        used = _days_used(tenant, account.id, option.code, year, made.zone)
        if used + days > option.yearly_days:
            left = max(option.yearly_days - used, 0)
            return Refusal("budget", {"days": option.yearly_days, "left": left})
    return None


def _days_used(tenant: Tenant, account_id: int, code: str, year: int, zone: ZoneInfo) -> int:
    """Pause days of this option begun in a calendar year, counting ongoing ones whole."""
    begin = local_midnight(date(year, 1, 1), zone)
    end = local_midnight(date(year + 1, 1, 1), zone)
    rows = db.session.scalars(
        owned(Activation, tenant)
        .where(Activation.account_id == account_id, Activation.code == code)
        .where(Activation.status.in_([*OPEN, Status.ENDED]))
        .where(Activation.starts_at >= begin, Activation.starts_at < end)
    )
    used = 0
    for row in rows:
        length = (row.ends_at or row.starts_at) - row.starts_at
        used += -(-length // timedelta(days=1))  # a day begun counts whole
    return used


def _turbo(tenant, account, option: Option, asked: Request, now, zone) -> Quote:
    ends_at = now + timedelta(minutes=option.duration_minutes)
    params = {"speed_mbps": option.speed_mbps, "starts_now": True}
    made = Quote(option, account.id, now, ends_at, option.one_off_fee, params, zone)
    return replace(made, refusal=_turbo_refusal(tenant, account, option, asked.point_id, now))


def _turbo_refusal(tenant, account, option: Option, point_id, now) -> Refusal | None:
    for running in open_of(tenant, account.id, kind=OptionKind.TURBO, point_id=point_id):
        if running.ends_at and running.ends_at > now:
            return Refusal("turbo_on", {"until": running.ends_at})
    last = _last_ended(tenant, account.id, OptionKind.TURBO, point_id)
    if last is not None and option.cooldown_minutes:
        ready = last.ends_at + timedelta(minutes=option.cooldown_minutes)
        if ready > now:
            return Refusal("cooldown", {"until": ready})
    return _balance_refusal(account, option.one_off_fee)


def _balance_refusal(account: Account, price: int) -> Refusal | None:
    # The rule itself is shared with tariff changes: app.core.money.shortfall.
    if shortfall(account.balance, price):
        return Refusal("balance", {"price": price, "balance": account.balance})
    return None


def _block(tenant, account, option: Option, asked: Request, now, zone) -> Quote:
    today = now.astimezone(zone).date()
    start = asked.start or today
    if asked.start is None or asked.start_time is None:
        starts_at = now if start == today else local_midnight(start, zone)
    else:
        starts_at = datetime.combine(start, asked.start_time, zone).astimezone(now.tzinfo)
    starts_at = max(starts_at, now) if starts_at > now - timedelta(minutes=5) else starts_at
    hours = asked.hours or 0
    ends_at = starts_at + timedelta(hours=max(hours, 0))
    params = {"hours": hours, "starts_now": starts_at <= now}
    made = Quote(option, account.id, starts_at, ends_at, option.one_off_fee, params, zone)
    refusal = (
        (Refusal("start_past") if starts_at < now else None)
        or _start_refusal(option, start, today)
        or _hours_refusal(option, hours)
        or (Refusal("block_open") if _open_here(tenant, account, option, asked) else None)
        or _balance_refusal(account, option.one_off_fee)
    )
    return replace(made, refusal=refusal)


def _open_here(tenant, account, option: Option, asked: Request) -> list[Activation]:
    """The option's open rows where this one would apply: at its point, or the account."""
    return open_of(tenant, account.id, code=option.code, point_id=asked.point_id)


def _hours_refusal(option: Option, hours: int) -> Refusal | None:
    if hours < option.min_hours:
        return Refusal("too_short_hours", {"hours": option.min_hours})
    if hours > option.max_hours:
        return Refusal("too_long_hours", {"hours": option.max_hours})
    return None


def _addon(tenant, account, option: Option, asked: Request, now, zone) -> Quote:
    today = now.astimezone(zone).date()
    params = {"starts_now": True, "daily": daily_part(option.monthly_fee, today)}
    refusal = None
    if option.detail == OptionDetail.DEVICE:
        mac = points.normal_mac(asked.mac)
        params["mac"] = mac
        taken = mac is not None and points.mac_taken(tenant, option, mac)
        refusal = Refusal("mac") if mac is None else Refusal("mac_taken") if taken else None
    elif _open_here(tenant, account, option, asked):
        refusal = Refusal("addon_on")
    elif option.detail == OptionDetail.FIXED_IP:
        address = points.free_address(tenant, option)
        params["ip"] = address
        refusal = Refusal("pool_empty") if address is None else None
    made = Quote(option, account.id, now, None, option.monthly_fee, params, zone)
    return replace(made, refusal=refusal)


def _order(tenant, account, option: Option, asked: Request, now, zone) -> Quote:
    params = {"comment": (asked.comment or "").strip()[:500], "starts_now": False}
    return Quote(option, account.id, now, None, option.one_off_fee, params, zone)


# Each kind's quote; app.options.prepay adds its own when the engine loads it.
BUILDERS = {
    OptionKind.PAUSE: _pause,
    OptionKind.TURBO: _turbo,
    OptionKind.BLOCK: _block,
    OptionKind.ADDON: _addon,
    OptionKind.ORDER: _order,
}
