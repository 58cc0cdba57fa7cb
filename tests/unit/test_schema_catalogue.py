"""The catalogue's newer keys: promotions, TV, region prices and tariff-change rules."""

from datetime import date

import pytest

from app.tenancy.registry import load_registry
from tests.unit.test_schema import LOCALES, edit, line_of, problems, tenants_dir  # noqa: F401

FAST = '      monthly_fee: "930.50"'


def test_promotion_tv_connection_fee_and_rules_are_read(tenants_dir):  # noqa: F811
    edit(
        tenants_dir,
        FAST,
        FAST
        + "\n      connection_fee: 1500"
        + '\n      promo: {monthly_fee: "499.90", until: 2026-12-31}'
        + "\n      kind: mix"
        + "\n      tv: {channels: 150, set_top_box: {ru: приставка, en: set-top box, hi: बॉक्स}}"
        + "\n  tariff_change:"
        + "\n    timing: [next_day, next_month]"
        + "\n    moves: {basic: [fast]}"
        + "\n    fee: {up: 100, down: 0, by: price}"
        + "\n    min_stay_days: 30"
        + "\n    confirm_by_sms: true",
    )
    edit(
        tenants_dir,
        "    timezone: Asia/Novosibirsk",
        "    timezone: Asia/Novosibirsk\n    prices: {fast: 850}",
    )
    acme = load_registry([tenants_dir], LOCALES, dev_hosts=True).tenants["acme"]
    fast = acme.tariffs["fast"]
    assert fast.connection_fee == 150000 and fast.tv.channels == 150
    assert acme.monthly_fee(fast, None, date(2026, 12, 31)) == 49990
    assert acme.monthly_fee(fast, None, date(2027, 1, 1)) == 93050
    assert acme.monthly_fee(fast, acme.region("south"), date(2027, 1, 1)) == 85000
    rules = acme.config.catalogue.tariff_change
    assert rules.moves == {"basic": ("fast",)} and rules.fee.up == 10000
    assert rules.min_stay_days == 30 and rules.confirm_by_sms


def test_a_region_price_for_an_undefined_tariff(tenants_dir):  # noqa: F811
    edit(
        tenants_dir,
        "    timezone: Asia/Novosibirsk",
        "    timezone: Asia/Novosibirsk\n    prices: {turbo: 850}",
    )
    line = line_of(tenants_dir, "prices: {turbo")
    assert problems(tenants_dir) == [
        f"tenants/acme/tenant.yaml:{line}: regions.1.prices.turbo: "
        "refers to undefined tariff 'turbo'"
    ]


def test_moves_between_undefined_tariffs(tenants_dir):  # noqa: F811
    edit(
        tenants_dir,
        FAST,
        FAST + "\n  tariff_change:\n    moves:\n      basic: [fast, turbo]\n      slow: [basic]",
    )
    assert problems(tenants_dir) == [
        f"tenants/acme/tenant.yaml:{line_of(tenants_dir, 'basic: [fast, turbo]')}: "
        "catalogue.tariff_change.moves.basic.1: refers to undefined tariff 'turbo'",
        f"tenants/acme/tenant.yaml:{line_of(tenants_dir, 'slow: [basic]')}: "
        "catalogue.tariff_change.moves.slow: refers to undefined tariff 'slow'",
    ]


def test_an_unknown_timing_is_refused(tenants_dir):  # noqa: F811
    edit(tenants_dir, FAST, FAST + "\n  tariff_change: {timing: [tomorrowish]}")
    found = problems(tenants_dir)
    assert "catalogue.tariff_change.timing.0: Input should be 'immediately'" in found[0]


@pytest.mark.parametrize(
    ("code", "scope", "per_point"),
    [
        ("tv", None, True),  # an add-on belongs to a connection
        ("boost", None, True),
        ("kids-block", None, True),
        ("visit", None, True),  # a technician comes to an address
        ("holiday", None, False),  # a pause stops the account's charges
        ("season", None, False),
        ("tv", "account", False),
        ("holiday", "account", False),
    ],
)
def test_an_options_scope_defaults_by_its_kind(tenants_dir, code, scope, per_point):  # noqa: F811
    if scope is not None:
        edit(tenants_dir, f"    - code: {code}\n", f"    - code: {code}\n      scope: {scope}\n")
    acme = load_registry([tenants_dir], LOCALES, dev_hosts=True).tenants["acme"]
    option = next(o for o in acme.config.catalogue.options if o.code == code)
    assert option.per_point is per_point


@pytest.mark.parametrize("code", ["holiday", "season"])
def test_a_pause_or_prepay_per_point_is_refused_with_its_line(tenants_dir, code):  # noqa: F811
    edit(tenants_dir, f"    - code: {code}\n", f"    - code: {code}\n      scope: point\n")
    (found,) = [p for p in problems(tenants_dir) if "scope must be account" in p]
    assert f"tenant.yaml:{line_of(tenants_dir, f'code: {code}')}" in found


def test_an_unknown_scope_is_refused(tenants_dir):  # noqa: F811
    edit(tenants_dir, "    - code: tv\n", "    - code: tv\n      scope: flat\n")
    assert any("scope" in p for p in problems(tenants_dir))
