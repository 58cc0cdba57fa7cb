"""A session per device: login opens one, logout ends only it, limits on the server side.

Two test clients stand for two browsers (a laptop and a phone) of one subscriber. The clock
of the session records is patched (app.core.devices.utcnow), so both sides of the idle and
the absolute limit are tried without waiting.
"""

import hashlib
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.auth import service as auth_service
from app.core import devices
from app.core.devices import LoginSession
from app.extensions import db
from app.persistence import utcnow

PASSWORD = "Sunny-Garden-77"
NEW = "Velvet-Harbor-2931"
PHONE = "+79135551234"
LAPTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
PHONE_UA = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)


class Clock:
    """The session records' clock, moved by hand."""

    def __init__(self, monkeypatch):
        self.now = utcnow()
        monkeypatch.setattr(devices, "utcnow", lambda: self.now)

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    return Clock(monkeypatch)


@pytest.fixture
def subscriber(make_subscriber):
    return make_subscriber(password=PASSWORD, phone=PHONE)


def browser(tenant_client, login: str, agent: str = LAPTOP, host: str = "acme.localhost"):
    """A browser that has just logged in."""
    client = tenant_client(host)
    client.environ_base["HTTP_USER_AGENT"] = agent
    assert client.login(login, PASSWORD).status_code == 302
    return client


def cookie(client) -> str:
    return client.get_cookie("session", domain=client.host).value


def copy_of(tenant_client, client, host: str | None = None):
    """Another browser carrying a copy of client's session cookie, e.g. a stolen one."""
    other = tenant_client(host or client.host)
    other.set_cookie("session", cookie(client), domain=other.host)
    return other


def logged_in(client) -> bool:
    response = client.get("/")
    assert response.status_code in {200, 302}
    return response.status_code == 200


def token_of(client) -> str:
    with client.session_transaction() as session:
        return session["_user_id"]


def rows(app) -> list[LoginSession]:
    with app.app_context():
        found = list(db.session.scalars(sa.select(LoginSession).order_by(LoginSession.id)))
        db.session.expunge_all()
        return found


def test_logging_out_on_one_device_leaves_the_other_logged_in(app, tenant_client, subscriber):
    laptop = browser(tenant_client, subscriber["account"])
    phone = browser(tenant_client, subscriber["account"], PHONE_UA)
    laptop_copy = copy_of(tenant_client, laptop)
    assert len(rows(app)) == 2

    laptop.form("/logout", {}, page="/")
    assert not logged_in(laptop)
    assert not logged_in(laptop_copy)  # the server forgot that session, not just the browser
    assert logged_in(phone)
    assert [r.browser for r in rows(app)] == ["Chrome"]


def test_a_login_gets_a_new_token_and_an_older_cookie_opens_nothing(app, tenant_client, subscriber):
    laptop = tenant_client("acme.localhost")
    laptop.get("/login")
    before_login = copy_of(tenant_client, laptop)
    assert laptop.login(subscriber["account"], PASSWORD).status_code == 302
    first = token_of(laptop)
    assert not logged_in(before_login)

    old = copy_of(tenant_client, laptop)
    laptop.form("/logout", {}, page="/")
    assert laptop.login(subscriber["account"], PASSWORD).status_code == 302
    assert token_of(laptop) != first
    assert logged_in(laptop) and not logged_in(old)


def test_only_a_hash_of_the_token_is_stored(app, tenant_client, subscriber):
    laptop = browser(tenant_client, subscriber["account"])
    token = token_of(laptop)
    (row,) = rows(app)
    assert len(token) >= 40
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in repr([getattr(row, c.name) for c in row.__table__.columns])


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(
    app, tenant_client, subscriber
):
    laptop = browser(tenant_client, subscriber["account"])
    phone = browser(tenant_client, subscriber["account"], PHONE_UA)
    response = laptop.form(
        "/password", {"current": PASSWORD, "new": NEW, "confirm": NEW}, page="/password"
    )
    assert response.status_code == 302
    assert logged_in(laptop)
    assert not logged_in(phone)
    assert [r.browser for r in rows(app)] == ["Firefox"]


def test_a_reset_by_recovery_ends_every_session(app, tenant_client, make_subscriber, sms):
    from tests.web.test_recovery_security import ask, latest_code

    make_subscriber(
        tenant="athome",
        password=PASSWORD,
        logins={"login": "petrov_spb"},
        surname="Петров",
        first_name="Иван",
        phone="+79135551234",
    )
    laptop = browser(tenant_client, "petrov_spb", host="athome.localhost")
    phone = browser(tenant_client, "petrov_spb", PHONE_UA, host="athome.localhost")
    stranger = tenant_client("athome.localhost")
    ask(stranger, _contract_of(app, "petrov_spb"))
    stranger.form("/recover/code", {"code": latest_code(sms)})
    stranger.form("/recover/password", {"new": NEW, "confirm": NEW})
    assert not logged_in(laptop) and not logged_in(phone)
    assert rows(app) == []


