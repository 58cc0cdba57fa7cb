"""A chat and the login in the same browser: kept across a login, gone at logout.

Томтел's chat needs no login, so a visitor may start one and log in afterwards: it is the
same person in the same browser, so the conversation stays theirs and, from then on,
carries their subscriber and account for staff to see. Logout clears the session: a
conversation with a subscriber opens for that subscriber alone, never for the next person
at that browser, not even with a cookie copied before the logout.
"""

import re
from datetime import UTC, datetime

import pytest

from app.chat import service
from app.chat.models import ChatConversation
from app.extensions import db

PAGE_LANG = "en"
PASSWORD = "Sunny-Garden-77"
# 12:00 in Saint Petersburg: At Home's consultants answer 10:00–21:00.
INSIDE = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def chat_is_open(app, monkeypatch):
    monkeypatch.setattr(service, "now", lambda: INSIDE)
    monkeypatch.setitem(app.config, "PORTAL_CHAT_WAIT_SECONDS", 0)


@pytest.fixture
def tomtel_subscriber(make_subscriber):
    return make_subscriber(tenant="tomtel", password=PASSWORD, logins={"account": "555000111"})


def _start(client, name="Гость", text="Хочу подключиться") -> int:
    response = client.form("/help/chat", {"name": name, "text": text})
    assert response.status_code == 303, response.get_data(as_text=True)
    return int(re.search(r"/help/chat/(\d+)$", response.headers["Location"]).group(1))


def _log_in(client, login: str) -> None:
    assert client.login(login, PASSWORD).status_code == 302


def _log_out(client) -> None:
    assert client.form("/logout", {}, page="/").status_code == 302


def _owner_of(app, chat_id: int) -> int | None:
    with app.app_context():
        return db.session.get(ChatConversation, chat_id).subscriber_id


def _copy(client, host: str, tenant_client):
    """Another browser with this one's session cookie, as a thief or a shared computer has."""
    copy = tenant_client(host)
    copy.set_cookie("session", client.get_cookie("session", domain=host).value, domain=host)
    return copy


def test_a_visitor_who_logs_in_keeps_the_chat_and_staff_see_the_account(
    app, tenant_client, tomtel_subscriber
):
    visitor = tenant_client("tomtel.localhost")
    chat_id = _start(visitor, text="Вопрос до входа")
    assert _owner_of(app, chat_id) is None

    _log_in(visitor, "555000111")
    page = visitor.get(f"/help/chat/{chat_id}")
    assert page.status_code == 200 and "Вопрос до входа" in page.get_data(as_text=True)
    again = visitor.get("/help/chat")
    assert again.status_code == 302 and again.headers["Location"].endswith(f"/help/chat/{chat_id}")
    assert visitor.get(f"/help/chat/{chat_id}/messages?after=0").status_code == 200
    assert _owner_of(app, chat_id) == tomtel_subscriber["id"]

    listed = app.test_cli_runner().invoke(args=["chat", "list", "--tenant", "tomtel"])
    account = tomtel_subscriber["account"]
    assert f"subscriber {tomtel_subscriber['id']}, account {account}" in listed.output


def test_after_logout_the_next_person_at_the_browser_cannot_read_it(
    app, tenant_client, tomtel_subscriber
):
    visitor = tenant_client("tomtel.localhost")
    _log_in(visitor, "555000111")
    chat_id = _start(visitor, text="Мой адрес: ул. Тайная, 5")
    assert _owner_of(app, chat_id) == tomtel_subscriber["id"]
    before_logout = _copy(visitor, "tomtel.localhost", tenant_client)

    _log_out(visitor)
    for browser in (visitor, before_logout):
        page = browser.get(f"/help/chat/{chat_id}")
        assert page.status_code == 404
        assert "ул. Тайная" not in page.get_data(as_text=True)
        assert browser.get(f"/help/chat/{chat_id}/messages?after=0").status_code == 404
        sent = browser.form(f"/help/chat/{chat_id}/send", {"text": "чужое"}, page="/help/chat")
        assert sent.status_code == 404
    # The next person gets a start form of their own, not the chat.
    start = visitor.get("/help/chat")
    assert start.status_code == 200 and "Start a chat with a consultant" in start.text


def test_a_chat_started_before_login_is_gone_after_the_logout(
    app, tenant_client, tomtel_subscriber
):
    visitor = tenant_client("tomtel.localhost")
    chat_id = _start(visitor)
    _log_in(visitor, "555000111")
    after_login = _copy(visitor, "tomtel.localhost", tenant_client)
    _log_out(visitor)
    assert visitor.get(f"/help/chat/{chat_id}").status_code == 404
    # Even the cookie of the logged-in session, once it has ended, opens nothing.
    assert after_login.get(f"/help/chat/{chat_id}").status_code == 404


def test_someone_elses_conversation_is_not_taken_by_logging_in(
    app, tenant_client, make_subscriber, tomtel_subscriber
):
    owner = tenant_client("tomtel.localhost")
    chat_id = _start(owner)
    stolen = _copy(owner, "tomtel.localhost", tenant_client)
    _log_in(owner, "555000111")
    # The cookie copied before the owner logged in holds the token, but the chat is theirs.
    make_subscriber(tenant="tomtel", password=PASSWORD, logins={"account": "555000222"})
    _log_in(stolen, "555000222")
    assert stolen.get(f"/help/chat/{chat_id}").status_code == 404
    assert stolen.get("/help/chat").status_code == 200
    assert _owner_of(app, chat_id) == tomtel_subscriber["id"]
    assert owner.get(f"/help/chat/{chat_id}").status_code == 200


def test_an_athome_chat_is_refused_after_logout(app, tenant_client, make_subscriber):
    make_subscriber(tenant="athome", password=PASSWORD, logins={"login": "anna_spb"})
    visitor = tenant_client("athome.localhost")
    _log_in(visitor, "anna_spb")
    chat_id = _start(visitor, name="Анна", text="Номер счёта 123")
    before_logout = _copy(visitor, "athome.localhost", tenant_client)
    _log_out(visitor)
    for browser in (visitor, before_logout):
        for path in (f"/help/chat/{chat_id}", f"/help/chat/{chat_id}/messages?after=0"):
            refused = browser.get(path)
            assert refused.status_code == 302 and "/login" in refused.headers["Location"]
            assert "Номер счёта" not in refused.get_data(as_text=True)
