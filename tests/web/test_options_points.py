"""Options of one service point: the subscriber with several addresses picks one, the
rules hold per address, the network and the statement are told which, and an address that
is not the subscriber's own is refused."""

import re

import pytest
import sqlalchemy as sa

from app.core.calendar import LocalDates
from app.core.ledger import LedgerEntry
from app.core.subscribers import Account, ServicePoint
from app.extensions import db
from app.options import service
from app.options.models import Activation
from app.persistence import utcnow
from app.provisioning.models import ProvisioningEvent

from .options_steps import CSRF_INPUT, HIDDEN, cabinet

HOME, DACHA = "ул. Ленина, 1", "пос. Сосновка, 7"


def two_points(app, make_subscriber, tenant_client, slug="acme", **fields):
    """A logged-in subscriber whose account has two points; (browser, facts, point ids)."""
    browser, facts = cabinet(
        make_subscriber, tenant_client, slug, tariffs=("basic", "fast"), **fields
    )
    with app.app_context():
        points = db.session.scalars(
            sa.select(ServicePoint)
            .where(ServicePoint.account_id == facts["account_id"])
            .order_by(ServicePoint.id)
        ).all()
        points[0].address, points[1].address = HOME, DACHA
        ids = [p.id for p in points]
        db.session.commit()
    return browser, facts, ids


def confirm(browser, code: str, fields: dict):
    """Both steps with these fields: (the confirmation page, the answer to «Confirm»)."""
    page = browser.form(f"/my-services/{code}", fields)
    if page.status_code != 200:
        return page, None
    html = page.get_data(as_text=True)
    data = dict(HIDDEN.findall(html)) | {"csrf_token": CSRF_INPUT.search(html).group(1)}
    return page, browser.post(f"/my-services/{code}/confirm", data=data)


def rows(app) -> list[tuple[str, int | None]]:
    with app.app_context():
        found = db.session.execute(
            sa.select(Activation.code, Activation.point_id).order_by(Activation.id)
        )
        return [tuple(row) for row in found]


def option_money(app) -> int:
    with app.app_context():
        return db.session.scalar(
            sa.select(sa.func.count()).where(LedgerEntry.reference.like("option%"))
        )


@pytest.mark.parametrize(
    ("code", "fields"),
    [
        ("tv", {}),
        ("static", {}),
        ("guard", {}),
        ("kids-block", {"hours": "2"}),
        ("boost", {}),
        ("visit", {"comment": "the router"}),
    ],
)
def test_a_two_point_account_picks_the_address_of_a_connections_option(
    app, make_subscriber, tenant_client, code, fields
):
    browser, _facts, (_home, dacha) = two_points(app, make_subscriber, tenant_client)
    page = browser.get(f"/my-services/{code}").get_data(as_text=True)
    assert 'name="point"' in page and HOME in page and DACHA in page
    assert 'name="account"' not in page  # the address names the account
    asked, done = confirm(browser, code, {"point": str(dacha), **fields})
    assert done is not None and done.status_code == 302, asked.get_data(as_text=True)[-2000:]
    assert re.search(r'data-testid="address">\s*' + DACHA, asked.get_data(as_text=True))
    assert rows(app) == [(code, dacha)]
    listing = browser.get("/my-services").get_data(as_text=True)
    assert f'data-testid="address">{DACHA}<' in listing


@pytest.mark.parametrize("code", ["holiday", "season"])
def test_a_pause_and_a_prepay_are_for_the_whole_account(app, make_subscriber, tenant_client, code):
    browser, _facts, _ = two_points(app, make_subscriber, tenant_client)
    page = browser.get(f"/my-services/{code}").get_data(as_text=True)
    assert 'name="point"' not in page and 'name="account"' in page


def test_one_point_shows_no_choice_and_the_option_is_that_points(
    app, make_subscriber, tenant_client
):
    browser, facts = cabinet(make_subscriber, tenant_client, "acme")
    assert 'name="point"' not in browser.get("/my-services/tv").get_data(as_text=True)
    _, done = confirm(browser, "tv", {"account": facts["account"]})
    assert done.status_code == 302
    with app.app_context():
        (point,) = db.session.get(Account, facts["account_id"]).service_points
        assert rows(app) == [("tv", point.id)]