def _contract_of(app, login: str) -> str:
    from app.core.subscribers import Contract, LoginIdentifier

    with app.app_context():
        return db.session.scalar(
            sa.select(Contract.number)
            .join(LoginIdentifier, LoginIdentifier.subscriber_id == Contract.subscriber_id)
            .where(LoginIdentifier.value == login)
        )


@pytest.mark.parametrize(("idle", "alive"), [(29, True), (31, False)])
def test_a_session_idle_for_30_minutes_ends(tenant_client, subscriber, clock, idle, alive):
    laptop = browser(tenant_client, subscriber["account"])
    clock.advance(minutes=idle)
    assert logged_in(laptop) is alive
    if not alive:
        page = laptop.get("/login").get_data(as_text=True)
        assert "session has expired" in page or "истек" in page


def test_each_use_moves_the_idle_limit_on(tenant_client, subscriber, clock):
    laptop = browser(tenant_client, subscriber["account"])
    for _ in range(4):
        clock.advance(minutes=25)
        assert logged_in(laptop)


@pytest.mark.parametrize(("lived", "alive"), [(11 * 60 + 50, True), (12 * 60 + 10, False)])
def test_a_session_lives_12_hours_however_busy(tenant_client, subscriber, clock, lived, alive):
    laptop = browser(tenant_client, subscriber["account"])
    walked = 0
    while walked + 20 < lived:  # used every 20 minutes: never idle
        clock.advance(minutes=20)
        walked += 20
        assert logged_in(laptop), f"ended after {walked} minutes"
    clock.advance(minutes=lived - walked)
    assert logged_in(laptop) is alive


def test_last_seen_is_written_at_most_once_a_minute(app, tenant_client, subscriber, clock):
    laptop = browser(tenant_client, subscriber["account"])
    (opened,) = rows(app)
    clock.advance(seconds=50)
    assert logged_in(laptop)
    assert rows(app)[0].last_seen_at == opened.last_seen_at
    clock.advance(seconds=20)
    assert logged_in(laptop)
    assert rows(app)[0].last_seen_at == clock.now


def test_a_session_of_one_tenant_is_refused_on_another(app, tenant_client, make_subscriber):
    acme = make_subscriber(password=PASSWORD)
    tomtel = make_subscriber(tenant="tomtel", password=PASSWORD, logins={"account": "555000111"})
    home = browser(tenant_client, acme["account"])
    browser(tenant_client, "555000111", host="tomtel.localhost")
    replayed = copy_of(tenant_client, home, host="tomtel.localhost")
    response = replayed.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    token = token_of(home)
    with app.test_request_context():
        assert auth_service.load_session_user("acme", token).subscriber_id == acme["id"]
        assert auth_service.load_session_user("tomtel", token) is None
        assert tomtel["id"] != acme["id"]


def test_the_user_loader_is_one_select(app, tenant_client, subscriber):
    laptop = browser(tenant_client, subscriber["account"])
    token = token_of(laptop)
    statements = []

    def note(conn, cursor, statement, *args):
        statements.append(statement)

    with app.test_request_context():
        engine = db.engine
        sa.event.listen(engine, "before_cursor_execute", note)
        try:
            user = auth_service.load_session_user("acme", token)
        finally:
            sa.event.remove(engine, "before_cursor_execute", note)
    assert user is not None and user.name
    assert len(statements) == 1 and re.match(r"\s*SELECT\b", statements[0])
    assert {"login_session", "subscriber", "credential"} <= set(
        re.findall(r"\b(login_session|subscriber|credential)\b", statements[0])
    )


def test_logout_and_ending_the_others_work_when_last_seen_is_due(tenant_client, subscriber, clock):
    laptop = browser(tenant_client, subscriber["account"])
    phone = browser(tenant_client, subscriber["account"], PHONE_UA)
    clock.advance(minutes=5)  # both sessions are due for a new «last seen»
    response = laptop.form("/logout", {}, page="/")
    assert response.status_code == 302 and not logged_in(laptop)
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', phone.get("/security/").text)
    assert (
        phone.post("/security/sessions/end-others", data={"csrf_token": csrf.group(1)}).status_code
        == 303
    )
    assert logged_in(phone)
