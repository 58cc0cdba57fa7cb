"""Changing a service point's tariff in the cabinet, as a subscriber of each ISP meets it."""

import re
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from app.core.ledger import EntryKind, LedgerEntry
from app.core.signals import service_changed
from app.core.subscribers import ServicePoint
from app.extensions import db
from app.services.models import ChangeStatus, TariffChange

PAGE_LANG = "en"
PASSWORD = "Sunny-Garden-77"


def _text(response) -> str:
    return response.get_data(as_text=True)


def _points(app, account_id: int) -> list[ServicePoint]:
    with app.app_context():
        points = list(
            db.session.scalars(
                sa.select(ServicePoint)
                .where(ServicePoint.account_id == account_id)
                .order_by(ServicePoint.id)
            )
        )
        db.session.expunge_all()
        return points


def _tomtel_cabinet(app, make_subscriber, tenant_client, login: str, phone: str, balance: int):
    """A Томтел subscriber on «Старт 100» in Tomsk, logged in: (browser, facts, point)."""
    person = make_subscriber(
        tenant="tomtel",
        password=PASSWORD,
        tariffs=("start-100",),
        region="tomsk",
        balance=balance,
        logins={"account": login},
        phone=phone,
    )
    browser = tenant_client("tomtel.localhost")
    assert browser.login(login, PASSWORD).status_code == 302
    (point,) = _points(app, person["account_id"])
    return browser, person, point


def _changes(app, point_id: int) -> list[TariffChange]:
    with app.app_context():
        rows = list(
            db.session.scalars(sa.select(TariffChange).where(TariffChange.point_id == point_id))
        )
        db.session.expunge_all()
        return rows


@pytest.fixture
def novotelecom(make_subscriber, tenant_client):
    """An «Электронный город» subscriber with two access points, logged in."""
    person = make_subscriber(
        tenant="novotelecom",
        password=PASSWORD,
        tariffs=("internet-tv", "domashniy-100"),
        region="nsk",
        balance=100000,
        logins={"contract": "7001001"},
        phone="+79135550101",
    )
    browser = tenant_client("novotelecom.localhost")
    assert browser.login("7001001", PASSWORD).status_code == 302
    return person, browser


@pytest.fixture
def signals():
    heard = []

    def listen(sender, **facts):
        heard.append((sender.slug, facts))

    service_changed.connect(listen)
    yield heard
    service_changed.disconnect(listen)


def test_the_catalogue_lists_the_regions_tariffs_marks_the_current_ones(app, novotelecom):
    _, browser = novotelecom
    page = _text(browser.get("/services/"))
    assert "Tariffs and services" in page
    assert re.search(r'class="tariff tariff-current" data-tariff="internet-tv"', page)
    assert re.search(r'class="tariff tariff-current" data-tariff="domashniy-100"', page)
    assert 'data-tariff="domashniy-500"' in page
    assert "200 TV channels" in page
    # A person does not see the business tariff.
    assert 'data-tariff="biznes-100"' not in page
    # The options from the YAML, with their prices in words.
    assert 'data-option="videokontrol"' in page


def test_next_month_on_one_of_two_points_waits_and_is_cancellable(app, novotelecom, signals):
    person, browser = novotelecom
    first, second = _points(app, person["account_id"])
    page = _text(browser.get(f"/services/points/{second.id}/tariff"))
    assert "From tomorrow" in page and "From the first day of next month" in page
    response = browser.form(
        f"/services/points/{second.id}/tariff", {"tariff": "domashniy-500", "timing": "next_month"}
    )
    assert response.status_code == 302
    (change,) = _changes(app, second.id)
    assert change.status == ChangeStatus.PENDING
    assert change.effective_on.day == 1
    assert not _changes(app, first.id)
    assert not signals  # nothing changes in the network before the date
    dashboard = _text(browser.get("/"))
    assert "the tariff becomes «Home 500»" in dashboard
    # A second change while one waits is refused, naming the rule.
    again = browser.form(
        f"/services/points/{second.id}/tariff", {"tariff": "domashniy-300", "timing": "next_day"}
    )
    assert again.status_code == 409
    assert "already waiting" in _text(again)
    cancelled = browser.form(
        f"/services/changes/{change.id}/cancel", {"back": "dashboard"}, page="/"
    )
    assert cancelled.status_code == 302 and cancelled.headers["Location"].endswith("/")
    assert _changes(app, second.id)[0].status == ChangeStatus.CANCELLED
    assert "the tariff becomes" not in _text(browser.get("/"))


