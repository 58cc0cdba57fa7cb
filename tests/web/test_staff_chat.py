"""The console's live chat: the waiting list, taking a chat (once), answering it live,
closing it; who the visitor is when logged in; another ISP's chats are not found."""

import re
import threading
import time
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from app.chat import service
from app.chat.models import ChatConversation, ChatMessage
from app.core.audit import AuditEntry
from app.extensions import db
from app.staff.roles import Role
from tests.web.helpdesk_steps import helpdesk_objects
from tests.web.staff_steps import log_in, make_member

PAGE_LANG = "en"
PASSWORD = "Sunny-Garden-77"
# 12:00 in Saint Petersburg: At Home's consultants answer 10:00–21:00.
INSIDE = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    monkeypatch.setattr(service, "now", lambda: INSIDE)


@pytest.fixture(autouse=True)
def no_wait(app, monkeypatch):
    monkeypatch.setitem(app.config, "PORTAL_CHAT_WAIT_SECONDS", 0)


@pytest.fixture
def visitor(tenant_client, make_subscriber):
    """An At Home subscriber logged in to the cabinet, where its chat is."""
    make_subscriber(tenant="athome", password=PASSWORD, logins={"login": "anna_spb"})
    client = tenant_client("athome.localhost")
    assert client.login("anna_spb", PASSWORD).status_code == 302
    return client


def operator(app, tenant_client, email: str, slug: str = "athome"):
    member = make_member(app, slug, Role.OPERATOR, email=email)
    client = tenant_client(f"{slug}.localhost")
    log_in(app, client, member)
    return client


def start(client, text="Здравствуйте, не работает интернет") -> int:
    response = client.form("/help/chat", {"name": "Анна", "text": text})
    assert response.status_code == 303, response.get_data(as_text=True)
    return int(re.search(r"/help/chat/(\d+)$", response.headers["Location"]).group(1))


def take(client, chat_id: int):
    return client.form(f"/staff/chats/{chat_id}/take", {}, page=f"/staff/chats/{chat_id}")


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def actions(app) -> list[str]:
    with app.app_context():
        found = db.session.scalars(
            sa.select(AuditEntry.action)
            .where(AuditEntry.actor_kind == "staff")
            .order_by(AuditEntry.id)
        ).all()
    return [a for a in found if a.startswith("chat.")]


def test_an_operator_takes_a_waiting_chat_and_answers_it(app, visitor, tenant_client):
    chat_id = start(visitor)
    staff = operator(app, tenant_client, "irina@staff.example")
    waiting = text_of(staff.get("/staff/chats"))
    assert 'data-testid="waiting-chat"' in waiting and "Анна" in waiting
    page = text_of(staff.get(f"/staff/chats/{chat_id}"))
    assert "Здравствуйте, не работает интернет" in page
    assert "account 000001" in page  # logged in: staff see whose chat it is
    assert "Take this chat" in page and "Send" not in page

    assert take(staff, chat_id).status_code == 303
    assert "Nobody is waiting." in text_of(staff.get("/staff/chats"))
    sent = staff.form(
        f"/staff/chats/{chat_id}/send",
        {"text": "Добрый день! Проверим линию."},
        page=f"/staff/chats/{chat_id}",
    )
    assert sent.status_code == 303
    feed = visitor.get(f"/help/chat/{chat_id}/messages?after=0").get_json()
    assert [m["text"] for m in feed["messages"]][-1] == "Добрый день! Проверим линию."
    who = feed["messages"][-1]["who"]
    assert "consultant" in who and "Operator" not in who  # the staff's names stay inside
    with app.app_context():
        message = db.session.scalars(sa.select(ChatMessage).order_by(ChatMessage.id)).all()[-1]
        assert message.staff_name == "Operator"

    # The visitor writes: the operator's feed has it.
    visitor.form(f"/help/chat/{chat_id}/send", {"text": "Спасибо"}, page=f"/help/chat/{chat_id}")
    last = message.id
    mine = staff.get(f"/staff/chats/{chat_id}/messages?after={last}").get_json()
    assert [(m["side"], m["who"], m["text"]) for m in mine["messages"]] == [
        ("visitor", "Анна", "Спасибо")
    ]

    closed = staff.form(f"/staff/chats/{chat_id}/close", {}, page=f"/staff/chats/{chat_id}")
    assert closed.status_code == 303
    assert visitor.get(f"/help/chat/{chat_id}/messages").get_json()["status"] == "closed"
    assert "This chat has ended" in text_of(visitor.get(f"/help/chat/{chat_id}"))
    assert actions(app) == ["chat.taken", "chat.answered", "chat.closed"]


