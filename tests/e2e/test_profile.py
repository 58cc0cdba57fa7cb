"""The profile walked as a subscriber: Томтел's «Registration» from the login page to the
first login, with the link read from a real local SMTP inbox; the profile page under axe
at desktop and phone width."""

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from app.auth.models import Credential
from app.extensions import db
from tests.e2e.test_accessibility import Audit
from tests.e2e.test_recovery import in_english, links  # noqa: F401  (a fixture, used by name)

pytestmark = pytest.mark.e2e

EMAIL = "anna.sidorova@example.ru"
PASSWORD = "Birch-Forest-1987"


@pytest.fixture
def contract(app, make_subscriber):
    """A Томтел contract with an e-mail on record and no personal account yet."""
    facts = make_subscriber(
        tenant="tomtel", surname="Сидорова", first_name="Анна", email=EMAIL, logins={}
    )
    with app.app_context():
        db.session.execute(sa.delete(Credential).where(Credential.subscriber_id == facts["id"]))
        db.session.commit()
    return facts


@pytest.mark.usefixtures("links")
def test_tomtel_registration_by_the_emailed_link(
    demo, portal, page: Page, contract, mailbox, screenshot
):
    portal.open(page, "tomtel", "/login")
    in_english(page)
    page.get_by_role("link", name="Registration", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Registration")
    page.get_by_label("Contract number", exact=True).fill(contract["contract"])
    page.get_by_label("Surname", exact=True).fill("Сидорова")
    page.get_by_label("E-mail given in the contract", exact=True).fill(EMAIL)
    page.get_by_role("button", name="Register", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")

    assert mailbox.to(EMAIL), "no e-mail arrived"
    page.goto(mailbox.link(EMAIL))
    expect(page.get_by_role("heading", level=1)).to_have_text("Set your password")
    page.get_by_label("New password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the new password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Save the password", exact=True).click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_role("status").filter(has_text="is ready")).to_be_visible()
    screenshot(page, "tomtel-registration-done")

    tenant = demo.tenant("tomtel")
    page.get_by_label(tenant.text(tenant.config.login.field_label, "en"), exact=True).fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    portal.expect_dashboard(page)


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_profile_page_passes_axe(device, demo, portal, open_page):
    who = demo.login("athome", own=True)
    page = open_page(device)
    portal.open(page, "athome", "/login")
    in_english(page)
    portal.log_in(page, who)
    portal.expect_dashboard(page)
    portal.open(page, "athome", "/profile/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Profile")
    audit = Audit()
    audit.check(page, f"profile {device}")
    # With its messages: a phone that is none, and a wrong password.
    page.get_by_label("New mobile phone", exact=True).fill("12")
    page.get_by_label("Current password", exact=True).first.fill("not-the-password")
    page.get_by_role("button", name="Send a code to this phone", exact=True).click()
    expect(page.get_by_text("The current password is incorrect.")).to_be_visible()
    audit.check(page, f"profile {device}, errors")
    audit.assert_clean()
