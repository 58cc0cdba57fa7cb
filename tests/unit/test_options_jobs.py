"""Options in time: fees posted once a day, boosts that end, pauses that start and end on
their local dates (the acme test tenant lives in UTC+7), and what the network is told."""

import dataclasses
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.billing.charging import run_tenant
from app.core.ledger import LedgerEntry, balance_mismatches
from app.core.signals import account_status_changed, service_changed
from app.core.subscribers import Account, AccountStatus
from app.extensions import db
from app.options import service
from app.options.models import Activation, Status
from app.options.rules import Request

NOW = datetime(2026, 3, 10, 3, 0, tzinfo=UTC)  # 10:00 in Krasnoyarsk


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield app


@pytest.fixture
def acme(app):
    return app.extensions["tenancy"].tenants["acme"]


@pytest.fixture
def account(ctx, make_subscriber):
    def make(balance: int = 100_000, status: str = "active") -> Account:
        facts = make_subscriber(tenant="acme", balance=balance, status=status)
        return db.session.get(Account, facts["account_id"])

    return make


@pytest.fixture
def heard():
    """What service_changed and account_status_changed said, in order."""
    said = []

    def changed(sender, **facts):
        said.append(("service", facts["event"], facts))

    def status(sender, **facts):
        said.append(("status", facts["old"], facts["new"]))

    service_changed.connect(changed)
    account_status_changed.connect(status)
    yield said
    service_changed.disconnect(changed)
    account_status_changed.disconnect(status)


def option_entries(account_id: int) -> list[tuple[str, int]]:
    rows = db.session.execute(
        sa.select(LedgerEntry.reference, LedgerEntry.amount)
        .where(LedgerEntry.account_id == account_id, LedgerEntry.reference.like("option%"))
        .order_by(LedgerEntry.id)
    )
    return [tuple(row) for row in rows]


def test_pause_is_free_for_its_free_days_then_pays_each_day_once(acme, account):
    acct = account()
    row = service.activate(acme, acct.id, "holiday", Request(days=8), NOW)
    db.session.commit()
    assert db.session.get(Account, acct.id).status == AccountStatus.PAUSED
    for offset in range(10):  # the pause covers 10..17 March; two days after it
        service.charge_day(acme, date(2026, 3, 10) + timedelta(offset))
        db.session.commit()
    service.charge_day(acme, date(2026, 3, 16))  # again: nothing more
    db.session.commit()
    # Days 1..5 free; days 6, 7, 8 (15, 16, 17 March) at 10 roubles each.
    assert option_entries(acct.id) == [
        (f"option-day:{row.id}:2026-03-15", -1000),
        (f"option-day:{row.id}:2026-03-16", -1000),
        (f"option-day:{row.id}:2026-03-17", -1000),
    ]
    assert balance_mismatches("acme") == []


def test_a_paused_account_pays_no_tariff_but_its_pause_fee(acme, account):
    acct = account()
    service.activate(acme, acct.id, "holiday", Request(days=10), NOW - timedelta(days=6))
    db.session.commit()
    report = run_tenant(acme, date(2026, 3, 10), now=NOW)
    assert report.charged == 0  # the daily run charges active accounts only
    assert "option fees 1" in report.jobs
    assert [amount for _, amount in option_entries(acct.id)] == [-1000]


def test_addon_is_charged_in_daily_parts_once_a_day_and_only_while_active(acme, account):
    on, blocked = account(), account()
    tv = service.activate(acme, on.id, "tv", Request(), NOW)
    guard = service.activate(acme, blocked.id, "guard", Request(), NOW)
    service.activate(acme, blocked.id, "tv", Request(), NOW)
    db.session.commit()
    db.session.get(Account, blocked.id).status = AccountStatus.BLOCKED
    db.session.commit()
    assert service.charge_day(acme, date(2026, 3, 10)) == 2
    assert service.charge_day(acme, date(2026, 3, 10)) == 0
    db.session.commit()
    # 310 roubles in a 31-day month: 10 a day; the guard is paid for even while blocked
    # (allow_when_blocked), the blocked account's TV is not.
    assert option_entries(on.id) == [(f"option-day:{tv.id}:2026-03-10", -1000)]
    assert option_entries(blocked.id) == [(f"option-day:{guard.id}:2026-03-10", -200)]
    # February's last day takes the remainder: 310 = 27 × 11.07 + 11.11
    service.charge_day(acme, date(2027, 2, 28))
    db.session.commit()
    assert option_entries(on.id)[-1] == (f"option-day:{tv.id}:2027-02-28", -1111)


