"""Changing the tariff as a subscriber does it: «Электронный город» from next month on one of
two access points, «Томтел» at once after the SMS code; axe on every page of the way."""

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from app.demo.service import seed_tenant
from app.extensions import db
from tests.e2e.conftest import DemoLogin
from tests.e2e.test_accessibility import Audit
from tests.e2e.test_recovery import CODE, e164, in_english

pytestmark = pytest.mark.e2e


def seed(demo, slug: str, contract: str) -> DemoLogin:
    """Seed the demo subscriber with this contract; they log in with the tenant's first login."""
    tenant, data = demo.tenant(slug), demo.data(slug)
    person = next(p for p in data.subscribers if p.contract == contract)
    with demo.app.app_context():
        seed_tenant(
            tenant, data.model_copy(update={"subscribers": (person,)}), date.today(), "test"
        )
        db.session.commit()
    login = person.account if slug == "tomtel" else person.contract
    return DemoLogin(tenant, person, login, person.password)


def log_in_in_english(page: Page, portal, who: DemoLogin, slug: str) -> None:
    portal.open(page, slug, "/login")
    in_english(page)
    portal.log_in(page, who)
    portal.expect_dashboard(page)


def open_services(page: Page) -> None:
    page.locator("nav.main-menu").get_by_role("link", name="Tariffs and services").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tariffs and services")


def test_novotelecom_next_month_on_the_second_of_two_points(demo, portal, page):
    who = seed(demo, "novotelecom", "1187350")
    audit = Audit()
    log_in_in_english(page, portal, who, "novotelecom")
    open_services(page)
    audit.check(page, "novotelecom services")
    second = who.person.points[1].address
    page.get_by_role("link", name=f"Change the tariff at {second}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change the tariff")
    audit.check(page, "novotelecom change form")
    page.get_by_label("Home 500", exact=True).check()
    page.get_by_label("From the first day of next month", exact=True).check()
    page.get_by_role("button", name="Change the tariff").click()
    expect(
        page.get_by_text(re.compile(r"Done: from .* the tariff becomes «Home 500»"))
    ).to_be_visible()
    pending = page.get_by_test_id("pending-change")
    expect(pending).to_have_count(1)
    page.locator("nav.main-menu").get_by_role("link", name="My account").click()
    waiting = page.get_by_test_id("pending-change")
    expect(waiting).to_contain_text("the tariff becomes «Home 500»")
    audit.check(page, "novotelecom dashboard with a pending change")
    waiting.get_by_role("button", name="Cancel").click()
    expect(page.get_by_text("The tariff change is cancelled.")).to_be_visible()
    expect(page.get_by_test_id("pending-change")).to_have_count(0)
    audit.assert_clean()


def test_tomtel_immediate_change_confirmed_by_sms(demo, portal, page, sms):
    who = seed(demo, "tomtel", "700000012345")
    audit = Audit()
    log_in_in_english(page, portal, who, "tomtel")
    open_services(page)
    page.get_by_role("link", name=re.compile(r"^Change the tariff at ")).click()
    page.get_by_label("Maximum 500", exact=True).check()
    page.get_by_role("button", name="Change the tariff").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm the change of tariff")
    expect(page.get_by_test_id("summary")).to_contain_text("Maximum 500")
    audit.check(page, "tomtel change summary")
    page.get_by_role("button", name="Confirm the change").click()
    expect(page.get_by_label("Code from the SMS", exact=True)).to_be_visible()
    audit.check(page, "tomtel change code")
    texts = sms(e164(who.person.phone))
    assert texts, "no SMS arrived"
    page.get_by_label("Code from the SMS", exact=True).fill(CODE.search(texts[0]).group(1))
    page.get_by_role("button", name="Confirm", exact=True).click()
    expect(page.get_by_text("Done: the tariff is now «Maximum 500».")).to_be_visible()
    page.locator("nav.main-menu").get_by_role("link", name="My account").click()
    expect(page.locator("table.points")).to_contain_text("Maximum 500")
    audit.assert_clean()
