"""Ordering, cancelling and applying tariff changes; fees through the ledger; the signal.

Every write happens under the account's row lock (app.core.ledger.lock_account), so two
requests cannot both order a change for the same point, and the facts the rules saw are
the facts the write acts on. Nothing here commits: the request (or the daily run) does.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from app.core import audit
from app.core.calendar import LocalDates
from app.core.ledger import EntryKind, LedgerEntry, lock_account, post_entry
from app.core.money import shortfall
from app.core.scoped import get_owned, owned
from app.core.signals import service_changed
from app.core.subscribers import (
    Account,
    AccountStatus,
    Contract,
    ServicePoint,
    Subscriber,
    SubscriberKind,
)
from app.core.tariffs import last_change_on, switch_tariff
from app.extensions import db
from app.persistence import utcnow
from app.tenancy.registry import Tenant
from app.tenancy.schema import ChangeTiming

from .models import ChangeStatus, TariffChange
from .rules import Quote, Wish, quote, rules_of


def fee_reference(change: TariffChange) -> str:
    """The ledger reference of a change's one-off fee."""
    return f"tariff-fee:{change.id}"


def difference_reference(change: TariffChange) -> str:
    """The ledger reference of today's price difference of an immediate change."""
    return f"tariff-difference:{change.id}"


def pending_change(tenant: Tenant, point_id: int) -> TariffChange | None:
    """The point's change that has not taken effect yet, if any."""
    return db.session.scalar(
        owned(TariffChange, tenant).where(
            TariffChange.point_id == point_id, TariffChange.status == ChangeStatus.PENDING
        )
    )


def local_today(tenant: Tenant, region_code: str | None, now: datetime) -> date:
    """Today's date in the region's timezone."""
    return now.astimezone(ZoneInfo(tenant.timezone(tenant.region(region_code)))).date()


def wish(
    tenant: Tenant,
    subscriber: Subscriber,
    account: Account,
    point: ServicePoint,
    to_code: str,
    timing: ChangeTiming,
    now: datetime,
) -> Wish:
    """The facts the rules look at for one wished change, read now."""
    region = tenant.region(subscriber.region)
    return Wish(
        kind=SubscriberKind(subscriber.kind),
        status=AccountStatus(account.status),
        region=region,
        current=tenant.tariffs.get(point.tariff_code),
        target=tenant.tariffs.get(to_code),
        timing=timing,
        today=local_today(tenant, subscriber.region, now),
        on_since=last_change_on(tenant, point.id) or point.active_since,
        has_pending=pending_change(tenant, point.id) is not None,
        balance=account.balance,
    )


def order(
    tenant: Tenant,
    subscriber: Subscriber,
    point_id: int,
    to_code: str,
    timing: ChangeTiming,
    now: datetime | None = None,
) -> TariffChange | Quote:
    """Order a change of one of the subscriber's points; the change (applied already when
    it is immediate) or the Quote naming the rule that refuses it."""
    now = now or utcnow()
    point = get_owned(ServicePoint, tenant, point_id)
    if point is None:
        raise LookupError(f"no service point {point_id} in tenant {tenant.slug}")
    account = lock_account(tenant.slug, point.account_id)
    # Read again under the lock: another request may have changed it since.
    db.session.refresh(point)
    terms = quote(tenant, wish(tenant, subscriber, account, point, to_code, timing, now))
    if not terms.allowed:
        return terms
    change = TariffChange(
        tenant=tenant.slug,
        account_id=account.id,
        point_id=point.id,
        from_code=point.tariff_code,
        to_code=to_code,
        timing=timing.value,
        effective_on=terms.effective_on,
        fee=terms.fee,
        created_at=now,
    )
    db.session.add(change)
    db.session.flush()
    audit.record(
        tenant.slug,
        "tariff.ordered",
        subscriber_id=subscriber.id,
        target=f"point:{point.id}",
        before={"tariff": change.from_code},
        after={"tariff": to_code, "timing": timing.value, "effective": change.effective_on},
    )
    if timing == ChangeTiming.IMMEDIATELY:
        _apply(tenant, change, point, now, terms.difference_today)
    return change


def _apply(
    tenant: Tenant, change: TariffChange, point: ServicePoint, now: datetime, difference: int = 0
) -> None:
    """Put the point on the new tariff, charge the fee, tell the network."""
    starts = change.effective_on
    prorate = rules_of(tenant).proration == "daily_difference"
    immediate = change.timing == ChangeTiming.IMMEDIATELY
    if immediate and not prorate:
        # No proration: today is paid at the old price, the new one is charged from tomorrow.
        starts = starts + timedelta(days=1)
    today_charged = immediate and prorate and _charged(tenant, change.account_id, starts)
    switch_tariff(tenant, point, change.to_code, starts)
    change.status = ChangeStatus.APPLIED
    change.applied_at = now
    if change.fee > 0:
        text = _words(tenant, change, _l("Fee for changing the tariff: %(old)s → %(new)s"))
        post_entry(
            tenant.slug,
            change.account_id,
            -change.fee,
            EntryKind.TARIFF_CHANGE,
            fee_reference(change),
            text,
            at=now,
        )
    if difference != 0 and today_charged:
        # Today was charged at the old price already: the difference settles it. A day not
        # charged yet is charged at the new price by the daily run, whose tariff of the day
        # is the new one from today.
        text = _words(tenant, change, _l("Price difference for today: %(old)s → %(new)s"))
        post_entry(
            tenant.slug,
            change.account_id,
            -difference,
            EntryKind.TARIFF_CHANGE,
            difference_reference(change),
            text,
            at=now,
        )
    _tell_network(tenant, change)


