"""Tariff changes in the daily run: in force from local midnight, once, charged by the day."""

import dataclasses
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

import app.services.service as services
from app.billing.charging import run_tenant
from app.core.calendar import daily_part
from app.core.ledger import EntryKind, LedgerEntry, balance_mismatches
from app.core.subscribers import ServicePoint, subscriber_of
from app.core.tariffs import TariffPeriod
from app.extensions import db
from app.tenancy.schema import ChangeTiming, Promo, TariffChange

pytestmark = pytest.mark.usefixtures("without_autopay")

BASIC, FAST = 60000, 93050  # the acme test tenant's tariffs, in kopecks


def registry_tenant(app, slug="acme"):
    return app.extensions["tenancy"].tenants[slug]


def acme_with(app, rules=None, regions=None, **tariffs):
    acme = registry_tenant(app)
    catalogue = acme.config.catalogue
    changed = tuple(t.model_copy(update=tariffs.get(t.code, {})) for t in catalogue.tariffs)
    update = {"tariffs": changed}
    if rules is not None:
        update["tariff_change"] = TariffChange.model_validate(rules)
    config = acme.config.model_copy(update={"catalogue": catalogue.model_copy(update=update)})
    if regions is not None:
        config = config.model_copy(update={"regions": regions})
    return dataclasses.replace(acme, config=config)


def _point(account_id: int) -> ServicePoint:
    return db.session.scalar(sa.select(ServicePoint).where(ServicePoint.account_id == account_id))


def _charge(account_id: int, day: date) -> int | None:
    return db.session.scalar(
        sa.select(LedgerEntry.amount).where(
            LedgerEntry.reference == f"charge:{account_id}:{day.isoformat()}"
        )
    )


def _order(tenant, person, to_code, timing, now):
    subscriber = subscriber_of(tenant, person["id"])
    point = _point(person["account_id"])
    result = services.order(tenant, subscriber, point.id, to_code, timing, now=now)
    db.session.commit()
    return result


def test_next_month_takes_effect_on_the_first_and_is_charged_from_then(ctx, make_subscriber, heard):
    person = make_subscriber(tariffs=("basic",), balance=500000)
    acme = registry_tenant(ctx)
    ordered_at = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
    change = _order(acme, person, "fast", ChangeTiming.NEXT_MONTH, ordered_at)
    assert change.effective_on == date(2026, 12, 1)
    run_tenant(acme, date(2026, 11, 30), now=datetime(2026, 11, 30, 6, tzinfo=UTC))
    assert _point(person["account_id"]).tariff_code == "basic"
    assert not heard
    first = datetime(2026, 12, 1, 6, tzinfo=UTC)
    report = run_tenant(acme, date(2026, 12, 1), now=first)
    assert report.tariffs_changed == 1
    assert _point(person["account_id"]).tariff_code == "fast"
    assert _charge(person["account_id"], date(2026, 11, 30)) == -daily_part(
        BASIC, date(2026, 11, 30)
    )
    assert _charge(person["account_id"], date(2026, 12, 1)) == -daily_part(FAST, date(2026, 12, 1))
    (event,) = heard
    assert event["event"] == "tariff-changed"
    assert event["details"] == {
        "from": "basic",
        "to": "fast",
        "speed_mbps": 500,
        "effective": "2026-12-01",
    }
    # Twice: nothing more happens.
    again = run_tenant(acme, date(2026, 12, 1), now=first)
    assert again.tariffs_changed == 0 and again.charged == 0
    assert len(heard) == 1
    periods = db.session.scalars(sa.select(TariffPeriod).order_by(TariffPeriod.starts_on)).all()
    assert [(p.tariff_code, p.ends_on) for p in periods] == [
        ("basic", date(2026, 12, 1)),
        ("fast", None),
    ]
    assert balance_mismatches() == []


def test_a_past_day_is_charged_at_the_tariff_of_that_day(ctx, make_subscriber):
    person = make_subscriber(tariffs=("basic",), balance=500000)
    acme = registry_tenant(ctx)
    _order(acme, person, "fast", ChangeTiming.NEXT_MONTH, datetime(2026, 11, 20, tzinfo=UTC))
    run_tenant(acme, date(2026, 12, 1), now=datetime(2026, 12, 1, 6, tzinfo=UTC))
    # The operator charges a day that was missed before the change.
    run_tenant(acme, date(2026, 11, 29), now=datetime(2026, 12, 1, 7, tzinfo=UTC))
    assert _charge(person["account_id"], date(2026, 11, 29)) == -daily_part(
        BASIC, date(2026, 11, 29)
    )


