"""At Home as a person uses «Мои услуги»: the Turbo button, then ten days of «Отпуск»; the
price is read before confirming, the statement and the dashboard show what changed."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_accessibility import Audit

pytestmark = pytest.mark.e2e


def test_turbo_then_a_ten_day_holiday(demo, portal, page):
    who = demo.login("athome")
    portal.open(page, "athome", "/login")
    portal.log_in(page, who)
    portal.expect_dashboard(page)
    before = portal.balance(page).first.inner_text()
    audit = Audit()

    # «Мои услуги» lives under the menu's «Тарифы и услуги», which At Home calls its own way.
    section = who.tenant.text(who.tenant.config.names.services, portal.lang(page))
    assert section == "Конструктор тарифного плана"
    portal.menu(page).get_by_role("link", name=section).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(section)
    audit.check(page, "athome tariffs and services")
    tabs = page.get_by_role("navigation", name=section)
    tabs.get_by_role("link", name=portal.t(page, "My services"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(portal.t(page, "My services"))
    expect(tabs.get_by_role("link", name=portal.t(page, "My services"))).to_have_attribute(
        "aria-current", "page"
    )
    audit.check(page, "athome my services")
    page.get_by_role("link", name="Турбокнопка", exact=True).click()
    audit.check(page, "athome option page")
    page.get_by_role("button", name=portal.t(page, "Continue")).click()
    expect(page.get_by_test_id("price")).to_contain_text("30,00")
    audit.check(page, "athome confirmation")
    page.get_by_role("button", name=portal.t(page, "Confirm")).click()
    expect(page.locator(".flash, [role=status], .notice").first).to_be_visible()
    turbo = page.locator('[data-option="turbo"]')
    expect(turbo).to_have_class(re.compile(r"\boption-active\b"))
    expect(page.get_by_test_id("speed").first).to_contain_text("100")

    page.get_by_role("link", name="Отпуск", exact=True).click()
    page.get_by_label(portal.t(page, "Number of days"), exact=True).fill("10")
    page.get_by_role("button", name=portal.t(page, "Continue")).click()
    expect(page.get_by_test_id("price")).to_contain_text(portal.t(page, "free of charge"))
    page.get_by_role("button", name=portal.t(page, "Confirm")).click()
    expect(page.locator('[data-option="otpusk"]')).to_have_class(re.compile(r"\boption-active\b"))

    page.get_by_role("link", name=portal.t(page, "History of services")).click()
    expect(page.locator("table.history tbody tr")).to_have_count(2)
    audit.check(page, "athome history of services")

    page.get_by_role("link", name=portal.t(page, "Statement"), exact=True).click()
    expect(page.get_by_test_id("entry-description").filter(has_text="Турбокнопка")).to_have_count(1)

    page.get_by_role("link", name=portal.t(page, "My account"), exact=True).click()
    expect(page.locator(".status-paused").first).to_have_text(portal.t(page, "Paused"))
    assert portal.balance(page).first.inner_text() != before
    audit.assert_clean()
