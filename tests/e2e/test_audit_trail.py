"""The audit trail in a browser: the subscriber's «Who changed what» and the console's search,
axe-checked at desktop and phone width."""

import pytest
from playwright.sync_api import expect

from app.core import audit
from app.extensions import db
from app.staff.roles import Role
from tests.e2e.test_accessibility import Audit
from tests.e2e.test_staff_console import _log_in
from tests.web.staff_steps import forget_used_codes, make_member

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_the_subscriber_reads_who_changed_what(device, demo, portal, open_page):
    who = demo.login("athome", own=True)
    page = open_page(device)
    portal.open(page, "athome", "/login")
    portal.log_in(page, who)
    portal.expect_dashboard(page)
    portal.open(page, "athome", "/security/")
    expect(
        page.get_by_role("heading", name=portal.t(page, "Who changed what"), exact=True)
    ).to_be_visible()
    expect(page.get_by_role("cell", name=portal.t(page, "Logged in")).first).to_be_visible()
    checked = Audit()
    checked.check(page, f"security page with its changes ({device})")
    portal.open(page, "athome", "/security/changes")
    expect(page.get_by_role("heading", level=1)).to_have_text(portal.t(page, "Who changed what"))
    checked.check(page, f"every change ({device})")
    checked.assert_clean()


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_an_administrator_searches_the_trail(app, device, live_server, portal, open_page):
    slug = "netbynet"
    admin = make_member(app, slug, Role.ADMINISTRATOR, email=f"audit-{device}@staff.example")
    forget_used_codes(app, admin)
    with app.app_context():
        staff = audit.Actor("staff", admin.id, "Анна Администратор", "10.1.2.0/24")
        audit.record(
            slug,
            "contact.email_changed",
            target="subscriber:1",
            before={"email": "old.address@example.ru"},
            after={"email": "a.much.longer.new.address.of.the.subscriber@example.ru"},
            by=staff,
        )
        db.session.commit()
    page = open_page(device)
    _log_in(page, portal, admin)
    page.get_by_label(portal.t(page, "Code from the authenticator app"), exact=True).fill(
        admin.code()
    )
    page.get_by_role("button", name=portal.t(page, "Log in")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(portal.t(page, "Staff console"))
    page.get_by_role("link", name=portal.t(page, "Audit trail"), exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(portal.t(page, "Audit trail"))
    checked = Audit()
    checked.check(page, f"audit search, everything ({device})")
    page.get_by_label(portal.t(page, "Who acted"), exact=True).select_option("staff")
    page.get_by_label(portal.t(page, "Action starts with"), exact=True).fill("contact.")
    page.get_by_role("button", name=portal.t(page, "Search"), exact=True).click()
    expect(page.get_by_text("contact.email_changed")).to_be_visible()
    checked.check(page, f"audit search, filtered ({device})")
    page.get_by_label(portal.t(page, "Subscriber"), exact=True).fill("nobody-at-all")
    page.get_by_role("button", name=portal.t(page, "Search"), exact=True).click()
    expect(page.get_by_role("status").first).to_be_visible()
    checked.check(page, f"audit search, unknown subscriber ({device})")
    checked.assert_clean()
