"""The options' one face to the rest of the portal: offers, switching, history, words, jobs."""

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache

import sqlalchemy as sa
from flask_babel import format_date
from flask_babel import gettext as _

from app.core.ledger import EntryKind, lock_account, post_entry
from app.core.scoped import get_owned, owned
from app.core.subscribers import Account, ServicePoint
from app.extensions import db
from app.tenancy.registry import Tenant
from app.tenancy.schema import Option, OptionKind

from . import engine, jobs, prepay, queue, rules
from .models import OPEN, Activation, Status
from .rules import Quote, Refusal, Request, option_of, zone_of  # noqa: F401  (the face)

activate = engine.activate
stop = engine.stop
change_address = engine.change_address
run_due = jobs.run_due
charge_day = jobs.charge_day
charge_days = jobs.charge_days
Waiting = queue.Waiting
waiting = queue.waiting
decided_lately = queue.decided_lately
request_in = queue.request_in
REFERENCE = re.compile(r"^option(?:-day|-refund|-unused)?:(\d{1,18})(?::(\d{4}-\d{2}-\d{2}))?$")
NOTICE_DAYS = 14


def prepaid_accounts(tenant: Tenant, day: date):
    """SELECT of the account ids a prepay covers on the local date: the daily run leaves
    their tariff charge out (add-ons' own daily parts are not covered)."""
    return prepay.covered_accounts(tenant, day, tenant.config.timezone)


def catalogue(tenant: Tenant) -> list[Option]:
    """The options of the ISP that can be switched on here, in catalogue order."""
    return [o for o in tenant.config.catalogue.options if o.kind in rules.KINDS]


def quote(tenant: Tenant, account: Account, code: str, asked: Request, now: datetime) -> Quote:
    """What switching the option on would mean now, or the rule that stops it."""
    return rules.quote(tenant, account, option_of(tenant, code), asked, now)


def activations(tenant: Tenant, account_ids: list[int], open_only: bool = False):
    """The accounts' options, newest first (only requested, scheduled and active ones if asked)."""
    if not account_ids:
        return []
    query = owned(Activation, tenant).where(Activation.account_id.in_(account_ids))
    if open_only:
        query = query.where(Activation.status.in_(OPEN))
    return list(db.session.scalars(query.order_by(Activation.created_at.desc(), Activation.id)))


@dataclass(frozen=True)
class Standing:
    """What an account's active options mean on its dashboard: a pause, the running boosts
    (one per service point at most), the prepay covering days from now on, and the codes
    of every option that is on."""

    pause: sa.Row | None = None
    boosts: tuple[sa.Row, ...] = ()
    # The prepay running or bought for later; its days are covered.
    prepay: sa.Row | None = None
    on: frozenset[str] = frozenset()

    @property
    def prepaid(self) -> tuple[date, date] | None:
        """The first and the last local date the prepay covers."""
        if self.prepay is None:
            return None
        params = self.prepay.params
        return date.fromisoformat(params["first_day"]), date.fromisoformat(params["last_day"])


@cache
def _active_query() -> sa.Select:
    table = Activation.__table__
    columns = ("id", "account_id", "point_id", "code", "kind", "ends_at", "params")
    return (
        sa.select(*(table.c[name] for name in columns))
        .where(
            table.c.tenant == sa.bindparam("tenant"),
            table.c.account_id.in_(sa.bindparam("account_ids", expanding=True)),
            table.c.status == Status.ACTIVE.value,
        )
        .order_by(table.c.created_at.desc(), table.c.id)
    )


def standing(tenant: Tenant, account_ids: list[int], now: datetime) -> dict[int, Standing]:
    """Per account id: its active pause (until when, «resume now»), its running boosts, the
    prepay that covers days from now on, and which options are on.

    One light query for all the accounts (plain rows, a statement built once: the dashboard
    asks on every visit); none where the ISP offers no options.
    """
    if not account_ids or not tenant.config.catalogue.options:
        return {}
    rows = db.session.execute(_active_query(), {"tenant": tenant.slug, "account_ids": account_ids})
    found: dict[int, dict] = {}
    for row in rows:
        if row.ends_at is not None and row.ends_at <= now:
            continue  # its end is due: the options run switches it off
        account = found.setdefault(row.account_id, {"on": set(), "boosts": []})
        account["on"].add(row.code)
        if row.kind == OptionKind.TURBO:
            account["boosts"].append(row)
        elif row.kind in (OptionKind.PAUSE, OptionKind.PREPAY):
            account.setdefault(row.kind, row)  # the newest
    return {
        account_id: Standing(
            pause=kinds.get(OptionKind.PAUSE),
            boosts=tuple(kinds["boosts"]),
            prepay=kinds.get(OptionKind.PREPAY),
            on=frozenset(kinds["on"]),
        )
        for account_id, kinds in found.items()
    }


