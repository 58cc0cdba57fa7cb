"""Callback requests (Томтел): a window within the tenant's hours, shown with the
subscriber's requests, and from the contacts page without logging in behind the picture
code and a limit per address."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from limits import parse
from pydantic import ValidationError

from app.extensions import db
from app.help import callback
from app.help.models import HelpCallback, HelpRequest
from app.tenancy.help_schema import Callback, Hours
from tests.conftest import CSRF_INPUT
from tests.web.test_captcha import code_in_session

PAGE_LANG = "en"
PASSWORD = "Sunny-Garden-77"
HOST = "tomtel.localhost"


@pytest.fixture
def tomtel(app):
    return app.extensions["tenancy"].tenants["tomtel"]


@pytest.fixture
def owner(make_subscriber):
    return make_subscriber(
        tenant="tomtel",
        password=PASSWORD,
        logins={"account": "100200300"},
        surname="Петрова",
        first_name="Анна",
        phone="+79131234567",
    )


@pytest.fixture
def browser(tenant_client, owner):
    client = tenant_client(HOST)
    assert client.login("100200300", PASSWORD).status_code == 302
    return client


def rows(app):
    with app.app_context():
        found = db.session.scalars(sa.select(HelpRequest).order_by(HelpRequest.id)).all()
        for filed in found:
            _ = filed.callback
        db.session.expunge_all()
        return found


def first_window(tomtel):
    return callback.windows(tomtel, None)[0]


def local_key(tomtel, day_offset: int, clock: str) -> str:
    zone = ZoneInfo(tomtel.config.timezone)
    day = datetime.now(zone).date() + timedelta(days=day_offset)
    return f"{day.isoformat()}T{clock}"


def ask(client, **data):
    fields = {"name": "Анна", "phone": "+7 913 123-45-67", "comment": "", **data}
    return client.form("/help/callback", fields)


def test_the_form_is_prefilled_from_the_profile(browser):
    page = browser.get("/help/callback").text
    assert 'value="Петрова Анна"' in page
    assert 'value="+79131234567"' in page
    assert 'name="captcha"' not in page  # logged in: no picture code


def test_a_callback_is_one_of_the_subscribers_requests(app, browser, tomtel, owner):
    chosen = first_window(tomtel)
    response = ask(browser, when=chosen.key, comment="Не работает телевидение")
    assert response.status_code == 303
    [filed] = rows(app)
    assert (filed.kind, filed.subscriber_id, filed.subject) == ("callback", owner["id"], "callback")
    assert filed.callback.phone == "+79131234567"
    assert filed.callback.window_start == chosen.start.astimezone(UTC)
    assert filed.callback.window_end - filed.callback.window_start == timedelta(hours=2)
    listing = browser.get("/help/requests").text
    assert filed.label in listing and "Callback request" in listing
    detail = browser.get(response.headers["Location"]).text
    assert f"{chosen.start:%H:%M}–{chosen.end:%H:%M}" in detail
    assert "Не работает телевидение" in detail


def test_staff_see_it_in_flask_help_list(app, browser, tomtel):
    ask(browser, when=first_window(tomtel).key)
    out = app.test_cli_runner().invoke(args=["help", "list", "--tenant", "tomtel"]).output
    assert "HR-000001  tomtel  new  callback" in out


@pytest.mark.parametrize("clock", ["08:00", "21:00", "22:00", "09:30"])
def test_a_window_outside_the_hours_is_refused(app, browser, tomtel, clock):
    response = ask(browser, when=local_key(tomtel, 1, clock))
    assert response.status_code == 200
    assert "Please choose one of the times offered." in response.text
    assert rows(app) == []


def test_the_hours_divide_into_the_tenants_windows(tomtel):
    zone = ZoneInfo(tomtel.config.timezone)
    now = datetime(2026, 12, 3, 10, 30, tzinfo=zone)
    offered = callback.windows(tomtel, None, now)
    assert [f"{w.start:%H:%M}" for w in offered[:3]] == ["11:00", "13:00", "15:00"]
    assert all(w.start > now for w in offered)
    assert all(w.start.hour >= 9 and w.end.hour <= 21 for w in offered)
    assert len(offered) == 5 + 6 + 6  # the rest of today and two more days


def test_a_window_already_begun_or_past_is_refused(app, browser, tomtel):
    for key in (local_key(tomtel, -1, "11:00"), local_key(tomtel, -2, "19:00")):
        response = ask(browser, when=key)
        assert "Please choose one of the times offered." in response.text
    assert rows(app) == []
    zone = ZoneInfo(tomtel.config.timezone)
    late = datetime(2026, 12, 3, 13, 5, tzinfo=zone)
    assert callback.window(tomtel, None, "2026-12-03T13:00", late) is None
    assert callback.window(tomtel, None, "2026-12-03T15:00", late) is not None


def test_a_wrong_phone_is_named_on_the_form(app, browser, tomtel):
    response = ask(browser, phone="12", when=first_window(tomtel).key)
    assert "Please enter a phone number we can call, with its code." in response.text
    assert rows(app) == []


def test_hours_that_do_not_divide_into_windows_fail_the_tenant_check():
    with pytest.raises(ValidationError, match="whole windows"):
        Callback(hours=Hours(opens="09:00", closes="20:00"), window_minutes=120)
    with pytest.raises(ValidationError, match="later than"):
        Callback(hours={"opens": "21:00", "closes": "09:00"})


def test_a_window_is_offered_only_on_the_callback_days(tomtel, monkeypatch):
    weekdays = Callback(
        enabled=True,
        hours=Hours(days=("mon", "tue", "wed", "thu", "fri"), opens="09:00", closes="21:00"),
        days_ahead=4,
    )
    monkeypatch.setattr(callback, "rules", lambda tenant: weekdays)
    friday_evening = datetime(2026, 12, 4, 20, 0, tzinfo=ZoneInfo(tomtel.config.timezone))
    offered = callback.windows(tomtel, None, friday_evening)
    # Friday's last window has begun; Saturday and Sunday are not callback days.
    assert {w.start.date().isoformat() for w in offered} == {"2026-12-07"}
    assert [w.key[-5:] for w in offered] == ["09:00", "11:00", "13:00", "15:00", "17:00", "19:00"]


def test_the_contacts_page_and_the_form_show_the_hours_alike(tenant_client):
    page = tenant_client(HOST).get("/help/contacts").text
    assert "<dt>Call me back</dt><dd>Mon–Sun 09:00–21:00</dd>" in page
    assert "we call Mon–Sun 09:00–21:00." in tenant_client(HOST).get("/help/callback").text
    ru = tenant_client(HOST)
    ru.set_cookie("lang", "ru", domain=HOST)
    assert "<dd>пн–вс 09:00–21:00</dd>" in ru.get("/help/contacts").text


def test_a_tenant_without_callbacks_has_no_form(tenant_client):
    assert tenant_client("netbynet.localhost").get("/help/callback").status_code == 404


class Stranger:
    """Someone on the contacts page who has not logged in."""

    def __init__(self, app, client):
        self.app, self.client = app, client

    def ask(self, tomtel, code: str | None = None, **data):
        page = self.client.get("/help/callback").text
        assert 'name="captcha"' in page
        fields = {
            "csrf_token": CSRF_INPUT.search(page).group(1),
            "name": "Иван",
            "phone": "8 913 765-43-21",
            "when": first_window(tomtel).key,
            "captcha": code if code is not None else code_in_session(self.app, self.client),
            **data,
        }
        return self.client.post("/help/callback", data=fields)


def test_without_logging_in_from_the_contacts_page(app, tenant_client, tomtel):
    client = tenant_client(HOST)
    assert "/help/callback" in client.get("/help/contacts").text
    response = Stranger(app, client).ask(tomtel)
    assert response.status_code == 303
    [filed] = rows(app)
    assert filed.subscriber_id is None and filed.callback.phone == "+79137654321"
    assert "We will call you back" in client.get(response.headers["Location"]).text


def test_without_logging_in_the_picture_code_is_checked(app, tenant_client, tomtel):
    response = Stranger(app, tenant_client(HOST)).ask(tomtel, code="000000x")
    assert "The code is wrong." in response.text
    assert rows(app) == []


def test_without_logging_in_the_address_limit_holds(app, tenant_client, tomtel):
    stranger = Stranger(app, tenant_client(HOST))
    allowed = parse(tomtel.config.help.callback.public_limit).amount
    for _ in range(allowed):
        assert stranger.ask(tomtel).status_code == 303
    refused = stranger.ask(tomtel)
    assert refused.status_code == 429
    assert "Please try again in" in refused.text
    assert len(rows(app)) == allowed


def test_a_public_callback_is_in_nobodys_list(app, tenant_client, browser, tomtel):
    Stranger(app, tenant_client(HOST)).ask(tomtel)
    assert "You have not sent any requests yet." in browser.get("/help/requests").text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(HelpCallback.id))) == 1
