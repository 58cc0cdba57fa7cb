"""The tariff-change rules, one row per kind of rule: allowed, or refused naming the rule."""

import dataclasses
from datetime import date

import pytest

from app.core.calendar import daily_part
from app.core.subscribers import AccountStatus, SubscriberKind
from app.services.rules import Refusal, Wish, effective_on, quote
from app.tenancy.schema import ChangeTiming, Promo, TariffChange

TODAY = date(2026, 11, 30)


@pytest.fixture
def acme(app):
    return app.extensions["tenancy"].tenants["acme"]


def tenant_with(acme, rules: dict | None = None, **tariff_updates):
    """acme with other tariff-change rules and, per tariff code, other tariff fields."""
    catalogue = acme.config.catalogue
    tariffs = tuple(
        t.model_copy(update=tariff_updates.get(t.code.replace("-", "_"), {}))
        for t in catalogue.tariffs
    )
    catalogue = catalogue.model_copy(
        update={"tariffs": tariffs, "tariff_change": TariffChange.model_validate(rules or {})}
    )
    return dataclasses.replace(acme, config=acme.config.model_copy(update={"catalogue": catalogue}))


def wish(tenant, current="basic", target="fast", **facts) -> Wish:
    target = facts.pop("target", target)
    base = dict(
        kind=SubscriberKind.PERSON,
        status=AccountStatus.ACTIVE,
        region=None,
        current=tenant.tariffs.get(current),
        target=tenant.tariffs.get(target),
        timing=ChangeTiming.NEXT_MONTH,
        today=TODAY,
        on_since=date(2025, 1, 1),
        has_pending=False,
        balance=10_000_000,
    )
    base.update(facts)
    return Wish(**base)


REFUSALS = [
    # (rules, wish facts, refusal)
    ({}, {"status": AccountStatus.BLOCKED}, Refusal.BLOCKED),
    ({}, {"status": AccountStatus.PAUSED}, Refusal.PAUSED),
    ({}, {"has_pending": True}, Refusal.PENDING),
    ({"timing": ["next_day"]}, {"timing": ChangeTiming.IMMEDIATELY}, Refusal.TIMING),
    ({}, {"target": None}, Refusal.UNKNOWN),
    ({}, {"target": "basic"}, Refusal.SAME),  # a code: wish() looks it up
    ({"moves": {"basic": []}}, {}, Refusal.MOVE),
    ({"moves": {"fast": ["basic"]}}, {}, Refusal.MOVE),
    ({"min_stay_days": 30}, {"on_since": date(2026, 11, 15)}, Refusal.MIN_STAY),
]


@pytest.mark.parametrize(("rules", "facts", "refusal"), REFUSALS)
def test_refused_naming_the_rule(acme, rules, facts, refusal):
    tenant = tenant_with(acme, rules)
    terms = quote(tenant, wish(tenant, **facts))
    assert terms.refusal == refusal
    assert not terms.allowed


def test_min_stay_says_from_when(acme):
    tenant = tenant_with(acme, {"min_stay_days": 30})
    terms = quote(tenant, wish(tenant, on_since=date(2026, 11, 15)))
    assert terms.allowed_from == date(2026, 12, 15)
    assert quote(tenant, wish(tenant, on_since=date(2026, 10, 31))).allowed


ALLOWED = [
    # (rules, current, target, timing, fee)
    ({}, "basic", "fast", ChangeTiming.NEXT_MONTH, 0),
    ({"moves": {"basic": ["fast"]}}, "basic", "fast", ChangeTiming.NEXT_MONTH, 0),
    ({"fee": {"up": 100, "down": 50}}, "basic", "fast", ChangeTiming.NEXT_MONTH, 10000),
    ({"fee": {"up": 100, "down": 50}}, "fast", "basic", ChangeTiming.NEXT_MONTH, 5000),
    ({"fee": {"up": 100, "by": "price"}}, "basic", "fast", ChangeTiming.NEXT_MONTH, 10000),
    ({"timing": ["immediately"]}, "basic", "fast", ChangeTiming.IMMEDIATELY, 0),
]


