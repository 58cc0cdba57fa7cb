"""Each kind of option against each of its rules, read from the acme test tenant's YAML:
allowed, or refused with the rule named; the clock is moved by passing `now`, never slept."""

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.core.subscribers import Account, AccountStatus
from app.extensions import db
from app.options import service
from app.options.models import Activation, Status
from app.options.rules import Request, normal_mac

# 10:00 in Krasnoyarsk (UTC+7), the acme tenant's zone.
NOW = datetime(2026, 3, 10, 3, 0, tzinfo=UTC)
TODAY = date(2026, 3, 10)


@pytest.fixture
def acme(app):
    return app.extensions["tenancy"].tenants["acme"]


@pytest.fixture
def account(ctx, make_subscriber):
    """A new acme account with the given balance and status, read in the test's context."""

    def make(balance: int = 100_000, status: str = "active") -> Account:
        facts = make_subscriber(tenant="acme", balance=balance, status=status)
        return db.session.get(Account, facts["account_id"])

    return make


def past(acct: Account, code: str, kind: str, starts: datetime, ends: datetime, **params):
    """An option the account had before, as the history keeps it."""
    row = Activation(
        tenant="acme",
        account_id=acct.id,
        code=code,
        kind=kind,
        status=Status.ENDED,
        starts_at=starts,
        ends_at=ends,
        price=0,
        params=params,
        created_at=starts,
    )
    db.session.add(row)
    db.session.commit()
    return row


def rule_of(acme, acct, code, asked=None, now=NOW) -> str | None:
    refusal = service.quote(acme, acct, code, asked or Request(), now).refusal
    return refusal.rule if refusal else None


PAUSE_CASES = [
    ("the shortest pause", Request(days=3), None),
    ("the longest pause, starting later", Request(start=TODAY + timedelta(60), days=30), None),
    ("shorter than min_days", Request(days=2), "too_short_days"),
    ("longer than max_days", Request(days=31), "too_long_days"),
    ("a start in the past", Request(start=TODAY - timedelta(1), days=5), "start_past"),
    ("beyond start_within_days", Request(start=TODAY + timedelta(61), days=5), "start_too_far"),
]


@pytest.mark.parametrize(("case", "asked", "rule"), PAUSE_CASES, ids=[c[0] for c in PAUSE_CASES])
def test_pause_length_and_start(acme, account, case, asked, rule):
    assert rule_of(acme, account(), "holiday", asked) == rule


def test_pause_gap_after_the_previous_one(acme, account):
    acct = account()
    ended = NOW - timedelta(days=4)
    past(acct, "holiday", "pause", ended - timedelta(days=5), ended)
    refusal = service.quote(acme, acct, "holiday", Request(days=5), NOW).refusal
    assert refusal.rule == "gap"
    assert refusal.values == {"days": 10, "from": date(2026, 3, 16)}
    later = Request(start=date(2026, 3, 16), days=5)
    assert rule_of(acme, acct, "holiday", later) is None


def test_pause_yearly_budget_is_not_the_per_pause_maximum(acme, account):
    acct = account()
    past(
        acct, "holiday", "pause", datetime(2026, 1, 5, tzinfo=UTC), datetime(2026, 2, 4, tzinfo=UTC)
    )
    # 30 days used of 45: 15 more are fine, 16 are over the year's budget though under max_days.
    assert rule_of(acme, acct, "holiday", Request(days=15)) is None
    refusal = service.quote(acme, acct, "holiday", Request(days=16), NOW).refusal
    assert (refusal.rule, refusal.values) == ("budget", {"days": 45, "left": 15})
    # A new calendar year has its budget back.
    next_year = Request(start=date(2027, 1, 2), days=16)
    assert rule_of(acme, acct, "holiday", next_year, now=datetime(2026, 12, 20, tzinfo=UTC)) is None


