"""At Home's online consultant as a subscriber meets it: inside the hours a reply appears
without a reload; outside them a request is offered. Audited by axe on desktop and phone."""

import re
import threading
import time
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from app.chat import service
from tests.e2e.test_accessibility import Audit

pytestmark = pytest.mark.e2e
QUESTION = "Добрый день! Вечером пропадает интернет, адрес: Полюстровский пр., 32."
ANSWER = "Здравствуйте! Проверяем вашу линию, это займёт пару минут."


@pytest.fixture
def clock(app, monkeypatch):
    monkeypatch.setitem(app.config, "PORTAL_CHAT_WAIT_SECONDS", 2)

    def set_to(moment: datetime) -> None:
        monkeypatch.setattr(service, "now", lambda: moment)

    return set_to


def _logged_in(portal, demo, open_page, device):
    who = demo.login("athome", own=True)
    page = open_page(device)
    portal.open(page, "athome", "/login")
    portal.log_in(page, who)
    portal.expect_dashboard(page)
    return page


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_a_reply_appears_live(app, demo, portal, open_page, clock, device):
    clock(datetime(2026, 12, 3, 9, 0, tzinfo=UTC))  # 12:00 in Saint Petersburg
    page = _logged_in(portal, demo, open_page, device)
    audit = Audit()
    portal.open(page, "athome", "/help/chat")
    expect(page.get_by_role("heading", level=1)).to_have_text(portal.t(page, "Online chat"))
    audit.check(page, f"athome chat start, {device}")
    page.get_by_label(portal.t(page, "Your question (optional)")).fill(QUESTION)
    page.get_by_role("button", name=portal.t(page, "Start the chat")).click()
    messages = page.get_by_test_id("chat-messages")
    expect(messages).to_contain_text(QUESTION)
    chat_id = int(re.search(r"/help/chat/(\d+)", page.url).group(1))
    audit.check(page, f"athome chat open, {device}")

    page.evaluate("window.notReloaded = true")
    with app.app_context():
        service.staff_reply(app.extensions["tenancy"].tenants["athome"], chat_id, ANSWER)
    expect(messages).to_contain_text(ANSWER)
    # The same document: the script brought the reply, the page was not loaded again.
    assert page.evaluate("window.notReloaded === true")
    expect(messages.locator("[data-side=staff]")).to_have_count(1)
    audit.check(page, f"athome chat answered, {device}")
    audit.assert_clean()


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_outside_hours_a_request_is_offered(app, demo, portal, open_page, clock, device):
    clock(datetime(2026, 12, 3, 19, 30, tzinfo=UTC))  # 22:30 in Saint Petersburg
    page = _logged_in(portal, demo, open_page, device)
    audit = Audit()
    portal.open(page, "athome", "/help/chat")
    expect(page.get_by_test_id("chat-offline")).to_be_visible()
    audit.check(page, f"athome chat closed, {device}")
    page.get_by_role("link", name=portal.t(page, "Write a request")).click()
    expect(page).to_have_url(re.compile(r"/help/requests/new$"))
    audit.assert_clean()


def test_a_busy_server_is_asked_again_later_and_the_reply_still_comes(
    app, portal, open_page, clock, monkeypatch
):
    # No waiting place is free in the process: every empty feed answers with retry_after.
    monkeypatch.setitem(app.extensions, "chat_waiting", threading.BoundedSemaphore(0))
    page = open_page("desktop")
    asked = []  # (when, request) of every feed request
    page.on(
        "request",
        lambda request: "/messages" in request.url and asked.append((time.monotonic(), request)),
    )
    portal.open(page, "tomtel", "/help/chat")
    page.get_by_label(portal.t(page, "Your name")).fill("Гость")
    page.get_by_label(portal.t(page, "Your question (optional)")).fill(QUESTION)
    page.get_by_role("button", name=portal.t(page, "Start the chat")).click()
    messages = page.get_by_test_id("chat-messages")
    expect(messages).to_contain_text(QUESTION)
    chat_id = int(re.search(r"/help/chat/(\d+)", page.url).group(1))
    while not asked:
        page.wait_for_timeout(50)
    assert asked[0][1].response().json()["retry_after"] == 3
    with app.app_context():
        service.staff_reply(app.extensions["tenancy"].tenants["tomtel"], chat_id, ANSWER)
    expect(messages).to_contain_text(ANSWER, timeout=10_000)
    # Told to come back in 3 s, the script did not ask again sooner (its usual pause: 0.3 s).
    assert asked[1][0] - asked[0][0] > 2.5