def test_local_midnight_in_novosibirsk_utc_plus_7(ctx, make_subscriber):
    person = make_subscriber(
        tenant="novotelecom", tariffs=("domashniy-100",), region="nsk", balance=500000
    )
    tenant = registry_tenant(ctx, "novotelecom")
    _order(
        tenant, person, "domashniy-500", ChangeTiming.NEXT_MONTH, datetime(2026, 11, 20, tzinfo=UTC)
    )
    # 23:30 on 30 November in Novosibirsk: still November there.
    before = run_tenant(tenant, now=datetime(2026, 11, 30, 16, 30, tzinfo=UTC))
    assert before.tariffs_changed == 0
    assert _point(person["account_id"]).tariff_code == "domashniy-100"
    # 00:30 on 1 December there, still 30 November in UTC.
    after = run_tenant(tenant, now=datetime(2026, 11, 30, 17, 30, tzinfo=UTC))
    assert after.tariffs_changed == 1
    assert _point(person["account_id"]).tariff_code == "domashniy-500"
    assert _charge(person["account_id"], date(2026, 12, 1)) == -daily_part(85000, date(2026, 12, 1))


def test_the_fee_is_charged_through_the_ledger_when_the_change_takes_effect(ctx, make_subscriber):
    person = make_subscriber(tariffs=("basic",), balance=500000)
    acme = acme_with(ctx, rules={"timing": ["next_day"], "fee": {"up": 150}})
    change = _order(acme, person, "fast", ChangeTiming.NEXT_DAY, datetime(2026, 11, 30, tzinfo=UTC))
    assert change.fee == 15000
    assert (
        db.session.scalar(sa.select(LedgerEntry).where(LedgerEntry.kind == "tariff_change")) is None
    )
    run_tenant(acme, date(2026, 12, 1), now=datetime(2026, 12, 1, 6, tzinfo=UTC))
    fee = db.session.scalar(
        sa.select(LedgerEntry).where(LedgerEntry.kind == EntryKind.TARIFF_CHANGE)
    )
    assert fee.amount == -15000
    assert fee.reference == f"tariff-fee:{change.id}"
    assert "Базовый" in fee.description and "Быстрый" in fee.description
    assert balance_mismatches() == []


def test_a_cancelled_change_never_takes_effect(ctx, make_subscriber):
    person = make_subscriber(tariffs=("basic",), balance=500000)
    acme = registry_tenant(ctx)
    change = _order(
        acme, person, "fast", ChangeTiming.NEXT_MONTH, datetime(2026, 11, 20, tzinfo=UTC)
    )
    assert services.cancel(acme, person["id"], change.id)
    db.session.commit()
    assert not services.cancel(acme, person["id"], change.id)  # only once
    run_tenant(acme, date(2026, 12, 1), now=datetime(2026, 12, 1, 6, tzinfo=UTC))
    assert _point(person["account_id"]).tariff_code == "basic"


def test_region_prices_and_promotions_are_what_is_charged(ctx, make_subscriber):
    acme = registry_tenant(ctx)
    regions = tuple(
        r.model_copy(update={"prices": {"fast": 45000}}) if r.code == "south" else r
        for r in acme.config.regions
    )
    promo = Promo(monthly_fee=310, until=date(2026, 11, 30))  # roubles, validated
    tenant = acme_with(ctx, regions=regions, basic={"promo": promo})
    south = make_subscriber(tariffs=("fast",), region="south", balance=500000)
    elsewhere = make_subscriber(tariffs=("fast",), balance=500000)
    promoted = make_subscriber(tariffs=("basic",), balance=500000)
    for day in (date(2026, 11, 30), date(2026, 12, 1)):
        run_tenant(tenant, day, now=datetime(2026, 12, 1, 6, tzinfo=UTC))
        assert _charge(south["account_id"], day) == -daily_part(45000, day)
        assert _charge(elsewhere["account_id"], day) == -daily_part(FAST, day)
    assert _charge(promoted["account_id"], date(2026, 11, 30)) == -daily_part(
        31000, date(2026, 11, 30)
    )
    assert _charge(promoted["account_id"], date(2026, 12, 1)) == -daily_part(
        BASIC, date(2026, 12, 1)
    )
