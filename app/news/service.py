"""Which news and notices a subscriber of a region sees now; plain functions on the tenant.

A personal offer is for the holders of some tariffs or accounts: what a subscriber holds
is passed in as their holdings, {account number: its points' tariff codes}. Without them
only the items for everyone are shown.
"""

import heapq
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa

import app.notify.service as notify
from app.core.subscribers import Account, Contract, ServicePoint, Subscriber, accounts_of
from app.extensions import db
from app.tenancy.registry import Tenant
from app.tenancy.schema import NewsItem, Region

from . import authored as staff_written

# What the console calls to write items (app.staff.content_routes).
Draft = staff_written.Draft
draft_of = staff_written.draft_of
snapshot = staff_written.snapshot
authored_item = staff_written.get
authored_of = staff_written.of_tenant
create_authored = staff_written.create
update_authored = staff_written.update
withdraw_authored = staff_written.withdraw
republish_authored = staff_written.republish

# Per tenant config, the items newest first: sorted once, so each page only filters a
# short list (the dashboard shows notices on every visit). Checked by identity, so a
# reloaded tenant never sees another's list.
_sorted: dict[int, tuple[object, tuple[NewsItem, ...]]] = {}


def newest_first(tenant: Tenant) -> tuple[NewsItem, ...]:
    """The tenant's items sorted by publish date, newest first."""
    news = tenant.config.news
    found = _sorted.get(id(news))
    if found is None or found[0] is not news:
        items = tuple(sorted(news.items, key=lambda item: item.starts, reverse=True))
        found = _sorted[id(news)] = (news, items)
    return found[1]


def has_news(tenant: Tenant) -> bool:
    """Whether the ISP publishes news at all (the menu shows the section): in its YAML, or
    written by staff (known per process: no query but one refresh per app.news.live TTL)."""
    return bool(tenant.config.news.items) or staff_written.has_live(tenant)


def authored(tenant: Tenant, now: datetime | None = None) -> tuple[NewsItem, ...]:
    """The tenant's live staff-written items: none without a query when this process knows
    the tenant has none (another process's new item shows here up to 30 s later), else one."""
    return staff_written.published(tenant, now) if staff_written.has_live(tenant) else ()


Holdings = Mapping[str, Collection[str]]


def has_targeted(tenant: Tenant) -> bool:
    """Whether any item is for some tariffs' or accounts' holders only: only then does
    anyone need to know what a subscriber holds."""
    return any(item.targeted for item in tenant.config.news.items)


def holdings(tenant: Tenant, subscriber_id: int) -> dict[str, set[str]]:
    """A subscriber's accounts and their tariffs, {number: codes}; no query when no item
    is targeted (nothing depends on them then)."""
    if not has_targeted(tenant):
        return {}
    accounts = accounts_of(tenant, subscriber_id, with_points=True)
    return {a.number: {p.tariff_code for p in a.service_points} for a in accounts}


def _all_holdings(tenant: Tenant) -> dict[int, dict[str, set[str]]]:
    """Every subscriber's holdings in the tenant, in one query."""
    rows = db.session.execute(
        sa.select(Contract.subscriber_id, Account.number, ServicePoint.tariff_code)
        .join(Account, Account.contract_id == Contract.id)
        .outerjoin(ServicePoint, ServicePoint.account_id == Account.id)
        .where(Contract.tenant == tenant.slug, Account.tenant == tenant.slug)
    )
    found: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for subscriber_id, number, code in rows:
        codes = found[subscriber_id][number]
        if code is not None:
            codes.add(code)
    return found


def local_now(tenant: Tenant, region: Region | None, now: datetime | None = None) -> datetime:
    """The naive local time in the region (the tenant's zone without one): items' dates are
    written in it."""
    moment = now or datetime.now(ZoneInfo("UTC"))
    return moment.astimezone(ZoneInfo(tenant.timezone(region))).replace(tzinfo=None)


def _merged(ours: Sequence[NewsItem], theirs: Sequence[NewsItem]) -> list[NewsItem]:
    # Both newest first already: a merge, not a sort, on every dashboard.
    return list(heapq.merge(ours, theirs, key=lambda item: item.starts, reverse=True))


def current(
    tenant: Tenant,
    region: Region | None,
    now: datetime | None = None,
    held: Holdings | None = None,
    staff_items: Sequence[NewsItem] = (),
) -> list[NewsItem]:
    """The items a subscriber of the region holding these accounts sees now, newest first:
    the YAML's and staff_items, the staff's as authored() gives them (held unknown: the
    items for everyone only). No query."""
    code = region.code if region is not None else None
    moment = local_now(tenant, region, now)
    held = held or {}
    items = _merged(newest_first(tenant), staff_items) if staff_items else newest_first(tenant)
    return [i for i in items if i.for_region(code) and i.current(moment) and i.for_holder(held)]


def notices(items: list[NewsItem]) -> list[NewsItem]:
    """Of the current items, those the dashboard shows: outages, maintenance, important."""
    return [item for item in items if item.notice]


def to_pop_up(items: list[NewsItem], dismissed: set[str]) -> NewsItem | None:
    """The newest important item the subscriber has not closed yet."""
    return next((i for i in items if i.important and i.code not in dismissed), None)


def _in_locale(tenant: Tenant, locale: str | None) -> str:
    # The language the notification centre writes to this subscriber in (theirs if the ISP
    # speaks it), so the item's title and text match the rest of the message.
    available = tenant.config.locales.available
    return locale if locale in available else tenant.config.locales.default


def send(tenant: Tenant, now: datetime | None = None) -> int:
    """Tell each reachable subscriber, once per item, the current news of their region
    through their channel for region news; how many went to the notification centre (a
    subscriber whose channel is «none» is counted, and not told)."""
    written = staff_written.published(tenant, now)
    if not tenant.config.news.items and not written:
        return 0
    held = _all_holdings(tenant) if has_targeted(tenant) else {}
    rows = db.session.execute(
        sa.select(Subscriber.id, Subscriber.region, Subscriber.locale)
        .where(Subscriber.tenant == tenant.slug, notify.reachable(tenant))
        .order_by(Subscriber.id)
    )
    told = 0
    for subscriber_id, code, locale in rows.all():
        lang = _in_locale(tenant, locale)
        for item in current(tenant, tenant.region(code), now, held.get(subscriber_id, {}), written):
            told += notify.tell_once(
                tenant,
                subscriber_id,
                "region_news",
                f"{item.code}:{subscriber_id}",
                title=item.title.get(lang),
                text=item.text.get(lang),
                path="/news/",
            )
    return told
