"""axe-core on every section in each tenant's menu, at desktop and phone width, and on its
recovery pages (at phone width: the narrow layout is where those break).
"""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.e2e.test_accessibility import Audit

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_every_menu_section_passes_axe(slug, device, demo, portal, open_page):
    who = demo.login(slug)
    page = open_page(device)
    portal.open(page, slug, "/login")
    portal.log_in(page, who)
    portal.expect_dashboard(page)
    links = page.locator("nav.main-menu a").evaluate_all("els => els.map(e => e.href)")
    assert len(links) >= 3, "the menu shows the built sections"
    audit = Audit()
    for link in links:
        response = page.goto(link)
        assert response is not None and response.status == 200, link
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        audit.check(page, f"{slug} {urlsplit(link).path} ({device})")
    audit.assert_clean()


def test_recovery_pages_pass_axe(slug, demo, portal, open_page):
    tenant = demo.login(slug).tenant
    page = open_page("phone")
    audit = Audit()
    portal.open(page, slug, "/recover")
    audit.check(page, f"{slug} recovery start")
    for flow in tenant.config.recovery.flows:
        portal.open(page, slug, f"/recover/via/{flow.code}")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        audit.check(page, f"{slug} recovery {flow.code}")
    audit.assert_clean()


def test_tariff_change_form_passes_axe_with_its_errors(slug, demo, portal, open_page):
    who = demo.login(slug)
    page = open_page("phone")
    portal.open(page, slug, "/login")
    portal.log_in(page, who)
    portal.expect_dashboard(page)
    portal.open(page, slug, "/services/")
    change = portal.t(page, "Change the tariff at %(address)s") % {
        "address": who.person.points[0].address
    }
    page.get_by_role("link", name=change).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(portal.t(page, "Change the tariff"))
    audit = Audit()
    audit.check(page, f"{slug} tariff change")
    # Sent without a choice: the page with its messages.
    page.get_by_role("button", name=portal.t(page, "Change the tariff")).click()
    # The message by the field, and the error summary's link to it.
    message = portal.t(page, "Please choose a tariff.")
    expect(page.get_by_text(message, exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=message)).to_be_visible()
    audit.check(page, f"{slug} tariff change, nothing chosen")
    audit.assert_clean()