@pytest.mark.parametrize(("rules", "current", "target", "timing", "fee"), ALLOWED)
def test_allowed_with_its_fee(acme, rules, current, target, timing, fee):
    tenant = tenant_with(acme, rules)
    terms = quote(tenant, wish(tenant, current, target, timing=timing))
    assert terms.allowed
    assert terms.fee == fee


def test_fee_by_speed_or_by_price_can_disagree(acme):
    # A slower tariff that costs more: up by price, down by speed.
    rules = {"fee": {"up": 100, "down": 0, "by": "price"}}
    tenant = tenant_with(acme, rules, fast={"speed_mbps": 50})
    assert quote(tenant, wish(tenant)).fee == 10000
    tenant = tenant_with(acme, {"fee": {"up": 100, "down": 0}}, fast={"speed_mbps": 50})
    assert quote(tenant, wish(tenant)).fee == 0


def test_business_tariff_for_a_person_only_refused(acme):
    tenant = tenant_with(acme, fast={"kind": "business"})
    assert quote(tenant, wish(tenant)).refusal == Refusal.BUSINESS
    firm = wish(tenant, kind=SubscriberKind.ORGANISATION)
    assert quote(tenant, firm).allowed


def test_a_tariff_not_offered_in_the_region_is_refused(acme):
    north = acme.region("north")  # offers only «basic»
    assert quote(acme, wish(acme, region=north)).refusal == Refusal.UNKNOWN


@pytest.mark.parametrize(
    ("timing", "today", "expected"),
    [
        (ChangeTiming.IMMEDIATELY, date(2026, 11, 30), date(2026, 11, 30)),
        (ChangeTiming.NEXT_DAY, date(2026, 11, 30), date(2026, 12, 1)),
        (ChangeTiming.NEXT_DAY, date(2026, 12, 31), date(2027, 1, 1)),
        (ChangeTiming.NEXT_MONTH, date(2026, 1, 31), date(2026, 2, 1)),
        (ChangeTiming.NEXT_MONTH, date(2026, 12, 1), date(2027, 1, 1)),
    ],
)
def test_when_a_change_takes_effect(timing, today, expected):
    assert effective_on(timing, today) == expected


def test_immediate_daily_difference_is_todays_part_of_the_difference(acme):
    rules = {"timing": ["immediately"], "proration": "daily_difference"}
    tenant = tenant_with(acme, rules)
    up = quote(tenant, wish(tenant, timing=ChangeTiming.IMMEDIATELY))
    assert up.difference_today == daily_part(93050, TODAY) - daily_part(60000, TODAY)
    down = quote(tenant, wish(tenant, "fast", "basic", timing=ChangeTiming.IMMEDIATELY))
    assert down.difference_today == -up.difference_today
    plain = tenant_with(acme, {"timing": ["immediately"]})
    assert quote(plain, wish(plain, timing=ChangeTiming.IMMEDIATELY)).difference_today == 0


def test_the_new_monthly_fee_counts_the_promotion_until_its_end(acme):
    promo = Promo(monthly_fee=300, until=date(2026, 12, 31))
    tenant = tenant_with(acme, fast={"promo": promo})
    assert quote(tenant, wish(tenant)).monthly_fee == 30000  # from 1 December: promo
    later = wish(tenant, today=date(2026, 12, 15))  # from 1 January: the full price
    assert quote(tenant, later).monthly_fee == 93050


def test_without_a_minimum_stay_a_change_made_today_does_not_stop_the_next(acme):
    # An immediate change without proration is billed from tomorrow: its period starts then.
    tenant = tenant_with(acme, {"timing": ["immediately"]})
    again = wish(
        tenant, "fast", "basic", timing=ChangeTiming.IMMEDIATELY, on_since=date(2026, 12, 1)
    )
    assert quote(tenant, again).allowed