def test_another_subscribers_point_is_not_found(app, novotelecom, make_subscriber):
    _, browser = novotelecom
    stranger = make_subscriber(tenant="tomtel", logins={"account": "555000111"})
    neighbour = make_subscriber(tenant="novotelecom", logins={"contract": "7001002"})
    for other in (stranger, neighbour):
        (point,) = _points(app, other["account_id"])
        assert browser.get(f"/services/points/{point.id}/tariff").status_code == 404


def test_tomtel_changes_at_once_after_the_sms_code(
    app, make_subscriber, tenant_client, sms, signals
):
    browser, person, point = _tomtel_cabinet(
        app, make_subscriber, tenant_client, "701000001", "+79135550202", 50000
    )
    path = f"/services/points/{point.id}/tariff"
    summary = browser.form(path, {"tariff": "maximum-500", "timing": "immediately"})
    assert summary.status_code == 200 and "Confirm the change of tariff" in _text(summary)
    # The summary's button posts what its hidden fields hold.
    hidden = dict(re.findall(r'<input[^>]*name="(\w+)"[^>]*value="([^"]*)"', _text(summary)))
    assert hidden["confirmed"] == "1" and hidden["tariff"] == "maximum-500"
    sent = browser.post(path, data=hidden)
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/services/confirm")
    assert _points(app, person["account_id"])[0].tariff_code == "start-100"
    (text, *_) = sms("+79135550202")
    code = re.search(r"\b(\d{6})\b", text).group(1)
    assert "Максимум 500" in text or "Maximum 500" in text
    done = browser.form("/services/confirm", {"code": code})
    assert done.status_code == 302
    assert _points(app, person["account_id"])[0].tariff_code == "maximum-500"
    ((slug, facts),) = signals
    assert slug == "tomtel" and facts["event"] == "tariff-changed"
    assert facts["point_id"] == point.id and facts["account_id"] == person["account_id"]
    assert facts["details"]["from"] == "start-100" and facts["details"]["to"] == "maximum-500"
    assert facts["details"]["speed_mbps"] == 500
    date.fromisoformat(facts["details"]["effective"])
    assert "Maximum 500" in _text(browser.get("/"))


def test_a_wrong_code_changes_nothing(app, make_subscriber, tenant_client, sms):
    # today's dearer part is covered: only the code can stop it
    browser, person, point = _tomtel_cabinet(
        app, make_subscriber, tenant_client, "701000002", "+79135550303", 100000
    )
    path = f"/services/points/{point.id}/tariff"
    data = {"tariff": "gigabit", "timing": "immediately", "confirmed": "1"}
    assert browser.form(path, data, page=path).status_code == 302
    wrong = browser.form("/services/confirm", {"code": "000000"})
    assert wrong.status_code == 200 and "incorrect" in _text(wrong)
    assert _points(app, person["account_id"])[0].tariff_code == "start-100"


def test_business_tariff_is_refused_to_a_person_and_offered_to_an_organisation(
    app, make_subscriber, tenant_client
):
    person = make_subscriber(
        tenant="novotelecom", password=PASSWORD, region="nsk", logins={"contract": "7001003"}
    )
    browser = tenant_client("novotelecom.localhost")
    assert browser.login("7001003", PASSWORD).status_code == 302
    (point,) = _points(app, person["account_id"])
    refused = browser.form(
        f"/services/points/{point.id}/tariff", {"tariff": "biznes-100", "timing": "next_day"}
    )
    # Not among the choices at all: the form says so, and nothing is ordered.
    assert refused.status_code == 400
    assert not _changes(app, point.id)
    firm = make_subscriber(
        tenant="novotelecom",
        password=PASSWORD,
        region="nsk",
        kind="organisation",
        organisation="ООО «Тест»",
        logins={"contract": "7001004"},
    )
    office = tenant_client("novotelecom.localhost")
    assert office.login("7001004", PASSWORD).status_code == 302
    assert 'data-tariff="biznes-100"' in _text(office.get("/services/"))
    (desk,) = _points(app, firm["account_id"])
    ordered = office.form(
        f"/services/points/{desk.id}/tariff", {"tariff": "biznes-100", "timing": "next_day"}
    )
    assert ordered.status_code == 302
    assert _changes(app, desk.id)[0].to_code == "biznes-100"


