"""A tariff change that costs money is made only when the balance covers it, when it is
ordered and again when a scheduled one comes due; free changes never wait for money."""

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

import app.services.service as services
from app.billing.charging import run_tenant
from app.core.calendar import daily_part
from app.core.ledger import EntryKind, LedgerEntry, balance_mismatches, post_entry
from app.core.money import shortfall
from app.core.subscribers import Account
from app.extensions import db
from app.services.models import ChangeStatus, TariffChange
from app.services.rules import Refusal
from app.tenancy.schema import ChangeTiming

from .test_services_billing import _order, _point, acme_with

BASIC, FAST = 60000, 93050
NOW = datetime(2026, 11, 30, 3, tzinfo=UTC)  # 10:00 on 30 November in Krasnoyarsk
TODAY = date(2026, 11, 30)
UP_TODAY = daily_part(FAST, TODAY) - daily_part(BASIC, TODAY)
FEE_UP = {"timing": ["next_day"], "fee": {"up": 150}}  # 15,000 kopecks for a faster tariff
PRORATED = {"timing": ["immediately"], "proration": "daily_difference"}


@pytest.mark.parametrize(
    ("balance", "price", "allow_debt", "missing"),
    [
        (0, 0, False, 0),
        (-500, 0, False, 0),  # nothing to pay: a debt does not matter
        (14999, 15000, False, 1),
        (15000, 15000, False, 0),
        (-500, 15000, False, 15500),
        (0, 15000, True, 0),
    ],
)
def test_the_shared_rule(balance, price, allow_debt, missing):
    assert shortfall(balance, price, allow_debt) == missing


ORDERED = [
    # (rules, balance, from, to, missing: 0 = made)
    (FEE_UP, 14999, "basic", "fast", 1),
    (FEE_UP, 15000, "basic", "fast", 0),
    (FEE_UP, -2000, "fast", "basic", 0),  # down is free here
    ({**FEE_UP, "allow_debt": True}, 0, "basic", "fast", 0),
    ({"timing": ["next_day"]}, -2000, "basic", "fast", 0),  # a free change
    (PRORATED, UP_TODAY - 1, "basic", "fast", 1),
    (PRORATED, UP_TODAY, "basic", "fast", 0),
    (PRORATED, 0, "fast", "basic", 0),  # a cheaper day costs nothing
    ({"timing": ["immediately"]}, 0, "basic", "fast", 0),  # no proration: nothing today
    ({**PRORATED, "fee": {"up": 10}}, 1000 + UP_TODAY - 7, "basic", "fast", 7),
]


@pytest.mark.parametrize(("rules", "balance", "old", "new", "missing"), ORDERED)
def test_ordering_is_refused_naming_the_sum_missing(
    ctx, make_subscriber, rules, balance, old, new, missing
):
    acme = acme_with(ctx, rules=rules)
    person = make_subscriber(tariffs=(old,), balance=balance)
    timing = ChangeTiming(rules["timing"][0])
    result = _order(acme, person, new, timing, NOW)
    if missing:
        assert result.refusal == Refusal.BALANCE and result.missing == missing
        assert not db.session.scalars(sa.select(TariffChange)).all()
        assert _point(person["account_id"]).tariff_code == old
        assert db.session.get(Account, person["account_id"]).balance == balance
    else:
        assert isinstance(result, TariffChange)
    assert balance_mismatches() == []


def _spend(account_id: int, kopecks: int) -> None:
    post_entry("acme", account_id, -kopecks, EntryKind.CORRECTION, f"test-spend:{account_id}")
    db.session.commit()


DUE = [
    # (rules, balance when due, from, to, status)
    (FEE_UP, 14999, "basic", "fast", ChangeStatus.REFUSED),
    (FEE_UP, 15000, "basic", "fast", ChangeStatus.APPLIED),
    ({**FEE_UP, "allow_debt": True}, -100, "basic", "fast", ChangeStatus.APPLIED),
    ({"timing": ["next_day"]}, 0, "basic", "fast", ChangeStatus.APPLIED),  # free
]


@pytest.mark.parametrize(("rules", "balance", "old", "new", "status"), DUE)
def test_a_scheduled_change_is_refused_when_due_if_the_balance_fell(
    ctx,
    make_subscriber,
    heard,
    rules,
    balance,
    old,
    new,
    status,
):
    acme = acme_with(ctx, rules=rules)
    person = make_subscriber(tariffs=(old,), balance=100000)
    change = _order(acme, person, new, ChangeTiming.NEXT_DAY, NOW)
    assert isinstance(change, TariffChange)
    _spend(person["account_id"], 100000 - balance)
    # 1 December, 07:00 in Krasnoyarsk.
    report = run_tenant(acme, date(2026, 12, 1), now=datetime(2026, 12, 1, tzinfo=UTC))
    db.session.refresh(change)
    assert change.status == status
    fees = db.session.scalars(
        sa.select(LedgerEntry.amount).where(LedgerEntry.kind == EntryKind.TARIFF_CHANGE)
    ).all()
    told = [e for e in heard if e["event"] == "tariff-changed"]
    if status == ChangeStatus.REFUSED:
        assert (report.tariffs_changed, report.tariffs_refused) == (0, 1)
        assert (change.missing, change.refused_at) == (1, datetime(2026, 12, 1, tzinfo=UTC))
        assert fees == [] and told == []
        assert _point(person["account_id"]).tariff_code == old
        # A second run does not try it again.
        run_tenant(acme, date(2026, 12, 1), now=datetime(2026, 12, 1, 1, tzinfo=UTC))
        db.session.refresh(change)
        assert change.status == ChangeStatus.REFUSED
    else:
        assert (report.tariffs_changed, report.tariffs_refused) == (1, 0)
        assert fees == ([-change.fee] if change.fee else [])
        assert len(told) == 1
        assert _point(person["account_id"]).tariff_code == new
    assert balance_mismatches() == []


def test_a_refused_change_is_shown_until_another_is_ordered(ctx, make_subscriber):
    acme = acme_with(ctx, rules=FEE_UP)
    person = make_subscriber(tariffs=("basic",), balance=15000)
    change = _order(acme, person, "fast", ChangeTiming.NEXT_DAY, NOW)
    _spend(person["account_id"], 1)
    run_tenant(acme, date(2026, 12, 1), now=datetime(2026, 12, 1, tzinfo=UTC))
    (choice,) = services.points_of(acme, person["id"])
    assert choice.refused == change and choice.refused.missing == 1
    post_entry("acme", person["account_id"], 50000, EntryKind.PAYMENT, "test-pay")
    later = datetime(2026, 12, 1, 5, tzinfo=UTC)
    again = _order(acme, person, "fast", ChangeTiming.NEXT_DAY, later)
    (choice,) = services.points_of(acme, person["id"])
    assert choice.refused is None and choice.pending.id == again.id