def test_of_two_operators_taking_one_chat_one_wins_the_other_is_told(app, visitor, tenant_client):
    chat_id = start(visitor)
    first = operator(app, tenant_client, "irina@staff.example")
    second = operator(app, tenant_client, "oleg@staff.example")
    page = f"/staff/chats/{chat_id}"
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', second.get(page).text)
    assert take(first, chat_id).status_code == 303
    late = second.post(f"{page}/take", data={"csrf_token": token.group(1)})
    assert late.status_code == 303
    told = text_of(second.get(page))
    assert "has taken this chat already." in told and "Take this chat" not in told
    with app.app_context():
        chat = db.session.get(ChatConversation, chat_id)
        winner = chat.staff_account_id
    refused = second.form(f"{page}/send", {"text": "Я тоже тут"}, page=page)
    assert refused.status_code == 303
    assert "Take the chat first" in text_of(second.get(page))
    with app.app_context():
        assert db.session.get(ChatConversation, chat_id).staff_account_id == winner
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ChatMessage)) == 1
    assert actions(app) == ["chat.taken"]


def test_takes_at_the_same_moment_give_the_chat_to_one(app, visitor):
    chat_id = start(visitor)
    tenant = app.extensions["tenancy"].tenants["athome"]
    ids = [
        make_member(app, "athome", Role.OPERATOR, email=f"op{n}@staff.example").id for n in (1, 2)
    ]
    results = []

    def press(account_id):
        with app.app_context():
            results.append(service.take(tenant, chat_id, account_id))
            db.session.commit()

    threads = [threading.Thread(target=press, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, True]


def test_the_staff_page_follows_the_visitor_live(app, visitor, tenant_client, monkeypatch):
    monkeypatch.setitem(app.config, "PORTAL_CHAT_WAIT_SECONDS", 8)
    chat_id = start(visitor)
    staff = operator(app, tenant_client, "irina@staff.example")
    take(staff, chat_id)
    with app.app_context():
        last = db.session.scalar(sa.select(sa.func.max(ChatMessage.id)))
    answer = {}

    def wait():
        began = time.monotonic()
        answer["json"] = staff.get(f"/staff/chats/{chat_id}/messages?after={last}").get_json()
        answer["took"] = time.monotonic() - began

    waiter = threading.Thread(target=wait)
    waiter.start()
    time.sleep(0.3)
    visitor.form(f"/help/chat/{chat_id}/send", {"text": "Алло?"}, page=f"/help/chat/{chat_id}")
    waiter.join(10)
    assert [m["text"] for m in answer["json"]["messages"]] == ["Алло?"]
    assert answer["took"] < 6


def test_another_isps_chat_is_not_found(app, tenant_client):
    theirs = helpdesk_objects(app, "tomtel")["conversation_id"]
    staff = operator(app, tenant_client, "irina@staff.example")
    for path in (f"/staff/chats/{theirs}", f"/staff/chats/{theirs}/messages"):
        assert staff.get(path).status_code == 404, path
    took = staff.form(f"/staff/chats/{theirs}/take", {}, page="/staff/chats")
    assert took.status_code == 404
    with app.app_context():
        assert db.session.get(ChatConversation, theirs).staff_account_id is None
    assert actions(app) == []
