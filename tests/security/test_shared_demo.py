"""Tomtel's public demo account (12345 / demo) is shared by every visitor.

Marked `shared_demo: true` in tenants/tomtel/demo.yaml: no visitor can change its password,
contacts or security settings, take it over through recovery, or log the others out.
"""

from datetime import date

import pytest
import sqlalchemy as sa

import app.recovery.service as recovery_service
from app.auth import service as auth_service
from app.core.devices import LoginSession
from app.core.subscribers import Subscriber, subscriber_of
from app.demo.service import read_demo, seed_tenant
from app.extensions import db
from tests.conftest import CSRF_INPUT

from .test_sessions import LAPTOP, PHONE_UA, logged_in

PAGE_LANG = "en"
HOST = "tomtel.localhost"
LOGIN, PASSWORD = "12345", "demo"
REFUSED = "public demo account shared by every visitor"


@pytest.fixture
def demo_account(app) -> dict:
    """The public demo account seeded from tomtel's demo.yaml, as `flask demo seed` does."""
    tenant = app.extensions["tenancy"].tenants["tomtel"]
    data = read_demo(tenant)
    (person,) = [p for p in data.subscribers if p.account == LOGIN]
    assert person.shared_demo and person.password == PASSWORD
    with app.app_context():
        seed_tenant(
            tenant, data.model_copy(update={"subscribers": (person,)}), date.today(), "test"
        )
        db.session.commit()
        subscriber = db.session.scalar(sa.select(Subscriber).where(Subscriber.tenant == "tomtel"))
        return {"id": subscriber.id, "phone": subscriber.phone, "tenant": tenant}


def visitor(tenant_client, agent: str = LAPTOP):
    client = tenant_client(HOST)
    client.environ_base["HTTP_USER_AGENT"] = agent
    assert client.login(LOGIN, PASSWORD).status_code == 302
    return client


def csrf(client, path: str = "/security/") -> str:
    return CSRF_INPUT.search(client.get(path).get_data(as_text=True)).group(1)


def password_still_works(tenant_client) -> bool:
    return tenant_client(HOST).login(LOGIN, PASSWORD).status_code == 302


def test_only_the_marked_account_is_shared(app, demo_account, make_subscriber):
    other = make_subscriber(tenant="tomtel", logins={"account": "555000333"})
    with app.app_context():
        assert auth_service.is_shared_demo("tomtel", demo_account["id"])
        assert not auth_service.is_shared_demo("tomtel", other["id"])
        assert not auth_service.is_shared_demo("acme", demo_account["id"])


def test_one_visitors_logout_leaves_the_others_logged_in(demo_account, tenant_client):
    first, second = visitor(tenant_client), visitor(tenant_client, PHONE_UA)
    first.form("/logout", {}, page="/")
    assert not logged_in(first)
    assert logged_in(second)


def test_its_password_cannot_be_changed(demo_account, tenant_client):
    first, second = visitor(tenant_client), visitor(tenant_client, PHONE_UA)
    page = first.get("/password").get_data(as_text=True)
    assert REFUSED in page and 'name="new"' not in page
    response = first.post(
        "/password",
        data={
            "csrf_token": csrf(first),
            "current": PASSWORD,
            "new": "Mine-Now-4821",
            "confirm": "Mine-Now-4821",
        },
    )
    assert response.status_code == 403 and REFUSED in response.get_data(as_text=True)
    assert logged_in(second) and password_still_works(tenant_client)


def test_the_service_refuses_too(app, demo_account):
    with app.app_context(), pytest.raises(auth_service.SharedDemoRefused):
        auth_service.set_password(
            demo_account["tenant"], demo_account["id"], "Mine-Now-4821", "test"
        )


def test_recovery_answers_as_usual_and_changes_nothing(app, demo_account, tenant_client, sms):
    # Even with recovery switched on, a reset would let one visitor lock out the others.
    with app.app_context():
        tenant = demo_account["tenant"]
        recovery_service.switch_on(tenant, subscriber_of(tenant, demo_account["id"]), ("sms",))
        db.session.commit()
    logged = visitor(tenant_client)
    asked = {"identifier_kind": "contract", "identifier": "700000012345", "delivery": "sms_code"}
    response = tenant_client(HOST).form("/recover/via/identifier", asked)
    assert response.status_code == 302 and response.headers["Location"] == "/recover/code"
    assert sms(demo_account["phone"]) == []
    assert logged_in(logged) and password_still_works(tenant_client)


def test_its_recovery_contacts_cannot_be_changed(demo_account, tenant_client, sms):
    first = visitor(tenant_client)
    page = first.get("/recover/contacts").get_data(as_text=True)
    assert REFUSED in page and 'name="contact-value"' not in page
    token = csrf(first)
    changed = first.post(
        "/recover/contacts",
        data={
            "csrf_token": token,
            "contact-channel": "sms",
            "contact-value": "+79135550001",
            "contact-current": PASSWORD,
        },
    )
    assert changed.status_code == 403 and sms("+79135550001") == []
    off = first.post("/recover/contacts/off", data={"csrf_token": token, "off-current": PASSWORD})
    assert off.status_code == 403


def test_no_visitor_sees_or_ends_the_others_sessions(app, demo_account, tenant_client):
    first = visitor(tenant_client)
    tenant_client(HOST).login(LOGIN, "wrong-password")
    second = visitor(tenant_client, PHONE_UA)
    page = first.get("/security/").get_data(as_text=True)
    assert "Firefox, Windows" in page and "Chrome, Android" not in page
    assert "Recent logins" not in page and "Wrong password" not in page
    assert "End this session" not in page and "Log out everywhere else" not in page
    token = csrf(first)
    assert (
        first.post("/security/sessions/end-others", data={"csrf_token": token}).status_code == 403
    )
    with app.app_context():
        seconds = db.session.scalar(
            sa.select(LoginSession.id).where(LoginSession.browser == "Chrome")
        )
    response = first.post(f"/security/sessions/{seconds}/end", data={"csrf_token": token})
    assert response.status_code == 403 and REFUSED in response.get_data(as_text=True)
    assert logged_in(second) and logged_in(first)


def test_seeding_again_marks_an_account_seeded_before_the_mark(app, demo_account):
    tenant = demo_account["tenant"]
    with app.app_context():
        db.session.execute(sa.update(Subscriber).values(shared_demo=False))
        db.session.commit()
        data = read_demo(tenant)
        only = [p for p in data.subscribers if p.account == LOGIN]
        assert (
            seed_tenant(tenant, data.model_copy(update={"subscribers": only}), date.today(), "test")
            == 0
        )
        assert auth_service.is_shared_demo(tenant, demo_account["id"])


def test_its_notification_settings_cannot_be_changed(app, demo_account, tenant_client):
    from app.notify.preferences import NoticePreference, QuietChoice

    client = visitor(tenant_client)
    page = client.get("/notifications/").get_data(as_text=True)
    assert "public demo account: its notification settings cannot be changed" in page
    token = csrf(client, "/notifications/")
    client.post("/notifications/events/low_balance", data={"csrf_token": token, "channel": "none"})
    client.post("/notifications/quiet-hours", data={"csrf_token": token, "mode": "off"})
    with app.app_context():
        for model in (NoticePreference, QuietChoice):
            assert db.session.scalar(sa.select(sa.func.count()).select_from(model)) == 0
