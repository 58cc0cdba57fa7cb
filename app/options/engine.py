"""Switching options on and off: the activation row, its money and what the network is told.

Every change happens under the account's row lock, in the caller's transaction (the
request's, or the job's), and sends service_changed inside it.
"""

from datetime import datetime

from app.core import audit
from app.core.ledger import Cause, EntryKind, lock_account, post_entry, set_status
from app.core.scoped import get_owned
from app.core.signals import service_changed
from app.core.subscribers import Account, AccountStatus, holder_of
from app.extensions import db
from app.tenancy.registry import Tenant
from app.tenancy.schema import OptionKind

from . import prepay, rules
from .models import Activation, Status
from .points import points_of
from .rules import Quote, Refusal, Request


def fee_reference(activation_id: int) -> str:
    """The ledger reference of an option's one-off price."""
    return f"option:{activation_id}"


def day_reference(activation_id: int, day) -> str:
    """The ledger reference of an option's fee for one local day."""
    return f"option-day:{activation_id}:{day.isoformat()}"


def refund_reference(activation_id: int) -> str:
    """The ledger reference that gives back an option's price (cancelled before it began)."""
    return f"option-refund:{activation_id}"


def _record(tenant: Tenant, row: Activation, done: str, **changes) -> None:
    # A pause is the subscriber's own word for it: «pause.asked», not «option.ordered».
    area = "pause" if row.kind == OptionKind.PAUSE else "option"
    audit.record(
        tenant.slug,
        f"{area}.{done}",
        subscriber_id=holder_of(tenant.slug, row.account_id),
        target=f"option:{row.id}",
        **changes,
    )


def _tell(tenant: Tenant, row: Activation, event: str, **details) -> None:
    base = {"activation_id": row.id, "code": row.code, "kind": row.kind}
    service_changed.send(
        tenant,
        account_id=row.account_id,
        point_id=row.point_id,
        event=event,
        details=base | details,
    )


def activate(tenant: Tenant, account_id: int, code: str, asked: Request, now: datetime):
    """Switch an option on (or ask staff for it) under the account's lock; the Activation
    or the Refusal that stopped it. The caller commits."""
    option = rules.option_of(tenant, code)
    if option is None:
        raise LookupError(f"no option {code!r} in tenant {tenant.slug}")
    account = lock_account(tenant.slug, account_id)
    if account is None:
        raise LookupError(f"no account {account_id} in tenant {tenant.slug}")
    terms = rules.quote(tenant, account, option, asked, now)
    if terms.refusal is not None:
        return terms.refusal
    row = Activation(
        tenant=tenant.slug,
        account_id=account.id,
        point_id=terms.point.id if terms.point else None,
        code=option.code,
        kind=option.kind.value,
        status=_first_status(terms),
        starts_at=terms.starts_at,
        ends_at=terms.ends_at,
        price=terms.price,
        params={k: v for k, v in terms.params.items() if k != "starts_now"},
        address=terms.params.get("ip") or terms.params.get("mac"),
        created_at=now,
    )
    db.session.add(row)
    db.session.flush()
    _record(
        tenant,
        row,
        "asked" if row.kind == OptionKind.PAUSE else "ordered",
        after={
            "code": row.code,
            "status": str(row.status),
            "starts": row.starts_at,
            "ends": row.ends_at,
            "price": row.price,
        },
    )
    if option.kind in (OptionKind.TURBO, OptionKind.BLOCK, OptionKind.PREPAY) and row.price > 0:
        post_entry(tenant.slug, account.id, -row.price, EntryKind.CHARGE, fee_reference(row.id))
    if row.status == Status.ACTIVE:
        begin(tenant, row, account, now)
    return row


def _first_status(terms: Quote) -> Status:
    if terms.option.needs_review or terms.option.kind == OptionKind.ORDER:
        return Status.REQUESTED
    return Status.ACTIVE if terms.starts_now else Status.SCHEDULED


def begin(tenant: Tenant, row: Activation, account: Account, now: datetime) -> None:
    """Make an activation take effect: pause the account, raise the speed, block, switch on."""
    row.status = Status.ACTIVE
    if row.kind == OptionKind.PAUSE:
        set_status(tenant, account, AccountStatus.PAUSED, Cause.OPTION)
        _tell(tenant, row, "pause-start", until=_iso(row.ends_at))
    elif row.kind == OptionKind.TURBO:
        _tell(tenant, row, "speed-changed", speed_mbps=row.params.get("speed_mbps"))
    elif row.kind == OptionKind.BLOCK:
        _tell(tenant, row, "block-start", until=_iso(row.ends_at))
    elif row.kind == OptionKind.ADDON:
        _tell(tenant, row, "option-on", **_addon_details(row))
    db.session.flush()


