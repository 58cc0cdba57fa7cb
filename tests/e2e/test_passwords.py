"""A subscriber who logs in with the password issued with the contract must choose their own."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "Velvet-Harbor-2931"


def tenant_with_issued_password(demo, slugs: list[str]) -> str:
    for slug in slugs:
        people = demo.data(slug).subscribers
        if any(p.temporary_password and p.status == "active" for p in people):
            return slug
    raise AssertionError("no tenant's demo.yaml has an active subscriber with temporary_password")


def test_issued_password_is_replaced_before_anything_else(demo, portal, page):
    slug = tenant_with_issued_password(demo, sorted(demo.app.extensions["tenancy"].tenants))
    who = demo.login(slug, temporary=True)
    heading = page.get_by_role("heading", level=1)

    portal.open(page, slug)
    portal.log_in(page, who)
    expect(page).to_have_url(re.compile(r"/password$"))
    expect(heading).to_have_text(portal.t(page, "Change password"))
    expect(page.get_by_role("status")).to_have_text(
        portal.t(
            page,
            "You logged in with a temporary password. Please choose your own password to continue.",
        )
    )
    expect(page.get_by_role("navigation")).to_have_count(0)

    # The cabinet stays closed until the password is changed.
    portal.open(page, slug, "/")
    expect(page).to_have_url(re.compile(r"/password$"))

    page.get_by_label(portal.t(page, "Current password"), exact=True).fill(who.password)
    page.get_by_label(portal.t(page, "New password"), exact=True).fill(NEW_PASSWORD)
    page.get_by_label(portal.t(page, "Repeat the new password"), exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name=portal.t(page, "Save the new password"), exact=True).click()

    changed = portal.t(page, "Your password has been changed. Other devices have been logged out.")
    if demo.app.extensions["tenancy"].tenants[slug].config.profile.login_change.at_first_login:
        # This ISP then offers a login of one's own: the profile's login form, both said.
        expect(page).to_have_url(re.compile(r"/profile/#login-title$"))
        expect(page.get_by_role("status").first).to_have_text(changed)
        portal.open(page, slug, "/")
        portal.expect_dashboard(page)
    else:
        portal.expect_dashboard(page)
        expect(page.get_by_role("status")).to_have_text(changed)
    expect(page.get_by_role("navigation").first).to_be_visible()

    page.get_by_role("button", name=portal.t(page, "Log out"), exact=True).click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_role("status")).to_have_text(portal.t(page, "You have logged out."))

    # The issued password no longer opens the cabinet; the new one does, with no detour.
    portal.log_in(page, who)
    expect(page.get_by_role("alert")).to_have_text(
        portal.t(page, "The login or password is incorrect.")
    )
    portal.log_in(page, who, password=NEW_PASSWORD)
    portal.expect_dashboard(page)
    expect(page.get_by_role("navigation")).to_be_visible()