def test_pause_refused_when_one_is_open_or_the_account_blocked(acme, account):
    acct = account()
    assert isinstance(service.activate(acme, acct.id, "holiday", Request(days=3), NOW), Activation)
    db.session.commit()
    assert rule_of(acme, acct, "holiday", Request(start=TODAY + timedelta(20), days=3)) == "paused"
    assert rule_of(acme, account(status="blocked"), "holiday", Request(days=3)) == "blocked"


TURBO_CASES = [
    ("enough money", 5_000, "active", None),
    ("balance below the price", 4_999, "active", "balance"),
    ("blocked for debt", 100_000, "blocked", "blocked"),
    ("paused", 100_000, "paused", "paused"),
]


@pytest.mark.parametrize(
    ("case", "balance", "status", "rule"), TURBO_CASES, ids=[c[0] for c in TURBO_CASES]
)
def test_boost_money_and_status(acme, account, case, balance, status, rule):
    assert rule_of(acme, account(balance, status), "boost") == rule


BLOCK_CASES = [
    ("an hour from now", Request(hours=1), None),
    (
        "two days from tomorrow evening",
        Request(start=TODAY + timedelta(1), start_time=None, hours=48),
        None,
    ),
    ("no hours", Request(), "too_short_hours"),
    ("over max_hours", Request(hours=49), "too_long_hours"),
    ("yesterday", Request(start=TODAY - timedelta(1), hours=2), "start_past"),
]


@pytest.mark.parametrize(("case", "asked", "rule"), BLOCK_CASES, ids=[c[0] for c in BLOCK_CASES])
def test_block_rules(acme, account, case, asked, rule):
    assert rule_of(acme, account(), "kids-block", asked) == rule


def test_block_priced_needs_the_money(acme, account):
    assert rule_of(acme, account(balance=1_999), "kids-block", Request(hours=2)) == "balance"


@pytest.mark.parametrize(
    ("typed", "normal"),
    [
        ("00:1a:2b:3c:4d:5e", "00:1A:2B:3C:4D:5E"),
        ("00-1A-2B-3C-4D-5E", "00:1A:2B:3C:4D:5E"),
        ("001a2b3c4d5e", "00:1A:2B:3C:4D:5E"),
        ("00:1a-2b:3c:4d:5e", None),  # mixed separators
        ("01:00:5e:00:00:01", None),  # multicast
        ("ff:ff:ff:ff:ff:ff", None),
        ("00:00:00:00:00:00", None),
        ("00:1a:2b:3c:4d", None),
        ("zz:1a:2b:3c:4d:5e", None),
        ("", None),
    ],
)
def test_mac_addresses(typed, normal):
    assert normal_mac(typed) == normal


def test_addons_once_each_devices_by_mac_and_addresses_from_the_pool(acme, account):
    first, second, third = account(), account(), account()
    assert service.activate(acme, first.id, "tv", Request(), NOW).status == Status.ACTIVE
    assert rule_of(acme, first, "tv") == "addon_on"
    mac = Request(mac="00:1a:2b:3c:4d:5e")
    assert service.activate(acme, first.id, "device", mac, NOW).params == {
        "mac": "00:1A:2B:3C:4D:5E",
        "daily": 96,
    }
    assert rule_of(acme, second, "device", Request(mac="001A2B3C4D5E")) == "mac_taken"
    assert rule_of(acme, second, "device", Request(mac="nonsense")) == "mac"
    # The /30 pool has two addresses: two accounts get one each, the third is told so.
    ips = [
        service.activate(acme, a.id, "static", Request(), NOW).params["ip"] for a in (first, second)
    ]
    assert ips == ["192.0.2.1", "192.0.2.2"]
    assert rule_of(acme, third, "static") == "pool_empty"
    db.session.commit()


def test_an_addon_flagged_for_blocked_accounts_may_be_switched_on_there(acme, account):
    blocked = account(balance=-500, status="blocked")
    assert rule_of(acme, blocked, "guard") is None
    assert rule_of(acme, blocked, "tv") == "blocked"