def finish(tenant: Tenant, row: Activation, account: Account, now: datetime) -> None:
    """End an active option now (its time is up, or the subscriber ended it early)."""
    row.status = Status.ENDED
    if row.ends_at is None or row.ends_at > now:
        row.ends_at = now
    if row.kind == OptionKind.PAUSE:
        _resume(tenant, account)
        _tell(tenant, row, "pause-end")
    elif row.kind == OptionKind.TURBO:
        speed = tariff_speed(tenant, account, row.point_id)
        _tell(tenant, row, "speed-changed", speed_mbps=speed)
    elif row.kind == OptionKind.BLOCK:
        _tell(tenant, row, "block-end")
    elif row.kind == OptionKind.ADDON:
        _tell(tenant, row, "option-off", **_addon_details(row))
    db.session.flush()


def _resume(tenant: Tenant, account: Account) -> None:
    # Back to what the balance allows: a pause must not lift a block for debt.
    enough = account.balance >= tenant.config.billing.suspend_below
    set_status(
        tenant, account, AccountStatus.ACTIVE if enough else AccountStatus.BLOCKED, Cause.OPTION
    )


def tariff_speed(tenant: Tenant, account: Account, point_id: int | None = None) -> int | None:
    """The point's tariff speed without any boost; without a point, the fastest among the
    account's points (what an account-wide boost raised)."""
    points = points_of(tenant, account.id)
    if point_id is not None:
        points = [p for p in points if p.id == point_id]
    speeds = [
        tenant.tariffs[p.tariff_code].speed_mbps for p in points if p.tariff_code in tenant.tariffs
    ]
    return max(speeds, default=None)


def _addon_details(row: Activation) -> dict:
    return {k: row.params[k] for k in ("ip", "mac") if k in (row.params or {})}


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def stop(tenant: Tenant, activation_id: int, account_ids: list[int], now: datetime):
    """The subscriber ends an option early, switches it off or cancels it before it begins;
    the Activation, or None when it is not theirs or not open any more."""
    row = get_owned(Activation, tenant, activation_id)
    if row is None or row.account_id not in account_ids:
        return None
    account = lock_account(tenant.slug, row.account_id)
    db.session.refresh(row)
    before = {"code": row.code, "status": str(row.status)}
    if row.kind == OptionKind.PREPAY:
        stopped = prepay.stop(tenant, row, now)
        if isinstance(stopped, Activation):
            _record(tenant, row, "stopped", before=before, after={"status": str(row.status)})
        return stopped
    if row.status == Status.ACTIVE:
        finish(tenant, row, account, now)
        done = "resumed" if row.kind == OptionKind.PAUSE else "stopped"
        _record(tenant, row, done, before=before, after={"status": str(row.status)})
    elif row.status in (Status.SCHEDULED, Status.REQUESTED):
        _record(tenant, row, "cancelled", before=before)
        row.status = Status.CANCELLED
        if row.price > 0 and row.kind == OptionKind.BLOCK:
            post_entry(
                tenant.slug, row.account_id, row.price, EntryKind.REFUND, refund_reference(row.id)
            )
        db.session.flush()
    else:
        return None
    return row


def change_address(tenant: Tenant, activation_id: int, account_ids: list[int], now: datetime):
    """Give a fixed-IP add-on another address of its pool; the Activation, a Refusal, or None."""
    row = get_owned(Activation, tenant, activation_id)
    option = rules.option_of(tenant, row.code) if row else None
    if row is None or row.account_id not in account_ids or option is None or not option.ip_pool:
        return None
    lock_account(tenant.slug, row.account_id)
    db.session.refresh(row)
    if row.status != Status.ACTIVE:
        return None
    previous = (row.params or {}).get("ip")
    address = rules.free_address(tenant, option, besides=previous)
    if address is None:
        return Refusal("pool_empty")
    _record(tenant, row, "address_changed", before={"ip": previous}, after={"ip": address})
    row.params = {**(row.params or {}), "ip": address}
    row.address = address
    _tell(tenant, row, "option-on", ip=address, previous_ip=previous)
    db.session.flush()
    return row
