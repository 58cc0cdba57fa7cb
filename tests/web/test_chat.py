"""The live chat: start with a name, both sides' messages, the feed, hours, isolation."""

import re
import threading
import time
from datetime import UTC, datetime

import pytest

from app.chat import service
from app.chat.models import ChatConversation, ChatMessage
from app.extensions import db

PAGE_LANG = "en"
PASSWORD = "Sunny-Garden-77"
# 12:00 in Saint Petersburg (UTC+3): At Home's consultants answer 10:00–21:00.
INSIDE = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
# 22:00 in Saint Petersburg.
OUTSIDE = datetime(2026, 12, 3, 19, 0, tzinfo=UTC)
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@pytest.fixture
def clock(monkeypatch):
    def set_to(moment: datetime) -> None:
        monkeypatch.setattr(service, "now", lambda: moment)

    set_to(INSIDE)
    return set_to


@pytest.fixture(autouse=True)
def no_wait(app, monkeypatch):
    monkeypatch.setitem(app.config, "PORTAL_CHAT_WAIT_SECONDS", 0)


def _logged_in(tenant_client, make_subscriber, slug: str, host: str, login: str):
    make_subscriber(tenant=slug, password=PASSWORD, logins={"login": login})
    client = tenant_client(host)
    assert client.login(login, PASSWORD).status_code == 302
    return client


def _start(client, name="Анна", text="Здравствуйте, не работает интернет") -> int:
    response = client.form("/help/chat", {"name": name, "text": text})
    assert response.status_code == 303, response.get_data(as_text=True)
    return int(re.search(r"/help/chat/(\d+)$", response.headers["Location"]).group(1))


def _send(client, chat_id: int, text: str):
    return client.form(f"/help/chat/{chat_id}/send", {"text": text}, page=f"/help/chat/{chat_id}")


def _reply(app, slug: str, chat_id: int, text: str) -> None:
    with app.app_context():
        service.staff_reply(app.extensions["tenancy"].tenants[slug], chat_id, text)


def _feed(client, chat_id: int, after: int = 0):
    response = client.get(f"/help/chat/{chat_id}/messages?after={after}")
    assert response.status_code == 200
    return response.get_json()


@pytest.fixture
def athome_visitor(tenant_client, make_subscriber, clock):
    return _logged_in(tenant_client, make_subscriber, "athome", "athome.localhost", "anna_spb")


def test_a_subscriber_chats_with_a_consultant(app, athome_visitor):
    client = athome_visitor
    start = client.get("/help/chat").get_data(as_text=True)
    assert "Start a chat with a consultant" in start
    assert "We answer within 3 min." in start
    assert "The consultant will see your account number:" in start
    chat_id = _start(client)
    page = client.get(f"/help/chat/{chat_id}").get_data(as_text=True)
    assert "Здравствуйте, не работает интернет" in page

    _reply(app, "athome", chat_id, "Добрый день! Проверим линию.")
    page = client.get(f"/help/chat/{chat_id}").get_data(as_text=True)
    assert "Добрый день! Проверим линию." in page
    assert _send(client, chat_id, "Спасибо, жду").status_code == 303

    with app.app_context():
        chat = db.session.get(ChatConversation, chat_id)
        assert [(m.side, m.text) for m in chat.messages] == [
            ("visitor", "Здравствуйте, не работает интернет"),
            ("staff", "Добрый день! Проверим линию."),
            ("visitor", "Спасибо, жду"),
        ]
        assert chat.tenant == "athome" and chat.visitor_name == "Анна"
        assert chat.subscriber_id is not None
    # History is kept: coming back to the chat page leads to the same conversation.
    again = client.get("/help/chat")
    assert again.status_code == 302 and again.headers["Location"].endswith(f"/help/chat/{chat_id}")


def test_the_feed_pages_by_message_id(app, athome_visitor):
    chat_id = _start(athome_visitor)
    everything = _feed(athome_visitor, chat_id)
    assert [m["side"] for m in everything["messages"]] == ["visitor"]
    first = everything["messages"][0]["id"]
    assert _feed(athome_visitor, chat_id, first)["messages"] == []
    _reply(app, "athome", chat_id, "Ответ консультанта")
    new = _feed(athome_visitor, chat_id, first)["messages"]
    assert [(m["side"], m["text"]) for m in new] == [("staff", "Ответ консультанта")]
    assert new[0]["who"] == "At Home consultant" or "consultant" in new[0]["who"]
    assert _feed(athome_visitor, chat_id, new[0]["id"])["messages"] == []