def test_a_switched_off_addon_is_charged_no_more(acme, account):
    acct = account()
    row = service.activate(acme, acct.id, "tv", Request(), NOW)
    service.stop(acme, row.id, [acct.id], NOW + timedelta(hours=1))
    db.session.commit()
    assert service.charge_day(acme, date(2026, 3, 11)) == 0


def test_boost_charges_its_price_ends_on_time_and_cools_down(acme, account, heard):
    acct = account(balance=20_000)
    row = service.activate(acme, acct.id, "boost", Request(), NOW)
    db.session.commit()
    assert option_entries(acct.id) == [(f"option:{row.id}", -5000)]
    assert db.session.get(Account, acct.id).balance == 15_000
    during = service.speed_now(acme, acct, NOW + timedelta(minutes=59))
    assert (during.mbps, during.until) == (1000, NOW + timedelta(minutes=60))
    assert service.run_due(acme, NOW + timedelta(minutes=59)) == (0, 0)
    assert service.run_due(acme, NOW + timedelta(minutes=60)) == (0, 1)
    assert service.run_due(acme, NOW + timedelta(minutes=61)) == (0, 0)  # idempotent
    after = service.speed_now(acme, acct, NOW + timedelta(minutes=61))
    assert (after.mbps, after.until) == (100, None)  # the «basic» tariff's speed again
    refusal = service.quote(acme, acct, "boost", Request(), NOW + timedelta(minutes=70)).refusal
    assert (refusal.rule, refusal.values) == ("cooldown", {"until": NOW + timedelta(minutes=90)})
    assert (
        service.quote(acme, acct, "boost", Request(), NOW + timedelta(minutes=90)).refusal is None
    )
    events = [(e[1], e[2]["details"].get("speed_mbps")) for e in heard if e[0] == "service"]
    assert events == [("speed-changed", 1000), ("speed-changed", 100)]
    first = next(e[2] for e in heard if e[0] == "service")
    # A boost belongs to a connection: the account's only point, which the network is told.
    (point,) = db.session.get(Account, acct.id).service_points
    assert first["account_id"] == acct.id and first["point_id"] == point.id
    assert first["details"]["code"] == "boost" and first["details"]["activation_id"] == row.id


def test_a_scheduled_pause_starts_and_ends_at_local_midnight_across_a_month_end(
    acme, account, heard
):
    acct = account()
    evening = datetime(2026, 1, 31, 10, 0, tzinfo=UTC)  # 17:00 on 31 January in UTC+7
    row = service.activate(
        acme, acct.id, "holiday", Request(start=date(2026, 2, 1), days=3), evening
    )
    db.session.commit()
    assert row.status == Status.SCHEDULED
    assert row.starts_at == datetime(2026, 1, 31, 17, 0, tzinfo=UTC)  # 1 February, 00:00 local
    assert row.ends_at == datetime(2026, 2, 3, 17, 0, tzinfo=UTC)  # 4 February, 00:00 local
    assert service.run_due(acme, datetime(2026, 1, 31, 16, 59, tzinfo=UTC)) == (0, 0)
    assert db.session.get(Account, acct.id).status == AccountStatus.ACTIVE
    assert service.run_due(acme, datetime(2026, 1, 31, 17, 0, tzinfo=UTC)) == (1, 0)
    assert db.session.get(Account, acct.id).status == AccountStatus.PAUSED
    assert service.run_due(acme, datetime(2026, 1, 31, 17, 5, tzinfo=UTC)) == (0, 0)
    assert service.run_due(acme, datetime(2026, 2, 3, 17, 0, tzinfo=UTC)) == (0, 1)
    assert db.session.get(Account, acct.id).status == AccountStatus.ACTIVE
    said = [e if e[0] == "status" else e[:2] for e in heard]
    assert said == [
        ("status", AccountStatus.ACTIVE, AccountStatus.PAUSED),
        ("service", "pause-start"),
        ("status", AccountStatus.PAUSED, AccountStatus.ACTIVE),
        ("service", "pause-end"),
    ]
    start = heard[1][2]
    assert start["details"] == {
        "activation_id": row.id,
        "code": "holiday",
        "kind": "pause",
        "until": "2026-02-03T17:00:00+00:00",
    }


