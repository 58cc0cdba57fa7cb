"""News and notices in a browser: Томтел's important outage notice opens once in the
centre of the screen (focus inside and kept there, Esc closes it, not shown again), and
the news page; axe clean at 1280 and 390 px."""

from datetime import date

import pytest
from playwright.sync_api import expect

from app.demo.service import seed_tenant
from app.extensions import db
from tests.e2e.conftest import DemoLogin
from tests.e2e.test_accessibility import Audit

pytestmark = pytest.mark.e2e
SLUG = "tomtel"
INSIDE = "() => !!document.activeElement && !!document.activeElement.closest('dialog')"


def _seversk(demo) -> DemoLogin:
    """Seed Томтел's Seversk demo subscriber, whose region has the important outage."""
    data = demo.data(SLUG)
    person = next(p for p in data.subscribers if p.region == "seversk")
    with demo.app.app_context():
        seed_tenant(
            demo.tenant(SLUG),
            data.model_copy(update={"subscribers": (person,)}),
            date.today(),
            "test",
        )
        db.session.commit()
    return DemoLogin(demo.tenant(SLUG), person, person.account, person.password)


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_the_important_notice_opens_once_in_the_centre(device, demo, portal, open_page):
    who = _seversk(demo)
    page = open_page(device)
    portal.open(page, SLUG, "/login")
    portal.log_in(page, who)
    portal.expect_dashboard(page)
    title = who.tenant.text(
        next(i for i in who.tenant.config.news.items if i.important).title, portal.lang(page)
    )
    dialog = page.get_by_role("dialog", name=title)
    expect(dialog).to_be_visible()
    assert dialog.evaluate("d => d.matches(':modal')"), "opened as a modal"
    close = dialog.get_by_role("button", name=portal.t(page, "Got it, close"))
    expect(close).to_be_focused()
    for _ in range(3):  # Tab and Shift+Tab stay inside the dialog
        page.keyboard.press("Tab")
        assert page.evaluate(INSIDE)
        page.keyboard.press("Shift+Tab")
        assert page.evaluate(INSIDE)
    audit = Audit()
    audit.check(page, f"{SLUG} important notice ({device})")
    with page.expect_response(lambda r: "/news/seen/" in r.url and r.status == 204):
        page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert not page.evaluate(INSIDE)
    assert page.evaluate("() => document.activeElement.id") == "main"
    audit.check(page, f"{SLUG} dashboard, notice closed ({device})")
    page.reload()
    portal.expect_dashboard(page)
    expect(page.get_by_role("dialog")).to_have_count(0)
    # Still listed among the region's notices, only no longer in the centre.
    expect(page.get_by_test_id("notices")).to_contain_text(title)
    audit.assert_clean()


def test_the_button_closes_the_notice_too(demo, portal, open_page):
    who = _seversk(demo)
    page = open_page("desktop")
    portal.open(page, SLUG, "/login")
    portal.log_in(page, who)
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    with page.expect_response(lambda r: "/news/seen/" in r.url and r.status == 204):
        dialog.get_by_role("button", name=portal.t(page, "Got it, close")).click()
    expect(dialog).to_be_hidden()
    portal.open(page, SLUG, "/")
    portal.expect_dashboard(page)
    expect(page.get_by_role("dialog")).to_have_count(0)


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_the_news_page_passes_axe(device, demo, portal, open_page):
    who = demo.login(SLUG)
    page = open_page(device)
    portal.open(page, SLUG, "/login")
    portal.log_in(page, who)
    portal.expect_dashboard(page)
    title = portal.t(page, "News")
    portal.menu(page).get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_role("article")).not_to_have_count(0)
    expect(page.locator("main")).to_contain_text(
        who.tenant.text(who.tenant.config.news.items[0].title, portal.lang(page))
    )
    audit = Audit()
    audit.check(page, f"{SLUG} news ({device})")
    audit.assert_clean()