def activation_of(tenant: Tenant, account_ids: list[int], activation_id: int):
    """One of these accounts' activations, or None."""
    row = get_owned(Activation, tenant, activation_id)
    return row if row is not None and row.account_id in account_ids else None


def decisions(tenant: Tenant, account_ids: list[int], now: datetime) -> list[Activation]:
    """Requests staff approved or refused in the last fortnight, for the cabinet's notice."""
    if not account_ids:
        return []
    since = now - timedelta(days=NOTICE_DAYS)
    query = owned(Activation, tenant).where(
        Activation.account_id.in_(account_ids), Activation.decided_at >= since
    )
    return list(db.session.scalars(query.order_by(Activation.decided_at.desc())))


@dataclass(frozen=True)
class SpeedNow:
    """The account's speed now: its tariff's, or a boost's until `until`."""

    mbps: int | None
    until: datetime | None = None

    @property
    def boosted(self) -> bool:
        return self.until is not None


def speed_now(
    tenant: Tenant, account: Account, now: datetime, point_id: int | None = None
) -> SpeedNow:
    """The speed a point (without one: the account) has now and, during a boost, when the
    boost ends. A boost of another point leaves this one as it is."""
    for row in rules.open_of(tenant, account.id, kind=OptionKind.TURBO, point_id=point_id):
        if row.status == Status.ACTIVE and row.ends_at and row.ends_at > now:
            return SpeedNow(row.params.get("speed_mbps"), row.ends_at)
    return SpeedNow(engine.tariff_speed(tenant, account, point_id))


def review(tenant: Tenant, activation_id: int, approve: bool, reason: str, now: datetime):
    """Staff decide a request: approved it starts (or waits for its date), refused it ends
    with the reason shown to the subscriber. None when there is no such open request."""
    row = get_owned(Activation, tenant, activation_id)
    if row is None or row.status != Status.REQUESTED:
        return None
    account = lock_account(tenant.slug, row.account_id)
    db.session.refresh(row)
    if row.status != Status.REQUESTED:
        return None
    row.decided_at, row.decided_reason = now, (reason or "").strip()[:300] or None
    if not approve:
        row.status = Status.REFUSED
    elif row.kind == OptionKind.ORDER:
        row.status = Status.ACTIVE
        if row.price > 0:
            ref = engine.fee_reference(row.id)
            post_entry(tenant.slug, row.account_id, -row.price, EntryKind.CHARGE, ref)
    elif row.starts_at <= now:
        # Decided after the wished start: the pause keeps its length from now.
        if row.ends_at is not None:
            row.ends_at += now - row.starts_at
        row.starts_at = now
        engine.begin(tenant, row, account, now)
    else:
        row.status = Status.SCHEDULED
    db.session.flush()
    return row


def entry_words(tenant: Tenant, references: list[str], locale: str) -> dict[str, str]:
    """The statement's words for option entries, by reference: the option's name in the
    subscriber's language and what the money was for."""
    parsed = {ref: m for ref in references if (m := REFERENCE.match(ref))}
    ids = {int(m[1]) for m in parsed.values()}
    rows = {}
    if ids:
        found = db.session.scalars(owned(Activation, tenant).where(Activation.id.in_(ids)))
        rows = {row.id: row for row in found}
    addresses = _addresses(tenant, {row.account_id for row in rows.values()})
    words = {}
    for ref, match in parsed.items():
        row = rows.get(int(match[1]))
        option = option_of(tenant, row.code) if row else None
        name = tenant.text(option.name, locale) if option else (row.code if row else "")
        if row is not None and row.point_id in addresses:
            name = _("%(name)s (%(address)s)", name=name, address=addresses[row.point_id])
        words[ref] = _words_for(ref, name, row, match[2], locale)
    return words


def _addresses(tenant: Tenant, account_ids: set[int]) -> dict[int, str]:
    """The address of each point of these accounts that has others beside it: an account
    with one point needs none named."""
    if not account_ids:
        return {}
    rows = db.session.execute(
        sa.select(ServicePoint.id, ServicePoint.account_id, ServicePoint.address).where(
            ServicePoint.tenant == tenant.slug, ServicePoint.account_id.in_(account_ids)
        )
    ).all()
    per_account = Counter(account_id for _id, account_id, _address in rows)
    return {pid: address for pid, account_id, address in rows if per_account[account_id] > 1}


def _words_for(ref: str, name: str, row, day: str | None, locale: str) -> str:
    if row is not None and row.kind == OptionKind.PREPAY:
        return prepay.entry_words(ref, name, row)
    if ref.startswith("option-refund:"):
        return _("%(option)s: cancelled, the money returned", option=name)
    if day is None:
        return name
    when = format_date(date.fromisoformat(day), "long")
    if row is not None and row.kind == OptionKind.PAUSE:
        return _("%(option)s, the fee for %(day)s", option=name, day=when)
    return _("%(option)s, the part for %(day)s", option=name, day=when)