def _words(tenant: Tenant, change: TariffChange, template) -> str:
    """A statement line in the ISP's default language: entries keep one text for good."""
    locale = tenant.config.locales.default

    def name(code: str) -> str:
        tariff = tenant.tariffs.get(code)
        return tenant.text(tariff.name, locale) if tariff else code

    with force_locale(locale):
        return str(template) % {"old": name(change.from_code), "new": name(change.to_code)}


def _tell_network(tenant: Tenant, change: TariffChange) -> None:
    target = tenant.tariffs.get(change.to_code)
    service_changed.send(
        tenant,
        account_id=change.account_id,
        point_id=change.point_id,
        event="tariff-changed",
        details={
            "from": change.from_code,
            "to": change.to_code,
            "speed_mbps": target.speed_mbps if target else None,
            "effective": change.effective_on.isoformat(),
        },
    )


def _charged(tenant: Tenant, account_id: int, day: date) -> bool:
    """Whether the daily run has charged the account for this local day already."""
    reference = f"charge:{account_id}:{day.isoformat()}"
    found = db.session.scalar(
        sa.select(LedgerEntry.id).where(
            LedgerEntry.tenant == tenant.slug, LedgerEntry.reference == reference
        )
    )
    return found is not None


def cancel(tenant: Tenant, subscriber_id: int, change_id: int, now: datetime | None = None):
    """Cancel one of the subscriber's pending changes; False if there is none such."""
    change = get_owned(TariffChange, tenant, change_id)
    if change is None or not _holds(tenant, subscriber_id, change.account_id):
        return False
    lock_account(tenant.slug, change.account_id)
    db.session.refresh(change)
    if change.status != ChangeStatus.PENDING:
        return False
    change.status = ChangeStatus.CANCELLED
    change.cancelled_at = now or utcnow()
    audit.record(
        tenant.slug,
        "tariff.cancelled",
        subscriber_id=subscriber_id,
        target=f"point:{change.point_id}",
        after={"tariff": change.to_code, "effective": change.effective_on},
    )
    db.session.flush()
    return True


def _holds(tenant: Tenant, subscriber_id: int, account_id: int) -> bool:
    holder = db.session.scalar(
        sa.select(Contract.subscriber_id)
        .join(Account, Account.contract_id == Contract.id)
        .where(Account.id == account_id, Account.tenant == tenant.slug)
    )
    return holder == subscriber_id


def apply_due(tenant: Tenant, dates: LocalDates, now: datetime) -> tuple[int, int]:
    """Apply every pending change whose date has come in its point's region; how many were
    applied and how many refused for want of money. A change applied or refused is no
    longer pending, so a second run does nothing."""
    latest = max(dates.all())
    rows = db.session.execute(
        sa.select(TariffChange, Subscriber.region)
        .join(Account, Account.id == TariffChange.account_id)
        .join(Contract, Contract.id == Account.contract_id)
        .join(Subscriber, Subscriber.id == Contract.subscriber_id)
        .where(TariffChange.tenant == tenant.slug, TariffChange.status == ChangeStatus.PENDING)
        .where(TariffChange.effective_on <= latest)
        .order_by(TariffChange.account_id, TariffChange.id)
    ).all()
    applied = refused = 0
    for change, region in rows:
        code = region if region in tenant.regions else None
        if change.effective_on > dates.of(code):
            continue
        account = lock_account(tenant.slug, change.account_id)
        db.session.refresh(change)
        if change.status != ChangeStatus.PENDING:
            continue
        # The same rule as when it was ordered: the balance may have fallen since.
        missing = shortfall(account.balance, change.fee, rules_of(tenant).allow_debt)
        if missing:
            _refuse(change, missing, now)
            refused += 1
            continue
        point = get_owned(ServicePoint, tenant, change.point_id)
        _apply(tenant, change, point, now)
        applied += 1
    return applied, refused


def _refuse(change: TariffChange, missing: int, now: datetime) -> None:
    """The change does not take effect: nothing charged, the network is not told; the
    subscriber sees why on the services page."""
    change.status = ChangeStatus.REFUSED
    change.refused_at = now
    change.missing = missing
    db.session.flush()
