"""The catalogue page and the dashboard read the price of the subscriber's region and day."""

import dataclasses
from datetime import date, timedelta

import pytest

from app.tenancy.schema import Promo, Television

PAGE_LANG = "en"
PASSWORD = "Sunny-Garden-77"


def _patch(app, monkeypatch, config_of):
    """Serve acme with config_of(acme) instead of its own config, on every host."""
    registry = app.extensions["tenancy"]
    acme = registry.tenants["acme"]
    moved = dataclasses.replace(acme, config=config_of(acme))
    monkeypatch.setitem(registry.tenants, "acme", moved)
    for host, site in list(registry.sites.items()):
        if site.tenant is acme:
            region = moved.region(site.region.code) if site.region else None
            monkeypatch.setitem(
                registry.sites, host, dataclasses.replace(site, tenant=moved, region=region)
            )
    return moved


@pytest.fixture
def acme_priced(app, monkeypatch):
    """«fast» costs 450 ₽ in the south; «basic» is on promotion at 300 ₽ for ten more days,
    with a connection fee; «fast» carries TV and connects free."""
    until = date.today() + timedelta(days=10)

    def config_of(acme):
        regions = tuple(
            r.model_copy(update={"prices": {"fast": 45000}}) if r.code == "south" else r
            for r in acme.config.regions
        )
        tv = Television.model_validate(
            {"channels": 120, "set_top_box": {"ru": "приставка", "en": "set-top box", "hi": "बॉक्स"}}
        )
        tariffs = tuple(
            t.model_copy(
                update={"promo": Promo(monthly_fee=300, until=until), "connection_fee": 150000}
            )
            if t.code == "basic"
            else t.model_copy(update={"kind": "mix", "tv": tv, "connection_fee": 0})
            for t in acme.config.catalogue.tariffs
        )
        catalogue = acme.config.catalogue.model_copy(update={"tariffs": tariffs})
        return acme.config.model_copy(update={"regions": regions, "catalogue": catalogue})

    _patch(app, monkeypatch, config_of)
    return until


def _logged_in(make_subscriber, client, **fields):
    person = make_subscriber(password=PASSWORD, **fields)
    assert client.login(person["account"], PASSWORD).status_code == 302
    return person


def test_region_price_promotion_connection_fee_and_tv(acme_priced, make_subscriber, client):
    _logged_in(make_subscriber, client, region="south", tariffs=("fast",))
    page = client.get("/services/").get_data(as_text=True)
    fast = page.split('data-tariff="fast"')[1].split("</li>")[0]
    assert "450" in fast and "930" not in fast
    assert "120 TV channels; set-top box" in fast
    assert "Your tariff" in fast
    basic = page.split('data-tariff="basic"')[1].split("</li>")[0]
    assert "300" in basic and "600" in basic  # the promotion, then the full price
    assert "Promotional price until" in basic
    assert "Connection: " in basic and "1,500" in basic
    # A fee of 0 is said to be free.
    assert "Connection is free of charge" in fast


def test_a_connection_fee_the_isp_did_not_give_is_not_mentioned(make_subscriber, client):
    _logged_in(make_subscriber, client, region="south", tariffs=("fast",))
    assert "Connection" not in client.get("/services/").get_data(as_text=True)


def test_the_dashboard_shows_the_region_price(acme_priced, make_subscriber, client):
    _logged_in(make_subscriber, client, region="south", tariffs=("fast",), balance=45000)
    page = client.get("/").get_data(as_text=True)
    row = page.split('<table class="points stack">')[1].split("</table>")[0]
    assert "450.00" in row and "930.50" not in row


def test_a_region_with_its_own_list_shows_only_it(make_subscriber, client):
    _logged_in(make_subscriber, client, region="north", tariffs=("basic",))
    page = client.get("/services/").get_data(as_text=True)
    assert 'data-tariff="basic"' in page and 'data-tariff="fast"' not in page


def _rules(app, monkeypatch, rules: dict):
    from app.tenancy.schema import TariffChange

    def config_of(acme):
        catalogue = acme.config.catalogue.model_copy(
            update={"tariff_change": TariffChange.model_validate(rules)}
        )
        return acme.config.model_copy(update={"catalogue": catalogue})

    return _patch(app, monkeypatch, config_of)


def _point_id(app, account_id: int) -> int:
    import sqlalchemy as sa

    from app.core.subscribers import ServicePoint
    from app.extensions import db

    with app.app_context():
        return db.session.scalar(
            sa.select(ServicePoint.id).where(ServicePoint.account_id == account_id)
        )


