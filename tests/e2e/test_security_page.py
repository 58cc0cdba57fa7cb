"""The «Security» page in a browser: a person sees where they are logged in and their
logins, ends the session of another device, and the page passes axe on desktop and phone."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_accessibility import Audit

pytestmark = pytest.mark.e2e
SLUG = "athome"


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_security_page_lists_sessions_and_ends_another(device, demo, portal, open_page):
    who = demo.login(SLUG, own=True)
    other_device = open_page("phone")
    portal.open(other_device, SLUG, "/login")
    portal.log_in(other_device, who)
    portal.expect_dashboard(other_device)

    page = open_page(device)
    portal.open(page, SLUG, "/login")
    portal.log_in(page, who, password="not-the-password")
    portal.log_in(page, who)
    portal.expect_dashboard(page)
    portal.menu(page).get_by_role("link", name=portal.t(page, "Security"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(portal.t(page, "Security"))
    expect(page.get_by_text(portal.t(page, "This device"), exact=True)).to_have_count(1)
    expect(page.get_by_role("cell", name=portal.t(page, "Wrong password"))).to_have_count(1)
    audit = Audit()
    audit.check(page, f"{SLUG} security page, two sessions ({device})")

    page.get_by_role("button", name=portal.t(page, "End this session")).click()
    expect(page.get_by_role("status").first).to_have_text(
        portal.t(page, "The session has been ended: that device is logged out.")
    )
    expect(page.get_by_role("button", name=portal.t(page, "End this session"))).to_have_count(0)
    audit.check(page, f"{SLUG} security page, one session left ({device})")
    audit.assert_clean()

    other_device.reload()
    expect(
        other_device.get_by_role("button", name=portal.t(other_device, "Log in"), exact=True)
    ).to_be_visible()