def test_a_pause_ending_on_a_debt_leaves_the_account_blocked(acme, account):
    acct = account(balance=-50_000)
    db.session.get(Account, acct.id).status = AccountStatus.ACTIVE
    row = service.activate(acme, acct.id, "holiday", Request(days=3), NOW)
    service.stop(acme, row.id, [acct.id], NOW + timedelta(days=1))
    db.session.commit()
    assert db.session.get(Account, acct.id).status == AccountStatus.BLOCKED
    assert db.session.get(Activation, row.id).ends_at == NOW + timedelta(days=1)


def test_early_resume_counts_only_the_days_used_in_the_budget(acme, account):
    acct = account()
    row = service.activate(acme, acct.id, "holiday", Request(days=30), NOW)
    service.stop(acme, row.id, [acct.id], NOW + timedelta(days=2))
    db.session.commit()
    later = NOW + timedelta(days=20)
    # 2 days used of 45: 30 more are allowed (max_days), the gap of 10 days has passed.
    assert service.quote(acme, acct, "holiday", Request(days=30), later).refusal is None


def test_a_cancelled_scheduled_block_gives_its_price_back(acme, account, heard):
    acct = account()
    asked = Request(start=date(2026, 3, 11), hours=3)
    row = service.activate(acme, acct.id, "kids-block", asked, NOW)
    db.session.commit()
    assert row.status == Status.SCHEDULED and heard == []
    service.stop(acme, row.id, [acct.id], NOW)
    db.session.commit()
    assert option_entries(acct.id) == [
        (f"option:{row.id}", -2000),
        (f"option-refund:{row.id}", 2000),
    ]
    assert db.session.get(Activation, row.id).status == Status.CANCELLED
    assert db.session.get(Account, acct.id).balance == 100_000


def _split(acme, tenant_zone: str, south_zone: str):
    """acme with its own zone and its «south» region's moved («north» stays UTC+7)."""
    regions = tuple(
        r.model_copy(update={"timezone": south_zone}) if r.code == "south" else r
        for r in acme.config.regions
    )
    config = acme.config.model_copy(update={"regions": regions, "timezone": tenant_zone})
    return dataclasses.replace(acme, config=config)


# 310 roubles a month: 10.00 a day in March (31 days), 10.33 in April (30).
MARCH_31, APRIL_1 = ("2025-03-31", -1000), ("2025-04-01", -1033)
ZONES = {
    # The tenant in UTC+7 (Krasnoyarsk), «south» in Moscow: at 19:30 UTC it is already
    # 1 April in Siberia and still 31 March in Moscow.
    "tenant UTC+7": (
        "Asia/Krasnoyarsk",
        "Europe/Moscow",
        datetime(2025, 3, 31, 19, 30, tzinfo=UTC),
    ),
    # The other way round, as a Moscow ISP with a Novosibirsk region: at 17:30 UTC the
    # region (UTC+7) has passed midnight, the tenant's zone has not.
    "region UTC+7": (
        "Europe/Moscow",
        "Asia/Novosibirsk",
        datetime(2025, 3, 31, 17, 30, tzinfo=UTC),
    ),
}


@pytest.mark.parametrize(
    ("zones", "region", "expected"),
    [
        ("tenant UTC+7", "north", APRIL_1),
        ("tenant UTC+7", None, APRIL_1),  # no region: the tenant's date
        ("tenant UTC+7", "south", MARCH_31),
        ("region UTC+7", "north", APRIL_1),  # Krasnoyarsk, past midnight
        ("region UTC+7", "south", APRIL_1),  # Novosibirsk, past midnight
        ("region UTC+7", None, MARCH_31),  # Moscow, the evening before
    ],
)
def test_an_addon_is_charged_for_its_regions_date_like_the_tariff(
    acme, ctx, make_subscriber, zones, region, expected
):
    tenant_zone, south_zone, now = ZONES[zones]
    split = _split(acme, tenant_zone, south_zone)
    day, amount = expected
    acct = make_subscriber(tenant="acme", balance=100_000, region=region)["account_id"]
    tv = service.activate(split, acct, "tv", Request(), datetime(2025, 3, 20, tzinfo=UTC))
    db.session.commit()
    report = run_tenant(split, now=now)
    assert "option fees 1" in report.jobs
    tariff_day = db.session.scalar(
        sa.select(LedgerEntry.reference).where(
            LedgerEntry.account_id == acct, LedgerEntry.reference.like("charge:%")
        )
    )
    assert tariff_day.endswith(day)
    assert option_entries(acct) == [(f"option-day:{tv.id}:{day}", amount)]