def test_a_waiting_feed_is_woken_by_the_reply(app, athome_visitor, monkeypatch):
    chat_id = _start(athome_visitor)
    first = _feed(athome_visitor, chat_id)["messages"][0]["id"]
    monkeypatch.setitem(app.config, "PORTAL_CHAT_WAIT_SECONDS", 8)
    answer = threading.Timer(0.5, _reply, args=(app, "athome", chat_id, "Уже смотрим"))
    began = time.monotonic()
    answer.start()
    try:
        new = _feed(athome_visitor, chat_id, first)["messages"]
    finally:
        answer.join()
    assert [m["text"] for m in new] == ["Уже смотрим"]
    assert time.monotonic() - began < 5


def test_a_quiet_feed_answers_after_its_wait(app, athome_visitor, monkeypatch):
    chat_id = _start(athome_visitor)
    first = _feed(athome_visitor, chat_id)["messages"][0]["id"]
    monkeypatch.setitem(app.config, "PORTAL_CHAT_WAIT_SECONDS", 0.3)
    began = time.monotonic()
    assert _feed(athome_visitor, chat_id, first)["messages"] == []
    assert 0.25 < time.monotonic() - began < 3


def test_outside_hours_the_chat_offers_a_request(app, athome_visitor, clock):
    clock(OUTSIDE)
    page = athome_visitor.get("/help/chat").get_data(as_text=True)
    assert "The chat is closed now" in page
    assert 'href="/help/requests/new"' in page
    assert "Start a chat with a consultant" not in page
    # 22:00 in Saint Petersburg: it opens at 10:00 the next morning.
    assert "10:00" in page
    refused = athome_visitor.form("/help/chat", {"name": "Анна"}, page="/help/contacts")
    assert "The chat is closed now" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(ChatConversation).count() == 0


def test_outside_hours_a_started_chat_keeps_its_history_but_takes_no_message(
    app, athome_visitor, clock
):
    chat_id = _start(athome_visitor, text="Вопрос днём")
    clock(OUTSIDE)
    page = athome_visitor.get(f"/help/chat/{chat_id}").get_data(as_text=True)
    assert "Вопрос днём" in page and "The chat is closed now" in page
    athome_visitor.post(f"/help/chat/{chat_id}/send", data={"text": "Вечером"})
    with app.app_context():
        assert db.session.query(ChatMessage).count() == 1


def test_the_chat_needs_a_login_where_the_isp_says_so(tenant_client, clock):
    response = tenant_client("athome.localhost").get("/help/chat")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_tomtel_chats_without_a_login_around_the_clock(app, tenant_client, clock):
    clock(datetime(2026, 12, 3, 20, 0, tzinfo=UTC))  # 03:00 in Tomsk
    visitor = tenant_client("tomtel.localhost")
    chat_id = _start(visitor, name="Гость", text="Какой у вас тариф на 100 Мбит?")
    _reply(app, "tomtel", chat_id, "Ночью тоже отвечаем")
    assert "Ночью тоже отвечаем" in visitor.get(f"/help/chat/{chat_id}").get_data(as_text=True)


def test_a_tenant_without_the_chat_has_no_chat(tenant_client):
    assert tenant_client("netbynet.localhost").get("/help/chat").status_code == 404
    contacts = tenant_client("netbynet.localhost").get("/help/contacts").get_data(as_text=True)
    assert 'href="/help/chat"' not in contacts
    assert 'href="/help/chat"' in tenant_client("tomtel.localhost").get("/help/contacts").text


def test_a_conversation_is_its_visitor_alone(app, tenant_client, make_subscriber, athome_visitor):
    chat_id = _start(athome_visitor)
    neighbour = _logged_in(
        tenant_client, make_subscriber, "athome", "athome.localhost", "boris_spb"
    )
    # The same id in the neighbour's session, without the token, opens nothing either.
    with neighbour.session_transaction() as session:
        session["chat"] = {"athome": [chat_id, "guessed-token"]}
    stranger = tenant_client("tomtel.localhost")
    for other in (neighbour, stranger):
        assert other.get(f"/help/chat/{chat_id}").status_code == 404
        assert other.get(f"/help/chat/{chat_id}/messages?after=0").status_code == 404
        sent = other.form(f"/help/chat/{chat_id}/send", {"text": "чужое"}, page="/help/contacts")
        assert sent.status_code == 404
    with app.app_context():
        assert db.session.query(ChatMessage).count() == 1


