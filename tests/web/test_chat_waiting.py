"""The chat's long poll and the process's threads: a few feeds wait, the next one is told
to come back, so the portal's pages always have a thread (PORTAL_CHAT_MAX_WAITING)."""

import re
import threading
import time

import pytest

from app.chat import broker, service

PAGE_LANG = "en"
# Far longer than any test may take: a feed that answers soon did not wait it out.
LONG_WAIT = 30
SOON = 5


@pytest.fixture
def one_place(app, monkeypatch):
    """This process lets one feed wait, each for up to LONG_WAIT seconds; an Event set when a
    feed has begun its wait."""
    monkeypatch.setitem(app.config, "PORTAL_CHAT_MAX_WAITING", 1)
    monkeypatch.setitem(app.config, "PORTAL_CHAT_WAIT_SECONDS", LONG_WAIT)
    monkeypatch.setitem(app.extensions, "chat_broker", None)
    monkeypatch.setitem(app.extensions, "chat_waiting", None)
    broker.init_app(app)
    waiting = threading.Event()
    wait = broker._LocalSubscription.wait

    def noticed_wait(self, timeout):
        waiting.set()
        return wait(self, timeout)

    monkeypatch.setattr(broker._LocalSubscription, "wait", noticed_wait)
    return waiting


def _start(client) -> tuple[int, int]:
    """A Томтел chat with one message: its id and that message's id."""
    response = client.form("/help/chat", {"name": "Гость", "text": "Вопрос"})
    assert response.status_code == 303, response.get_data(as_text=True)
    chat_id = int(re.search(r"/help/chat/(\d+)$", response.headers["Location"]).group(1))
    return chat_id, _feed(client, chat_id)["messages"][-1]["id"]


def _feed(client, chat_id: int, after: int = 0) -> dict:
    response = client.get(f"/help/chat/{chat_id}/messages?after={after}")
    assert response.status_code == 200
    return response.get_json()


def _reply(app, chat_id: int, text: str) -> None:
    with app.app_context():
        service.staff_reply(app.extensions["tenancy"].tenants["tomtel"], chat_id, text)


def _waiting_feed(client, chat_id: int, after: int) -> tuple[threading.Thread, dict]:
    answer = {}

    def poll():
        answer.update(_feed(client, chat_id, after))

    thread = threading.Thread(target=poll, daemon=True)
    thread.start()
    return thread, answer


def test_over_the_cap_a_feed_answers_at_once_and_below_it_waits(app, tenant_client, one_place):
    first, second = tenant_client("tomtel.localhost"), tenant_client("tomtel.localhost")
    first_chat, first_last = _start(first)
    second_chat, second_last = _start(second)

    began = time.monotonic()
    thread, answer = _waiting_feed(first, first_chat, first_last)
    assert one_place.wait(SOON), "the first feed did not begin to wait"

    # The one place is taken: the second visitor's feed answers at once and asks to come back.
    asked = time.monotonic()
    assert _feed(second, second_chat, second_last) == {
        "status": "open",
        "messages": [],
        "retry_after": 3,
    }
    assert time.monotonic() - asked < SOON

    # The waiting one is woken by the consultant's reply, long before its wait is over.
    _reply(app, first_chat, "Уже отвечаем")
    thread.join(SOON)
    assert not thread.is_alive()
    assert [m["text"] for m in answer["messages"]] == ["Уже отвечаем"]
    assert "retry_after" not in answer
    assert time.monotonic() - began < LONG_WAIT / 2

    # Its place is free again: the second visitor's next feed waits for its reply.
    one_place.clear()
    thread, answer = _waiting_feed(second, second_chat, second_last)
    assert one_place.wait(SOON), "a free place was not taken"
    _reply(app, second_chat, "И вам тоже")
    thread.join(SOON)
    assert not thread.is_alive()
    assert [m["text"] for m in answer["messages"]] == ["И вам тоже"]


def test_no_waiting_place_means_no_feed_waits(app, tenant_client, one_place, monkeypatch):
    monkeypatch.setitem(app.config, "PORTAL_CHAT_MAX_WAITING", 0)
    broker.init_app(app)
    visitor = tenant_client("tomtel.localhost")
    chat_id, last = _start(visitor)
    asked = time.monotonic()
    assert _feed(visitor, chat_id, last)["retry_after"] == 3
    assert time.monotonic() - asked < SOON
    assert not one_place.is_set()


def test_new_messages_come_at_once_whatever_the_places(app, tenant_client, one_place):
    visitor = tenant_client("tomtel.localhost")
    chat_id, last = _start(visitor)
    _reply(app, chat_id, "Ответ")
    # Every place taken by someone else: what there is still comes, without a wait.
    taken = app.extensions["chat_waiting"]
    assert taken.acquire(blocking=False)
    try:
        answer = _feed(visitor, chat_id, last)
    finally:
        taken.release()
    assert [m["text"] for m in answer["messages"]] == ["Ответ"]
    assert "retry_after" not in answer
