"""The notification centre page: a form per event, only the channels on record, quiet hours."""

import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.notify import preferences
from app.notify.preferences import NoticePreference

PAGE_LANG = "en"
PASSWORD = "Sunny-Garden-77"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture
def browser(tenant_client, make_subscriber):
    def open_as(**contacts):
        facts = make_subscriber(password=PASSWORD, **contacts)
        client = tenant_client("acme.localhost")
        assert client.login(facts["account"], PASSWORD).status_code == 302
        return client, facts

    return open_as


def _post(client, path: str, data: dict):
    token = CSRF.search(client.get("/notifications/").get_data(as_text=True)).group(1)
    return client.post(path, data={"csrf_token": token, **data})


def _choices(app, facts):
    with app.app_context():
        tenant = app.extensions["tenancy"].tenants["acme"]
        return {e: c.channel for e, c in preferences.choices(tenant, facts["id"]).items()}


def test_the_page_is_in_the_menu_and_lists_every_event_with_its_default(browser):
    client, _ = browser(email="p@example.ru", phone="+79131230001")
    page = client.get("/notifications/").get_data(as_text=True)
    assert 'href="/notifications/"' in page
    assert page.count("<form") >= 8  # one per event, and the quiet hours
    for event in ("payment_credited", "low_balance", "suspension", "region_news"):
        assert f'action="/notifications/events/{event}"' in page
    assert re.search(r'id="low_balance-sms" value="sms" checked', page)
    assert re.search(r'id="payment_credited-email" value="email" checked', page)
    assert "(default)" in page


def test_choosing_sms_for_one_event_is_saved(app, browser):
    client, facts = browser(email="p@example.ru", phone="+79131230001")
    response = _post(client, "/notifications/events/payment_credited", {"channel": "sms"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/notifications/#payment_credited")
    page = client.get("/notifications/").get_data(as_text=True)
    assert "Saved: Payment credited — SMS." in page
    assert re.search(r'id="payment_credited-sms" value="sms" checked', page)
    assert _choices(app, facts)["payment_credited"] == "sms"
    assert _choices(app, facts)["low_balance"] == "sms"  # the others keep their defaults


def test_no_sms_is_offered_or_taken_without_a_phone_on_record(app, browser):
    client, _facts = browser(email="only@example.ru")
    page = client.get("/notifications/").get_data(as_text=True)
    assert 'value="sms"' not in page
    assert "your mobile phone is not on record" in page
    _post(client, "/notifications/events/low_balance", {"channel": "sms"})
    page = client.get("/notifications/").get_data(as_text=True)
    assert "Please choose one of the ways offered." in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(NoticePreference)) == 0


def test_without_any_contact_only_do_not_notify_is_offered(browser):
    client, _ = browser()
    page = client.get("/notifications/").get_data(as_text=True)
    assert 'data-testid="no-contacts"' in page
    assert 'value="email"' not in page and 'value="sms"' not in page


def test_an_unknown_event_is_not_found(browser):
    client, _ = browser(email="p@example.ru")
    assert _post(client, "/notifications/events/lottery", {"channel": "email"}).status_code == 404


def test_quiet_hours_own_off_and_back_to_the_default(app, browser):
    client, facts = browser(phone="+79131230002")
    page = client.get("/notifications/").get_data(as_text=True)
    assert "Now: from 22:00 to 09:00." in page
    _post(client, "/notifications/quiet-hours", {"mode": "own", "start": "23:00", "end": "07:00"})
    assert "Now: from 23:00 to 07:00." in client.get("/notifications/").get_data(as_text=True)
    _post(client, "/notifications/quiet-hours", {"mode": "off"})
    assert "Now: no quiet hours." in client.get("/notifications/").get_data(as_text=True)
    _post(client, "/notifications/quiet-hours", {"mode": "own", "start": "07:00", "end": "07:00"})
    page = client.get("/notifications/").get_data(as_text=True)
    assert "they cannot be the same" in page and "Now: no quiet hours." in page
    _post(client, "/notifications/quiet-hours", {"mode": "default"})
    with app.app_context():
        tenant = app.extensions["tenancy"].tenants["acme"]
        assert preferences.quiet_hours(tenant, facts["id"]) == ("22:00", "09:00")


def test_one_subscribers_choice_is_not_anothers(app, browser):
    first, one = browser(email="a@example.ru", phone="+79131230003")
    _, other = browser(email="b@example.ru", phone="+79131230004")
    _post(first, "/notifications/events/suspension", {"channel": "email"})
    assert _choices(app, one)["suspension"] == "email"
    assert _choices(app, other)["suspension"] == "sms"


def test_logged_out_the_page_asks_to_log_in(tenant_client):
    response = tenant_client("acme.localhost").get("/notifications/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