def test_the_token_does_not_open_another_tenants_conversation(app, tenant_client, clock):
    visitor = tenant_client("tomtel.localhost")
    chat_id = _start(visitor)
    with visitor.session_transaction() as session:
        token = session["chat"]["tomtel"][1]
    other = tenant_client("novotelecom.localhost")
    with other.session_transaction() as session:
        session["chat"] = {"novotelecom": [chat_id, token], "tomtel": [chat_id, token]}
    # novotelecom wants a login; even so, a visitor of it cannot reach tomtel's rows.
    with app.app_context():
        tenant = app.extensions["tenancy"].tenants["novotelecom"]
        assert service.conversation_of(tenant, chat_id, token, None) is None


def test_messages_are_rate_limited(app, tenant_client, clock):
    visitor = tenant_client("tomtel.localhost")
    chat_id = _start(visitor, text="")
    page = visitor.get(f"/help/chat/{chat_id}").get_data(as_text=True)
    token = CSRF.search(page).group(1)
    for n in range(20):
        response = visitor.post(
            f"/help/chat/{chat_id}/send", data={"csrf_token": token, "text": f"сообщение {n}"}
        )
        assert response.status_code == 303
    refused = visitor.post(f"/help/chat/{chat_id}/send", data={"csrf_token": token, "text": "ещё"})
    assert refused.status_code == 429
    assert "faster than the chat allows" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(ChatMessage).count() == 20


def test_messages_are_shown_as_text_and_kept_short(app, tenant_client, clock):
    visitor = tenant_client("tomtel.localhost")
    chat_id = _start(visitor, name="<b>Имя</b>", text="<script>alert(1)</script>")
    page = visitor.get(f"/help/chat/{chat_id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    long = _send(visitor, chat_id, "я" * 1001)
    assert long.status_code == 200
    assert "longer than 1000 characters" in long.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(ChatMessage).count() == 1


def test_a_visitor_ends_the_chat(app, tenant_client, clock):
    visitor = tenant_client("tomtel.localhost")
    chat_id = _start(visitor)
    ended = visitor.form(f"/help/chat/{chat_id}/end", {}, page=f"/help/chat/{chat_id}")
    assert ended.status_code == 303
    assert "This chat has ended" in visitor.get(f"/help/chat/{chat_id}").get_data(as_text=True)
    assert visitor.get("/help/chat").status_code == 200  # a new one can start
    with pytest.raises(service.Refused), app.app_context():
        service.staff_reply(app.extensions["tenancy"].tenants["tomtel"], chat_id, "поздно")


def test_an_id_without_its_token_opens_nothing(app, tenant_client, clock):
    visitor = tenant_client("tomtel.localhost")
    chat_id = _start(visitor, text="Мой номер договора 123456")
    guesser = tenant_client("tomtel.localhost")
    with guesser.session_transaction() as session:
        session["chat"] = {"tomtel": [chat_id, "guessed-token"]}
    assert guesser.get(f"/help/chat/{chat_id}").status_code == 404
    assert guesser.get(f"/help/chat/{chat_id}/messages?after=0").status_code == 404
    assert guesser.get("/help/chat").status_code == 200  # a start form, not the visitor's chat


def test_outside_hours_a_visitor_without_login_is_sent_to_log_in_or_to_contacts(
    tenant_client, clock, monkeypatch
):
    opens = datetime(2026, 12, 4, 3, 0, tzinfo=UTC)
    monkeypatch.setattr(
        service, "opening_for", lambda tenant, region: service.Opening(False, opens)
    )
    page = tenant_client("tomtel.localhost").get("/help/chat").get_data(as_text=True)
    assert "The chat is closed now" in page
    assert 'href="/login?next=/help/requests/new"' in page
    assert 'href="/help/contacts"' in page


def test_the_operators_commands(app, tenant_client, clock):
    visitor = tenant_client("tomtel.localhost")
    chat_id = _start(visitor, name="Гость", text="Есть вопрос")
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["chat", "list", "--tenant", "tomtel"])
    assert f"{chat_id}  tomtel  open  Гость  (not logged in)" in listed.output
    assert "waiting for staff" in listed.output
    replied = runner.invoke(args=["chat", "reply", str(chat_id), "--text", "Слушаю вас"])
    assert replied.exit_code == 0, replied.output
    assert "Слушаю вас" in visitor.get(f"/help/chat/{chat_id}").get_data(as_text=True)
    assert runner.invoke(args=["chat", "close", str(chat_id)]).exit_code == 0
    assert "This chat has ended" in visitor.get(f"/help/chat/{chat_id}").get_data(as_text=True)
    missing = runner.invoke(args=["chat", "reply", "999999", "--text", "x"])
    assert missing.exit_code != 0 and "no chat 999999" in missing.output
