"""The console's news and outbox in a browser: an administrator writes a notice with its
preview in every language, an operator reads the outbox; axe on each page, desktop and phone."""

from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.notify.models import QueuedMessage, Status
from app.persistence import utcnow
from app.staff.roles import Role
from tests.e2e.test_accessibility import Audit
from tests.e2e.test_staff_console import SLUG, _log_in
from tests.web.staff_steps import forget_used_codes, make_member

pytestmark = pytest.mark.e2e


def _enter(app, page, portal, member) -> None:
    forget_used_codes(app, member)
    _log_in(page, portal, member)
    page.get_by_label(portal.t(page, "Code from the authenticator app"), exact=True).fill(
        member.code()
    )
    page.get_by_role("button", name=portal.t(page, "Log in")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(portal.t(page, "Staff console"))


def _local(days: int) -> str:
    return (datetime.now() + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def _messages(app) -> None:
    now = utcnow()
    with app.app_context():
        db.session.add_all(
            [
                QueuedMessage(
                    tenant=SLUG,
                    channel="sms",
                    recipient="+79160000001",
                    body="Нетбайнет: авария устранена",
                    status=Status.FAILED,
                    attempts=4,
                    created_at=now,
                    next_attempt_at=now,
                    last_error="OSError: gateway down",
                ),
                QueuedMessage(
                    tenant=SLUG,
                    channel="email",
                    recipient="ivan@example.com",
                    subject="Код",
                    body="Код восстановления 482913",
                    status=Status.SENT,
                    attempts=1,
                    created_at=now,
                    next_attempt_at=now,
                    discard_after=now + timedelta(minutes=10),
                ),
            ]
        )
        db.session.commit()


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_an_administrator_writes_a_notice_and_an_operator_reads_the_outbox(
    app, live_server, portal, open_page, device
):
    admin = make_member(app, SLUG, Role.ADMINISTRATOR, email=f"content-{device}@staff.example")
    page = open_page(device)
    audit = Audit()
    _enter(app, page, portal, admin)

    page.get_by_role("link", name=portal.t(page, "News and notices")).first.click()
    audit.check(page, "console news, none yet")
    page.get_by_role("link", name=portal.t(page, "Write an item")).click()
    page.get_by_label(portal.t(page, "Kind"), exact=True).select_option("outage")
    page.locator('input[name="regions"][value="msk"]').check()
    page.get_by_label(portal.t(page, "Published from"), exact=True).fill(_local(-1))
    page.get_by_label(portal.t(page, "Shown until"), exact=True).fill(_local(-2))
    page.locator("#title_ru").fill("Авария в Москве")
    page.locator("#text_ru").fill("Чиним кабель")
    page.locator("#title_en").fill("Outage in Moscow")
    page.locator("#text_en").fill("Mending a cable")
    page.locator("#title_hi").fill("मास्को में रुकावट")
    page.locator("#text_hi").fill("केबल ठीक कर रहे हैं")
    page.get_by_role("button", name=portal.t(page, "Preview")).click()
    expect(
        page.get_by_text(portal.t(page, "The end must be after the start.")).first
    ).to_be_visible()
    audit.check(page, "console news, end before start")

    page.get_by_label(portal.t(page, "Shown until"), exact=True).fill(_local(2))
    page.get_by_role("button", name=portal.t(page, "Preview")).click()
    previews = page.get_by_test_id("previews")
    expect(previews).to_contain_text("Outage in Moscow")
    expect(previews).to_contain_text("मास्को में रुकावट")
    expect(page.locator("[data-preview]")).to_have_count(3)
    audit.check(page, "console news, preview")
    page.get_by_role("button", name=portal.t(page, "Save")).click()
    expect(page.get_by_role("status")).to_have_text(portal.t(page, "The item is saved."))
    audit.check(page, "console news, saved")
    page.get_by_role("link", name=portal.t(page, "All news and notices")).click()
    expect(page.locator("[data-item]")).to_have_count(1)
    audit.check(page, "console news, one item")
    page.get_by_role("button", name=portal.t(page, "Log out")).click()

    _messages(app)
    operator = make_member(app, SLUG, Role.OPERATOR, email=f"outbox-{device}@staff.example")
    _enter(app, page, portal, operator)
    page.get_by_role("link", name=portal.t(page, "Outbox")).first.click()
    expect(page.locator("[data-message]")).to_have_count(2)
    expect(page.locator("body")).not_to_contain_text("482913")
    audit.check(page, "console outbox")
    page.get_by_label(portal.t(page, "Status"), exact=True).select_option("failed")
    page.get_by_role("button", name=portal.t(page, "Show")).click()
    expect(page.locator("[data-message]")).to_have_count(1)
    audit.check(page, "console outbox, failed only")
    page.get_by_role("link", name=portal.t(page, "Deliveries to the network")).first.click()
    expect(page.get_by_test_id("no-deliveries")).to_be_visible()
    audit.check(page, "console deliveries")
    audit.assert_clean()
