"""The «Security» page: sessions and login history, ending one session or all the others."""

import re

import pytest
import sqlalchemy as sa

from app.core.devices import LoginEvent, LoginSession
from app.extensions import db
from tests.conftest import CSRF_INPUT
from tests.security.test_sessions import PASSWORD, PHONE_UA, browser, logged_in

PAGE_LANG = "en"
TABLET = (
    "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1"
)


@pytest.fixture
def subscriber(make_subscriber):
    return make_subscriber(password=PASSWORD)


def session_ids(app, subscriber_id: int) -> dict[str, int]:
    """The subscriber's sessions by browser family."""
    with app.app_context():
        found = db.session.execute(
            sa.select(LoginSession.browser, LoginSession.id).where(
                LoginSession.subscriber_id == subscriber_id
            )
        ).all()
        return dict(found)


def token(client) -> str:
    return CSRF_INPUT.search(client.get("/security/").get_data(as_text=True)).group(1)


def test_the_page_lists_the_sessions_and_the_logins(app, tenant_client, subscriber):
    tenant_client("acme.localhost").login(subscriber["account"], "wrong-password")
    laptop = browser(tenant_client, subscriber["account"])
    browser(tenant_client, subscriber["account"], PHONE_UA)
    response = laptop.get("/security/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<h1>Security</h1>" in page
    assert "Firefox, Windows" in page and "Chrome, Android" in page
    assert page.count("This device") == 1
    # This device comes first and is marked, though the phone logged in later.
    assert page.index("Firefox, Windows") < page.index("This device") < page.index("Chrome")
    assert "127.0.0.0/24" in page
    assert page.count("End this session") == 1  # the phone's; this one ends by logging out
    assert "Log out everywhere else" in page
    history = page[page.index("Recent logins") :]
    assert history.count("Wrong password") == 1 and history.count("Success") == 2


def test_the_page_is_in_the_menu_and_needs_a_login(tenant_client, subscriber):
    anonymous = tenant_client("acme.localhost")
    assert anonymous.get("/security/").headers["Location"].startswith("/login")
    laptop = browser(tenant_client, subscriber["account"])
    assert 'href="/security/"' in laptop.get("/").get_data(as_text=True)


def test_a_failure_is_recorded_only_for_an_account_of_this_isp(app, tenant_client, subscriber):
    visitor = tenant_client("acme.localhost")
    visitor.login("no-such-login", "wrong-password")
    tenant_client("tomtel.localhost").login(subscriber["account"], "wrong-password")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LoginEvent)) == 0
    visitor.login(subscriber["account"], "wrong-password")
    with app.app_context():
        (event,) = db.session.scalars(sa.select(LoginEvent)).all()
        assert (event.tenant, event.subscriber_id, event.success) == (
            "acme",
            subscriber["id"],
            False,
        )


def test_ending_another_session_logs_that_device_out(app, tenant_client, subscriber):
    laptop = browser(tenant_client, subscriber["account"])
    phone = browser(tenant_client, subscriber["account"], PHONE_UA)
    tablet = browser(tenant_client, subscriber["account"], TABLET)
    target = session_ids(app, subscriber["id"])["Chrome"]
    response = laptop.post(f"/security/sessions/{target}/end", data={"csrf_token": token(laptop)})
    assert response.status_code == 303
    assert not logged_in(phone)
    assert logged_in(laptop) and logged_in(tablet)
    page = laptop.get("/security/").get_data(as_text=True)
    sessions = page[: page.index("Recent logins")]
    assert "Chrome, Android" not in sessions and "iPadOS" in sessions


def test_logging_out_everywhere_else_keeps_this_device(app, tenant_client, subscriber):
    laptop = browser(tenant_client, subscriber["account"])
    phone = browser(tenant_client, subscriber["account"], PHONE_UA)
    tablet = browser(tenant_client, subscriber["account"], TABLET)
    response = laptop.post("/security/sessions/end-others", data={"csrf_token": token(laptop)})
    assert response.status_code == 303
    assert logged_in(laptop)
    assert not logged_in(phone) and not logged_in(tablet)
    assert list(session_ids(app, subscriber["id"])) == ["Firefox"]
    page = laptop.get("/security/").get_data(as_text=True)
    assert "Log out everywhere else" not in page


def test_both_actions_need_the_forms_token(app, tenant_client, subscriber):
    laptop = browser(tenant_client, subscriber["account"])
    phone = browser(tenant_client, subscriber["account"], PHONE_UA)
    target = session_ids(app, subscriber["id"])["Chrome"]
    assert laptop.post(f"/security/sessions/{target}/end").status_code == 400
    assert laptop.post("/security/sessions/end-others").status_code == 400
    assert laptop.get(f"/security/sessions/{target}/end").status_code == 405
    assert logged_in(phone)


def test_a_session_id_that_is_not_yours_is_not_found(app, tenant_client, make_subscriber):
    owner = make_subscriber(password=PASSWORD)
    neighbour = make_subscriber(password=PASSWORD)
    other_isp = make_subscriber(tenant="tomtel", password=PASSWORD, logins={"account": "555000222"})
    owners_phone = browser(tenant_client, owner["account"], PHONE_UA)
    owners_laptop = browser(tenant_client, owner["account"])
    neighbours = browser(tenant_client, neighbour["account"])
    tomtel = browser(tenant_client, "555000222", host="tomtel.localhost")
    phone_id = session_ids(app, owner["id"])["Chrome"]
    laptop_id = session_ids(app, owner["id"])["Firefox"]
    for stranger in (neighbours, tomtel):
        csrf = CSRF_INPUT.search(stranger.get("/security/").get_data(as_text=True)).group(1)
        for target in (phone_id, laptop_id):
            path = f"/security/sessions/{target}/end"
            assert stranger.post(path, data={"csrf_token": csrf}).status_code == 404
    # Nor is the owner's own current session ended this way (logging out does that), nor
    # a session that does not exist.
    csrf = token(owners_laptop)
    for target in (laptop_id, 10**12):
        path = f"/security/sessions/{target}/end"
        assert owners_laptop.post(path, data={"csrf_token": csrf}).status_code == 404
    assert logged_in(owners_phone) and logged_in(owners_laptop)
    assert len(session_ids(app, owner["id"])) == 2
    assert len(session_ids(app, other_isp["id"])) == 1


def test_the_page_reads_in_every_language(tenant_client, subscriber):
    laptop = browser(tenant_client, subscriber["account"])
    for lang, title in (("ru", "Безопасность"), ("hi", "सुरक्षा")):
        laptop.set_cookie("lang", lang, domain=laptop.host)
        page = laptop.get("/security/").get_data(as_text=True)
        assert re.search(rf"<h1>{title}</h1>", page), lang
