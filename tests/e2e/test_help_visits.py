"""IP-Home's «вызвать мастера» as a person does it: from the menu, a reason, an address
and a slot; then moving and cancelling the visit; every state audited by axe on desktop
and phone."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_accessibility import Audit

pytestmark = pytest.mark.e2e
SLUG = "iphome"


def _choose_from_end(select, back: int) -> str:
    """Pick the option `back` places from the end (far ahead: clear of the cut-off)."""
    count = select.locator("option").count()
    select.select_option(index=count - 1 - back)
    return select.locator("option:checked").inner_text()


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_a_technician_visit_end_to_end(app, device, demo, portal, open_page):
    who = demo.login(SLUG, own=True)
    page = open_page(device)
    audit = Audit()
    portal.open(page, SLUG, "/login")
    portal.log_in(page, who)
    portal.expect_dashboard(page)

    call = portal.t(page, "Call a technician")
    portal.menu(page).get_by_role("link", name=call, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(call)
    audit.check(page, "iphome visit form")

    page.get_by_label(portal.t(page, "What happened?")).select_option(index=0)
    page.get_by_label(portal.t(page, "Address")).select_option(index=0)
    chosen = _choose_from_end(page.get_by_label(portal.t(page, "Time of the visit")), 1)
    page.get_by_role("button", name=call).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("HR-")
    slot = page.get_by_test_id("visit-slot")
    expect(slot).to_contain_text(chosen.split(", ")[-1])
    audit.check(page, "iphome visit booked")

    later = _choose_from_end(page.get_by_label(portal.t(page, "New time of the visit")), 0)
    page.get_by_role("button", name=portal.t(page, "Move the visit")).click()
    expect(page.get_by_text(portal.t(page, "The visit has been moved."))).to_be_visible()
    expect(slot).to_contain_text(later.split(", ")[-1])
    audit.check(page, "iphome visit moved")

    page.get_by_role("button", name=portal.t(page, "Cancel the visit")).click()
    expect(page.get_by_text(portal.t(page, "The visit has been cancelled."))).to_be_visible()
    expect(slot).to_have_text(portal.t(page, "Cancelled"))
    audit.check(page, "iphome visit cancelled")

    section = who.tenant.text(who.tenant.config.help.requests.name, portal.lang(page))
    page.get_by_role("link", name=section).first.click()
    expect(page.get_by_text(portal.t(page, "Technician's visit")).first).to_be_visible()
    audit.check(page, "iphome requests with a visit")
    audit.assert_clean()
