"""The console's helpdesk in a browser: an operator answers a request and the subscriber
reads it; an operator takes a live chat and the visitor sees the answer without a reload;
the day's visits. axe on every console page, at desktop and phone width."""

import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.chat import service as chat_service
from app.core.subscribers import Subscriber
from app.core.uploads import uploads_root
from app.extensions import db
from app.help import service as help_service
from app.help import visits
from app.staff.roles import Role
from tests.e2e.test_accessibility import Audit
from tests.web.staff_steps import PASSWORD, forget_used_codes, make_member

pytestmark = pytest.mark.e2e
QUESTION = "Интернет пропадает каждый вечер после 21:00. Роутер перезагружал."
ANSWER = "На вашей линии были работы, сейчас всё восстановлено."
CHAT_QUESTION = "Добрый день! Не открываются сайты."
CHAT_ANSWER = "Здравствуйте! Проверяю вашу линию."


@pytest.fixture
def uploads(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "PORTAL_UPLOADS_DIR", str(tmp_path / "uploads"))


def _console(app, page, portal, slug: str, member) -> None:
    forget_used_codes(app, member)
    portal.open(page, slug, "/staff/login")
    page.get_by_label(portal.t(page, "E-mail"), exact=True).fill(member.email)
    page.get_by_label(portal.t(page, "Password"), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=portal.t(page, "Continue")).click()
    page.get_by_label(portal.t(page, "Code from the authenticator app"), exact=True).fill(
        member.code()
    )
    page.get_by_role("button", name=portal.t(page, "Log in")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(portal.t(page, "Staff console"))


def _subscriber_id(app, slug: str) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(Subscriber.id).where(Subscriber.tenant == slug))


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_an_operator_answers_a_request_and_the_subscriber_reads_it(
    app, demo, portal, open_page, uploads, device
):
    slug = "netbynet"
    who = demo.login(slug, own=True)
    with app.app_context():
        filed = help_service.open_request(
            who.tenant, _subscriber_id(app, slug), "technical", QUESTION, [], uploads_root(app)
        )
        db.session.commit()
        number = filed.number
    label = f"HR-{number:06d}"
    member = make_member(app, slug, Role.OPERATOR, email=f"op-{device}@staff.example")
    staff = open_page(device)
    audit = Audit()
    _console(app, staff, portal, slug, member)

    staff.get_by_role("link", name=portal.t(staff, "Requests"), exact=True).first.click()
    expect(staff.get_by_role("heading", level=1)).to_have_text(portal.t(staff, "Requests"))
    audit.check(staff, f"console requests, {device}")
    staff.get_by_label(portal.t(staff, "Status"), exact=True).select_option("new")
    staff.get_by_role("button", name=portal.t(staff, "Show")).click()
    staff.get_by_role("link", name=label).click()
    expect(staff.get_by_text(QUESTION)).to_be_visible()
    audit.check(staff, f"console request, {device}")

    staff.get_by_role("button", name=portal.t(staff, "Send the answer")).click()
    expect(staff.locator(".error-summary")).to_be_visible()
    audit.check(staff, f"console request, empty answer, {device}")
    staff.get_by_label(portal.t(staff, "Answer"), exact=True).fill(ANSWER)
    staff.get_by_role("button", name=portal.t(staff, "Send the answer")).click()
    expect(
        staff.get_by_text(portal.t(staff, "The answer is sent to the subscriber."))
    ).to_be_visible()
    expect(staff.get_by_test_id("request-status")).to_have_text(portal.t(staff, "Answered"))
    audit.check(staff, f"console request answered, {device}")

    cabinet = open_page(device)
    portal.open(cabinet, slug, "/login")
    portal.log_in(cabinet, who)
    portal.expect_dashboard(cabinet)
    portal.open(cabinet, slug, f"/help/requests/{number}")
    expect(cabinet.get_by_text(ANSWER)).to_be_visible()
    expect(cabinet.get_by_test_id("request-status")).to_have_text(portal.t(cabinet, "Answered"))
    audit.assert_clean()


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_an_operator_answers_a_live_chat_and_the_visitor_sees_it_live(
    app, demo, portal, open_page, monkeypatch, device
):
    slug = "athome"
    monkeypatch.setitem(app.config, "PORTAL_CHAT_WAIT_SECONDS", 2)
    monkeypatch.setattr(chat_service, "now", lambda: datetime(2026, 12, 3, 9, 0, tzinfo=UTC))
    who = demo.login(slug, own=True)
    visitor = open_page(device)
    portal.open(visitor, slug, "/login")
    portal.log_in(visitor, who)
    portal.expect_dashboard(visitor)
    portal.open(visitor, slug, "/help/chat")
    visitor.get_by_label(portal.t(visitor, "Your question (optional)")).fill(CHAT_QUESTION)
    visitor.get_by_role("button", name=portal.t(visitor, "Start the chat")).click()
    expect(visitor.get_by_test_id("chat-messages")).to_contain_text(CHAT_QUESTION)
    visitor.evaluate("window.notReloaded = true")

    member = make_member(app, slug, Role.OPERATOR, email=f"chat-{device}@staff.example")
    staff = open_page(device)
    audit = Audit()
    _console(app, staff, portal, slug, member)
    portal.open(staff, slug, "/staff/chats")
    expect(staff.get_by_test_id("waiting-chat")).to_have_count(1)
    audit.check(staff, f"console chats, one waiting, {device}")
    staff.get_by_test_id("waiting-chat").get_by_role("link").click()
    expect(staff.get_by_test_id("chat-messages")).to_contain_text(CHAT_QUESTION)
    expect(staff.get_by_test_id("chat-subscriber")).not_to_have_text(
        portal.t(staff, "not logged in")
    )
    audit.check(staff, f"console chat, waiting, {device}")
    staff.get_by_role("button", name=portal.t(staff, "Take this chat")).click()
    expect(staff.get_by_test_id("chat-operator")).to_have_text(portal.t(staff, "you"))
    staff.get_by_label(portal.t(staff, "Your message"), exact=True).fill(CHAT_ANSWER)
    staff.get_by_role("button", name=portal.t(staff, "Send"), exact=True).click()
    expect(staff.get_by_test_id("chat-messages")).to_contain_text(CHAT_ANSWER)
    audit.check(staff, f"console chat, answered, {device}")

    messages = visitor.get_by_test_id("chat-messages")
    expect(messages).to_contain_text(CHAT_ANSWER)
    assert visitor.evaluate("window.notReloaded === true")

    # And the other way: the visitor's next message appears on the operator's page by itself.
    staff.evaluate("window.notReloaded = true")
    visitor.get_by_label(portal.t(visitor, "Your message")).fill("Спасибо, жду.")
    visitor.get_by_role("button", name=portal.t(visitor, "Send"), exact=True).click()
    expect(staff.get_by_test_id("chat-messages")).to_contain_text("Спасибо, жду.")
    assert staff.evaluate("window.notReloaded === true")

    staff.get_by_role("button", name=portal.t(staff, "Close the conversation")).click()
    expect(staff.get_by_test_id("no-waiting")).to_be_visible()
    audit.check(staff, f"console chats, none waiting, {device}")
    audit.assert_clean()


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_the_days_visits_and_one_visit(app, demo, portal, open_page, device):
    slug = "iphome"
    who = demo.login(slug, own=True)
    person = _subscriber_id(app, slug)
    with app.app_context():
        tenant = who.tenant
        point = visits.points_of(tenant, person)[0]
        region = visits.region_of_point(tenant, point)
        slot = visits.free_slots(tenant, region)[0]
        filed = visits.book(tenant, person, "no_internet", point.id, slot.key)
        db.session.commit()
        number = filed.number
    member = make_member(app, slug, Role.OPERATOR, email=f"visits-{device}@staff.example")
    staff = open_page(device)
    audit = Audit()
    _console(app, staff, portal, slug, member)
    portal.open(staff, slug, f"/staff/visits?day={slot.start.date().isoformat()}")
    expect(staff.get_by_test_id("appointment")).to_have_count(1)
    audit.check(staff, f"console visits, {device}")
    staff.get_by_role("link", name=f"HR-{number:06d}").click()
    staff.get_by_role("button", name=portal.t(staff, "Cancel with this reason")).click()
    expect(staff.locator(".error-summary")).to_be_visible()
    audit.check(staff, f"console visit, no reason, {device}")
    staff.get_by_label(portal.t(staff, "Staff member"), exact=True).select_option(str(member.id))
    staff.get_by_role("button", name=portal.t(staff, "Assign"), exact=True).click()
    expect(staff.get_by_test_id("assignee")).to_have_text(member_name(app, member))
    audit.check(staff, f"console visit, assigned, {device}")
    audit.assert_clean()
    assert re.search(r"/staff/visits/\d+$", staff.url)


def member_name(app, member) -> str:
    from app.staff import service

    with app.app_context():
        return service.account(member.id).name