def test_the_account_status_is_respected_by_every_kind(acme, account):
    paused = account(status=AccountStatus.PAUSED)
    for code in ("holiday", "boost", "kids-block", "tv", "visit"):
        assert rule_of(acme, paused, code, Request(days=3, hours=1)) == "paused", code


def test_the_database_holds_one_open_address_per_option_even_without_the_checks(acme, account):
    first, second = account(), account()
    held = service.activate(acme, first.id, "static", Request(), NOW)
    db.session.commit()
    twin = Activation(
        tenant="acme",
        account_id=second.id,
        code="static",
        kind="addon",
        status=Status.ACTIVE,
        starts_at=NOW,
        price=10_000,
        params={"ip": held.address},
        address=held.address,
        created_at=NOW,
    )
    db.session.add(twin)
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()
    service.stop(acme, held.id, [first.id], NOW)
    db.session.commit()
    # Once given back, the address may be handed out again.
    assert service.activate(acme, second.id, "static", Request(), NOW).address == "192.0.2.1"


@pytest.fixture
def points(ctx, make_subscriber):
    """Two accounts of acme (two points and one) and a tomtel account; their point ids."""

    def ids(tenant: str, tariffs: tuple[str, ...]) -> tuple[Account, list[int]]:
        facts = make_subscriber(tenant=tenant, balance=100_000, tariffs=tariffs)
        acct = db.session.get(Account, facts["account_id"])
        return acct, [p.id for p in acct.service_points]

    return {
        "two": ids("acme", ("basic", "fast")),
        "one": ids("acme", ("basic",)),
        "tomtel": ids("tomtel", ("optimum-300",)),
    }


# (option, account, which point is asked for, the rule that stops it or the point used)
POINT_CASES = [
    ("tv", "two", None, "point_needed"),  # two addresses: the subscriber must say which
    ("tv", "two", ("two", 1), ("two", 1)),
    ("tv", "one", None, ("one", 0)),  # one address: that one
    ("tv", "one", ("one", 0), ("one", 0)),
    ("tv", "two", ("one", 0), "point_unknown"),  # the neighbour's address
    ("tv", "two", ("tomtel", 0), "point_unknown"),  # another ISP's address
    ("boost", "two", ("tomtel", 0), "point_unknown"),
    ("kids-block", "one", ("two", 0), "point_unknown"),
    ("holiday", "two", ("one", 0), None),  # a pause is the account's: no point at all
    ("season", "two", None, None),
]


@pytest.mark.parametrize(("code", "holder", "asked", "expected"), POINT_CASES)
def test_the_point_an_option_applies_to(acme, points, code, holder, asked, expected):
    acct = points[holder][0]
    point_id = points[asked[0]][1][asked[1]] if asked else None
    fields = {"hours": 2} if code == "kids-block" else {"days": 5} if code == "holiday" else {}
    fields |= {"months": 3} if code == "season" else {}
    terms = service.quote(acme, acct, code, Request(point_id=point_id, **fields), NOW)
    if isinstance(expected, str):
        assert terms.refusal is not None and terms.refusal.rule == expected
        before = db.session.scalar(sa.select(sa.func.count()).select_from(Activation))
        assert service.activate(acme, acct.id, code, Request(point_id=point_id), NOW) == (
            terms.refusal
        )
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Activation)) == before
        return
    if expected is None:  # the whole account's: whatever was posted, no point is used
        assert terms.point is None
        assert terms.refusal is None or terms.refusal.rule not in ("point_unknown", "point_needed")
        return
    assert terms.refusal is None, terms.refusal
    assert terms.point.id == points[expected[0]][1][expected[1]]


def test_an_older_account_wide_addon_still_covers_every_point(acme, points):
    acct, (home, dacha) = points["two"]
    row = service.activate(acme, acct.id, "guard", Request(point_id=home), NOW)
    row.point_id = None  # as rows made before options had points
    db.session.commit()
    assert rule_of(acme, acct, "guard", Request(point_id=dacha)) == "addon_on"
