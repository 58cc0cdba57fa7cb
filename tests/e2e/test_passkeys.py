"""A person adds a passkey on the Security page and logs in with it: Chromium's virtual
authenticator (CDP WebAuthn domain) plays the phone's screen lock."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_accessibility import Audit

pytestmark = pytest.mark.e2e

# Not tomtel: its public demo account is shared, and a shared account keeps no passkeys.
SLUG = "athome"


def virtual_authenticator(page: Page) -> None:
    """A platform authenticator with resident keys that verifies its user, like a phone."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )


def open_passkeys_page(page: Page, portal) -> None:
    """The passkeys are a section of the Security page, reached from the menu."""
    portal.menu(page).get_by_role("link", name=portal.t(page, "Security"), exact=True).click()
    expect(page).to_have_url(re.compile(r"/security/$"))
    expect(
        page.get_by_role("heading", name=portal.t(page, "Your passkeys"), exact=True)
    ).to_be_visible()


def test_add_a_passkey_then_log_in_with_it(demo, portal, page):
    who = demo.login(SLUG)
    virtual_authenticator(page)
    audit = Audit()
    portal.open(page, SLUG, "/login")
    portal.log_in(page, who)
    portal.expect_dashboard(page)

    open_passkeys_page(page, portal)
    expect(page.get_by_text(portal.t(page, "You have no passkeys yet."))).to_be_visible()
    audit.check(page, "passkeys page, none yet")
    page.get_by_label(portal.t(page, "Name of the passkey (optional)")).fill("Мой ноутбук")
    page.get_by_role("button", name=portal.t(page, "Add a passkey"), exact=True).click()
    expect(page.get_by_role("status").first).to_have_text(
        portal.t(page, "The passkey has been added. You can now log in with it on this site.")
    )
    host = f"{SLUG}.localhost"
    item = page.get_by_role("listitem").filter(has_text="Мой ноутбук")
    expect(item).to_contain_text(
        portal.translate(portal.lang(page), "Works on %(host)s.") % {"host": host}
    )
    audit.check(page, "passkeys page, one passkey")

    page.get_by_role("button", name=portal.t(page, "Log out"), exact=True).click()
    expect(page).to_have_url(re.compile(r"/login$"))
    page.get_by_role("button", name=portal.t(page, "Log in with a passkey"), exact=True).click()
    portal.expect_dashboard(page)

    open_passkeys_page(page, portal)
    expect(item).not_to_contain_text(portal.t(page, "Not used yet"))
    audit.assert_clean()


def test_without_webauthn_the_page_says_why(demo, portal, page):
    who = demo.login(SLUG)
    # A browser without passkeys: the API is missing before any script of the page runs.
    page.add_init_script("delete window.PublicKeyCredential;")
    portal.open(page, SLUG, "/login")
    note = "Logging in with a passkey needs JavaScript and a browser that supports passkeys."
    expect(page.get_by_text(portal.t(page, note))).to_be_visible()
    button = page.get_by_role("button", name=portal.t(page, "Log in with a passkey"))
    expect(button).to_have_count(0)
    portal.log_in(page, who)
    open_passkeys_page(page, portal)
    adding = "Adding a passkey needs JavaScript and a browser that supports passkeys."
    expect(page.get_by_text(portal.t(page, adding))).to_be_visible()
    expect(page.get_by_role("button", name=portal.t(page, "Add a passkey"))).to_have_count(0)


def test_the_passkeys_page_passes_axe_on_a_phone(demo, portal, phone_page):
    who = demo.login(SLUG)
    virtual_authenticator(phone_page)
    portal.open(phone_page, SLUG, "/login")
    portal.log_in(phone_page, who)
    portal.expect_dashboard(phone_page)
    open_passkeys_page(phone_page, portal)
    phone_page.get_by_role("button", name=portal.t(phone_page, "Add a passkey")).click()
    expect(phone_page.get_by_role("listitem").filter(has_text="athome.localhost")).to_be_visible()
    audit = Audit()
    audit.check(phone_page, "passkeys page at phone width")
    audit.assert_clean()