def test_a_blocked_account_is_refused_naming_the_debt(app, make_subscriber, tenant_client):
    person = make_subscriber(
        tenant="netbynet",
        password=PASSWORD,
        status="blocked",
        region="msk",
        logins={"contract": "7001005"},
    )
    browser = tenant_client("netbynet.localhost")
    assert browser.login("7001005", PASSWORD).status_code == 302
    (point,) = _points(app, person["account_id"])
    refused = browser.form(
        f"/services/points/{point.id}/tariff", {"tariff": "domashniy-100", "timing": "next_day"}
    )
    assert refused.status_code == 409
    assert "blocked for debt" in _text(refused)
    assert not _changes(app, point.id)


def test_iphome_prorates_today_when_today_is_already_charged(app, make_subscriber, tenant_client):
    person = make_subscriber(
        tenant="iphome",
        password=PASSWORD,
        tariffs=("internet-100",),
        region="msk",
        balance=100000,
        logins={"login": "ip-prorate"},
    )
    from app.billing.charging import run_tenant

    tenant = app.extensions["tenancy"].tenants["iphome"]
    with app.app_context():
        run_tenant(tenant)
    browser = tenant_client("iphome.localhost")
    assert browser.login("ip-prorate", PASSWORD, region="msk").status_code == 302
    (point,) = _points(app, person["account_id"])
    path = f"/services/points/{point.id}/tariff"
    data = {"tariff": "internet-500", "timing": "immediately", "confirmed": "1"}
    assert browser.form(path, data, page=path).status_code == 302
    with app.app_context():
        entries = list(
            db.session.scalars(
                sa.select(LedgerEntry).where(
                    LedgerEntry.account_id == person["account_id"],
                    LedgerEntry.kind == EntryKind.TARIFF_CHANGE,
                )
            )
        )
    today = datetime.now(UTC).date()
    from app.core.calendar import daily_part

    (entry,) = entries
    assert entry.amount == -(daily_part(80000, today) - daily_part(50000, today))
    statement = _text(browser.get("/statement"))
    assert "Tariff change" in statement
    assert "Price difference for today: Internet 100 → Internet 500" in statement


def test_nobody_else_cancels_a_pending_change(app, novotelecom, make_subscriber, tenant_client):
    person, browser = novotelecom
    _, second = _points(app, person["account_id"])
    path = f"/services/points/{second.id}/tariff"
    assert browser.form(path, {"tariff": "domashniy-500", "timing": "next_day"}).status_code == 302
    (change,) = _changes(app, second.id)
    make_subscriber(tenant="novotelecom", password=PASSWORD, logins={"contract": "7001009"})
    neighbour = tenant_client("novotelecom.localhost")
    assert neighbour.login("7001009", PASSWORD).status_code == 302
    cancel = f"/services/changes/{change.id}/cancel"
    assert neighbour.form(cancel, {"back": "services"}, page="/services/").status_code == 404
    assert _changes(app, second.id)[0].status == ChangeStatus.PENDING


def test_a_balance_spent_before_the_code_is_typed_refuses_and_leads_to_topping_up(
    app, make_subscriber, tenant_client, sms, signals
):
    from app.core.ledger import post_entry

    browser, person, point = _tomtel_cabinet(
        app, make_subscriber, tenant_client, "701000004", "+79135550404", 50000
    )
    path = f"/services/points/{point.id}/tariff"
    data = {"tariff": "gigabit", "timing": "immediately", "confirmed": "1"}
    assert browser.form(path, data, page=path).status_code == 302
    (text, *_) = sms("+79135550404")
    code = re.search(r"\b(\d{6})\b", text).group(1)
    with app.app_context():
        post_entry("tomtel", person["account_id"], -50000, EntryKind.CORRECTION, "spent")
        db.session.commit()
    refused = browser.form("/services/confirm", {"code": code})
    assert refused.status_code == 302 and refused.headers["Location"].startswith("/payments")
    page = _text(browser.get(refused.headers["Location"]))
    assert "The balance does not cover this change" in page and "is missing" in page
    assert _points(app, person["account_id"])[0].tariff_code == "start-100"
    assert not _changes(app, point.id) and signals == []
