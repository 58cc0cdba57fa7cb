"""The notification centre in a browser: a person picks SMS for one event, saves, sees it
kept after a reload, and the page passes axe on desktop and phone."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_accessibility import Audit

pytestmark = pytest.mark.e2e
SLUG = "novotelecom"  # Электронный город: «the choice of e-mail or SMS»


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_choosing_sms_for_a_payment_credited_is_kept(device, demo, portal, open_page):
    who = demo.login(SLUG, own=True)
    page = open_page(device)
    portal.open(page, SLUG, "/login")
    portal.log_in(page, who)
    portal.expect_dashboard(page)
    title = portal.t(page, "Notifications")
    portal.menu(page).get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    audit = Audit()
    audit.check(page, f"{SLUG} notification centre ({device})")

    event = portal.t(page, "Payment credited")
    section = page.get_by_role("region", name=event)
    group = section.get_by_role(
        "group", name=portal.t(page, "How to notify: %(event)s") % {"event": event}
    )
    expect(group.get_by_role("radio", name=portal.t(page, "E-mail"), exact=False)).to_be_checked()
    group.get_by_role("radio", name=portal.t(page, "SMS"), exact=True).check()
    section.get_by_role("button", name=portal.t(page, "Save")).click()
    saved = portal.t(page, "Saved: %(event)s — %(channel)s.") % {
        "event": event,
        "channel": portal.t(page, "SMS"),
    }
    expect(page.get_by_role("status").first).to_have_text(saved)
    audit.check(page, f"{SLUG} notification centre, saved ({device})")

    page.reload()
    section = page.get_by_role("region", name=event)
    expect(section.get_by_role("radio", name=portal.t(page, "SMS"), exact=True)).to_be_checked()
    # Another event kept its default.
    other = page.get_by_role("region", name=portal.t(page, "Reply to your request"))
    expect(other.get_by_role("radio", name=portal.t(page, "E-mail"), exact=False)).to_be_checked()
    audit.assert_clean()
