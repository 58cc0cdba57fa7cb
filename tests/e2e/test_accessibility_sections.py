"""axe-core on every section in each tenant's menu and on its recovery pages.

At phone width only: colours and labels do not change with the width, and the narrow layout
is where a page can break; test_accessibility.py covers the desktop layout of the core pages.
"""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.e2e.test_accessibility import Audit

pytestmark = pytest.mark.e2e


def test_every_menu_section_passes_axe(slug, demo, portal, open_page):
    who = demo.login(slug)
    page = open_page("phone")
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
        audit.check(page, f"{slug} {urlsplit(link).path}")
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