def test_one_tv_pack_per_address_not_per_account(app, make_subscriber, tenant_client):
    browser, _facts, (home, dacha) = two_points(app, make_subscriber, tenant_client)
    assert confirm(browser, "tv", {"point": str(home)})[1].status_code == 302
    assert confirm(browser, "tv", {"point": str(dacha)})[1].status_code == 302
    again, _ = confirm(browser, "tv", {"point": str(dacha)})
    assert again.status_code == 409
    assert f"This service is already switched on at {DACHA}." in again.get_data(as_text=True)
    assert rows(app) == [("tv", home), ("tv", dacha)]


def test_a_boost_raises_its_points_speed_and_the_network_hears_which(
    app, make_subscriber, tenant_client
):
    browser, facts, (home, _dacha) = two_points(app, make_subscriber, tenant_client)
    assert confirm(browser, "boost", {"point": str(home)})[1].status_code == 302
    listing = browser.get("/my-services").get_data(as_text=True)
    assert f"{HOME}: speed 1000 Mbit/s until" in listing
    assert f"{DACHA}: speed 500 Mbit/s<" in listing  # «fast», not boosted
    dashboard = browser.get("/").get_data(as_text=True)
    (told,) = re.findall(r'data-testid="boost">([^<]*)<', dashboard)
    assert told.startswith(f"Turbo at {HOME}: 1000 Mbit/s until")
    with app.app_context():
        sent = db.session.execute(
            sa.select(ProvisioningEvent.event, ProvisioningEvent.point_id)
        ).all()
        assert [tuple(e) for e in sent] == [("speed-changed", home)]
        (row,) = db.session.scalars(sa.select(Activation)).all()
        acme = app.extensions["tenancy"].tenants["acme"]
        service.stop(acme, row.id, [facts["account_id"]], row.starts_at)
        db.session.commit()
        back = db.session.scalars(
            sa.select(ProvisioningEvent).order_by(ProvisioningEvent.id.desc()).limit(1)
        ).one()
        # Back to the home point's own tariff («basic», 100), not the account's fastest.
        assert (back.point_id, back.details["speed_mbps"]) == (home, 100)


def test_an_addons_daily_charge_names_its_address_on_the_statement(
    app, make_subscriber, tenant_client
):
    browser, _facts, (_home, dacha) = two_points(app, make_subscriber, tenant_client)
    assert confirm(browser, "tv", {"point": str(dacha)})[1].status_code == 302
    with app.app_context():
        acme = app.extensions["tenancy"].tenants["acme"]
        # The tenant's own date: after its midnight, UTC's date is still the day before.
        assert service.charge_day(acme, LocalDates(acme, utcnow()).tenant_date) == 1
        db.session.commit()
    statement = browser.get("/statement").get_data(as_text=True)
    assert re.search(rf'entry-description">Television \({DACHA}\), the part for ', statement)


def test_another_accounts_or_isps_address_is_refused_and_changes_nothing(
    app, make_subscriber, tenant_client
):
    browser, facts, _ = two_points(app, make_subscriber, tenant_client)
    _, neighbour = cabinet(make_subscriber, tenant_client, "acme")
    _, stranger = cabinet(make_subscriber, tenant_client, "tomtel")
    with app.app_context():
        foreign = [
            db.session.get(Account, other["account_id"]).service_points[0].id
            for other in (neighbour, stranger)
        ]
    for point_id in [*foreign, 10**15]:
        page, done = confirm(browser, "tv", {"point": str(point_id)})
        assert page.status_code == 400 and done is None
        assert "Please choose one of your addresses." in page.get_data(as_text=True)
        # Straight to «Confirm», past the first page: the same check.
        html = browser.get("/my-services/tv").get_data(as_text=True)
        token = CSRF_INPUT.search(html).group(1)
        answer = browser.post(
            "/my-services/tv/confirm", data={"csrf_token": token, "point": str(point_id)}
        )
        assert answer.status_code == 400
    assert rows(app) == [] and option_money(app) == 0
    with app.app_context():
        assert db.session.get(Account, facts["account_id"]).balance == 100_000


def test_a_one_point_account_posting_anothers_address_is_refused(
    app, make_subscriber, tenant_client
):
    browser, facts = cabinet(make_subscriber, tenant_client, "acme")
    _, other = cabinet(make_subscriber, tenant_client, "acme")
    with app.app_context():
        foreign = db.session.get(Account, other["account_id"]).service_points[0].id
    page = browser.form("/my-services/tv", {"account": facts["account"], "point": str(foreign)})
    assert page.status_code == 409
    assert "This address is not one of the account" in page.get_data(as_text=True)
    assert rows(app) == [] and option_money(app) == 0