@pytest.mark.parametrize(
    ("rules", "said"),
    [
        ({"moves": {"basic": []}}, "A change from the current tariff to this one is not possible."),
        ({"min_stay_days": 100000 // 30}, "after a minimum stay on the current one"),
    ],
)
def test_a_refusal_names_its_rule(app, monkeypatch, make_subscriber, client, rules, said):
    _rules(app, monkeypatch, {"timing": ["next_day"], **rules})
    person = _logged_in(make_subscriber, client, region="south", tariffs=("basic",))
    path = f"/services/points/{_point_id(app, person['account_id'])}/tariff"
    refused = client.form(path, {"tariff": "fast", "timing": "next_day"})
    assert refused.status_code == 409
    assert said in refused.get_data(as_text=True)


def test_a_paid_change_shows_its_fee_before_it_is_ordered(
    app, monkeypatch, make_subscriber, client
):
    _rules(app, monkeypatch, {"timing": ["next_day"], "fee": {"up": 100}})
    person = _logged_in(make_subscriber, client, region="south", tariffs=("basic",), balance=10000)
    path = f"/services/points/{_point_id(app, person['account_id'])}/tariff"
    summary = client.form(path, {"tariff": "fast", "timing": "next_day"})
    assert summary.status_code == 200
    page = summary.get_data(as_text=True)
    fee = page.split('data-testid="fee">')[1].split("</dd>")[0]
    assert "100.00" in fee
    import sqlalchemy as sa

    from app.extensions import db
    from app.services.models import TariffChange

    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(TariffChange.id))) == 0


def test_a_change_the_balance_does_not_cover_names_the_sum_and_links_to_paying(
    app, monkeypatch, make_subscriber, client
):
    _rules(app, monkeypatch, {"timing": ["next_day"], "fee": {"up": 100}})
    person = _logged_in(make_subscriber, client, region="south", tariffs=("basic",), balance=2550)
    path = f"/services/points/{_point_id(app, person['account_id'])}/tariff"
    refused = client.form(path, {"tariff": "fast", "timing": "next_day"})
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert "it costs ₽100.00 now, ₽74.50 is missing" in page
    top_up = page.split('data-testid="top-up">')[1].split("</p>")[0]
    assert f'href="/payments?account={person["account"]}"' in top_up and "Top up" in top_up
    rules = client.get("/services/").get_data(as_text=True)
    assert "A change that costs money now is made only if the balance covers it." in rules


def test_the_services_page_says_why_a_scheduled_change_was_not_made(
    app, monkeypatch, make_subscriber, client
):
    from datetime import UTC, datetime

    from app.services.changes import _refuse
    from app.services.models import TariffChange

    tenant = _rules(app, monkeypatch, {"timing": ["next_day"], "fee": {"up": 100}})
    person = _logged_in(make_subscriber, client, region="south", tariffs=("basic",))
    from app.extensions import db

    with app.app_context():
        change = TariffChange(
            tenant=tenant.slug,
            account_id=person["account_id"],
            point_id=_point_id(app, person["account_id"]),
            from_code="basic",
            to_code="fast",
            timing="next_day",
            effective_on=date(2026, 12, 1),
            fee=10000,
        )
        db.session.add(change)
        db.session.flush()
        _refuse(change, 2550, datetime(2026, 12, 1, tzinfo=UTC))
        db.session.commit()
    page = client.get("/services/").get_data(as_text=True)
    said = page.split('data-testid="refused-change">')[1].split("</div>")[0]
    assert "The change to «Fast» from December 1, 2026 was not made" in said
    assert "its fee of ₽100.00, ₽25.50 was missing" in said
    assert "Top up the balance" in said


@pytest.mark.parametrize(("region", "price"), [("spb", "500"), ("msk", "550"), ("voronezh", "450")])
def test_netbynet_regions_price_the_same_tariff_differently(
    make_subscriber, tenant_client, region, price
):
    """tenants/netbynet: «Домашний 60» has Moscow's and the provinces' own monthly fee."""
    from .options_steps import cabinet

    browser, _ = cabinet(
        make_subscriber, tenant_client, "netbynet", region=region, tariffs=("domashniy-60",)
    )
    page = browser.get("/services/").get_data(as_text=True)
    tariff = page.split('data-tariff="domashniy-60"')[1].split("</li>")[0]
    assert f"{price}.00" in tariff, tariff
