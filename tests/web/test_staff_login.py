"""Console login: password, then a required authenticator code; tenant-bound, short sessions."""

import time
from datetime import timedelta

import pyotp
import sqlalchemy as sa

from app.staff.models import StaffSession
from app.staff.roles import Role
from tests.web.staff_steps import PASSWORD, forget_used_codes, log_in, make_member

PAGE_LANG = "en"
HOST = "tomtel.localhost"


def test_password_then_code_opens_the_console(app, tenant_client):
    member = make_member(app, "tomtel", Role.OPERATOR)
    client = tenant_client(HOST)
    assert client.get("/staff/").headers["Location"].startswith("/staff/login")
    answer = log_in(app, client, member)
    assert answer.status_code == 302 and answer.headers["Location"] == "/staff/"
    home = client.get("/staff/").get_data(as_text=True)
    assert "Operator" in home and "Staff console" in home


def test_the_password_alone_opens_nothing(app, tenant_client):
    member = make_member(app, "tomtel", Role.OPERATOR)
    client = tenant_client(HOST)
    client.form("/staff/login", {"email": member.email, "password": PASSWORD})
    assert client.get("/staff/").status_code == 302
    wrong = client.form("/staff/login/code", {"code": "000000"})
    assert wrong.status_code == 200
    assert "The code is not right" in wrong.get_data(as_text=True)
    assert client.get("/staff/").status_code == 302


def test_a_code_is_good_once(app, tenant_client):
    member = make_member(app, "tomtel", Role.OPERATOR)
    code = member.code()
    first = tenant_client(HOST)
    first.form("/staff/login", {"email": member.email, "password": PASSWORD})
    assert first.form("/staff/login/code", {"code": code}).status_code == 302
    second = tenant_client(HOST)
    second.form("/staff/login", {"email": member.email, "password": PASSWORD})
    replay = second.form("/staff/login/code", {"code": code})
    assert replay.status_code == 200, "the same code opened a second session"
    assert second.get("/staff/").status_code == 302


def test_wrong_password_and_unknown_email_read_the_same(app, tenant_client):
    member = make_member(app, "tomtel", Role.OPERATOR)
    client = tenant_client(HOST)
    wrong = client.form("/staff/login", {"email": member.email, "password": "not-the-one-1"})
    unknown = client.form("/staff/login", {"email": "nobody@staff.example", "password": "x" * 9})
    assert wrong.status_code == unknown.status_code == 200
    text = "The e-mail or password is incorrect."
    assert text in wrong.get_data(as_text=True) and text in unknown.get_data(as_text=True)


def test_failed_tries_are_limited(app, tenant_client):
    member = make_member(app, "tomtel", Role.OPERATOR)
    client = tenant_client(HOST)
    statuses = [
        client.form(
            "/staff/login", {"email": member.email, "password": f"wrong-{n}-pass"}
        ).status_code
        for n in range(6)
    ]
    assert statuses[:5] == [200] * 5 and statuses[5] == 429
    right = client.form("/staff/login", {"email": member.email, "password": PASSWORD})
    assert right.status_code == 429, "a spent budget refuses even the right password"


def test_subscribers_and_staff_do_not_share_a_login(app, tenant_client, make_subscriber):
    subscriber = make_subscriber(tenant="tomtel")
    member = make_member(app, "tomtel", Role.OPERATOR)
    client = tenant_client(HOST)
    as_staff = client.form(
        "/staff/login", {"email": subscriber["account"], "password": "correct horse battery"}
    )
    assert "The e-mail or password is incorrect." in as_staff.get_data(as_text=True)
    as_subscriber = client.login(member.email, PASSWORD)
    assert as_subscriber.status_code == 200 and client.get("/").status_code == 302


def test_a_console_session_opens_only_on_its_own_tenant(app, tenant_client):
    member = make_member(app, "tomtel", Role.OPERATOR)
    make_member(app, "athome", Role.OPERATOR, email=member.email)
    tomtel = tenant_client(HOST)
    log_in(app, tomtel, member)
    with tomtel.session_transaction() as stolen:
        token = stolen["staff"]
    athome = tenant_client("athome.localhost")
    with athome.session_transaction() as planted:
        planted["staff"] = token
    assert athome.get("/staff/").status_code == 302, "a tomtel session opened athome's console"


def test_staff_sessions_end_after_fifteen_idle_minutes(app, tenant_client):
    member = make_member(app, "tomtel", Role.OPERATOR)
    client = tenant_client(HOST)
    log_in(app, client, member)
    from app.extensions import db

    with app.app_context():
        row = db.session.scalar(sa.select(StaffSession).where(StaffSession.account_id == member.id))
        row.last_seen_at -= timedelta(minutes=16)
        db.session.commit()
    assert client.get("/staff/").status_code == 302


def test_first_login_enrols_the_authenticator_and_replaces_the_password(app, tenant_client):
    from app.extensions import db
    from app.staff import service

    with app.app_context():
        account, temporary = service.create_account("new@staff.example", "New One", "test")
        service.grant(account, "tomtel", Role.ACCOUNTANT)
        db.session.commit()
    client = tenant_client(HOST)
    first = client.form("/staff/login", {"email": "new@staff.example", "password": temporary})
    assert first.headers["Location"].startswith("/staff/login/enrol")
    page = client.get("/staff/login/enrol").get_data(as_text=True)
    assert "<svg" in page, "the QR code is drawn in the page"
    with app.app_context():
        secret = service.account_by_email("new@staff.example").totp_pending
    assert secret in page, "the key is there to type for who cannot scan"
    done = client.form("/staff/login/enrol", {"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 302
    assert client.get("/staff/").headers["Location"] == "/staff/password"
    changed = client.form(
        "/staff/password", {"new": "my own long phrase", "confirm": "my own long phrase"}
    )
    assert changed.status_code == 302
    assert client.get("/staff/").status_code == 200
    with app.app_context():
        account = service.account_by_email("new@staff.example")
        assert account.totp_secret == secret and account.totp_pending is None
        assert not account.password_temporary


def test_logout_ends_the_session_on_the_server(app, tenant_client):
    member = make_member(app, "tomtel", Role.OPERATOR)
    client = tenant_client(HOST)
    log_in(app, client, member)
    with client.session_transaction() as held:
        token = held["staff"]
    client.form("/staff/logout", {}, page="/staff/")
    again = tenant_client(HOST)
    with again.session_transaction() as planted:
        planted["staff"] = token
    assert again.get("/staff/").status_code == 302


def test_the_pending_password_step_expires(app, tenant_client, monkeypatch):
    member = make_member(app, "tomtel", Role.OPERATOR)
    forget_used_codes(app, member)
    client = tenant_client(HOST)
    client.form("/staff/login", {"email": member.email, "password": PASSWORD})
    later = time.time() + 301
    monkeypatch.setattr("app.staff.access.time.time", lambda: later)
    late = client.form("/staff/login/code", {"code": member.code()}, page="/staff/login")
    assert late.status_code == 302 and late.headers["Location"] == "/staff/login"
    assert client.get("/staff/").status_code == 302
