"""The console in a browser: log in with the authenticator, add a colleague; axe on each page."""

import pyotp
import pytest
from playwright.sync_api import expect

from app.staff.roles import Role
from tests.e2e.test_accessibility import Audit
from tests.web.staff_steps import PASSWORD, forget_used_codes, make_member

pytestmark = pytest.mark.e2e
SLUG = "netbynet"


def _log_in(page, portal, member, password=PASSWORD):
    portal.open(page, SLUG, "/staff/login")
    page.get_by_label(portal.t(page, "E-mail"), exact=True).fill(member.email)
    page.get_by_label(portal.t(page, "Password"), exact=True).fill(password)
    page.get_by_role("button", name=portal.t(page, "Continue")).click()


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_an_administrator_adds_a_colleague_who_enrols(app, live_server, portal, open_page, device):
    admin = make_member(app, SLUG, Role.ADMINISTRATOR, email=f"admin-{device}@staff.example")
    forget_used_codes(app, admin)
    page = open_page(device)
    audit = Audit()

    _log_in(page, portal, admin, password="not-the-password")
    expect(page.get_by_role("alert")).to_have_text(
        portal.t(page, "The e-mail or password is incorrect.")
    )
    audit.check(page, "console login, wrong password")

    _log_in(page, portal, admin)
    code = page.get_by_label(portal.t(page, "Code from the authenticator app"), exact=True)
    code.fill("000000")
    page.get_by_role("button", name=portal.t(page, "Log in")).click()
    expect(
        page.get_by_label(portal.t(page, "Code from the authenticator app"), exact=True)
    ).to_have_attribute("aria-invalid", "true")
    audit.check(page, "console code, wrong code")
    page.get_by_label(portal.t(page, "Code from the authenticator app"), exact=True).fill(
        admin.code()
    )
    page.get_by_role("button", name=portal.t(page, "Log in")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(portal.t(page, "Staff console"))
    audit.check(page, "console home")

    page.get_by_role("link", name=portal.t(page, "Staff"), exact=True).first.click()
    page.get_by_label(portal.t(page, "Name"), exact=True).fill("Ирина Оператор")
    page.get_by_label(portal.t(page, "E-mail"), exact=True).fill("irina")
    page.get_by_role("button", name=portal.t(page, "Add"), exact=True).click()
    expect(
        page.get_by_text(portal.t(page, "Please enter an e-mail address.")).first
    ).to_be_visible()
    audit.check(page, "console staff, wrong e-mail")
    newcomer = f"irina-{device}@staff.example"
    page.get_by_label(portal.t(page, "E-mail"), exact=True).fill(newcomer)
    page.get_by_label(portal.t(page, "Role"), exact=True).select_option(Role.OPERATOR.value)
    page.get_by_role("button", name=portal.t(page, "Add"), exact=True).click()
    temporary = page.locator(".temporary-password code").inner_text()
    audit.check(page, "console staff, temporary password issued")
    page.get_by_role("button", name=portal.t(page, "Log out")).click()

    portal.open(page, SLUG, "/staff/login")
    page.get_by_label(portal.t(page, "E-mail"), exact=True).fill(newcomer)
    page.get_by_label(portal.t(page, "Password"), exact=True).fill(temporary)
    page.get_by_role("button", name=portal.t(page, "Continue")).click()
    expect(
        page.get_by_role("img", name=portal.t(page, "QR code for the authenticator app"))
    ).to_be_visible()
    audit.check(page, "console enrolment")
    secret = page.locator("code.secret").inner_text()
    page.get_by_label(portal.t(page, "Code from the authenticator app"), exact=True).fill(
        pyotp.TOTP(secret).now()
    )
    page.get_by_role("button", name=portal.t(page, "Confirm and log in")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(portal.t(page, "Change password"))
    audit.check(page, "console password, temporary")
    page.get_by_label(portal.t(page, "New password"), exact=True).fill("a long phrase of my own")
    page.get_by_label(portal.t(page, "Repeat the new password"), exact=True).fill(
        "a long phrase of my own"
    )
    page.get_by_role("button", name=portal.t(page, "Save the new password")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(portal.t(page, "Staff console"))
    expect(page.locator(".who")).to_contain_text(portal.t(page, "Operator"))
    audit.assert_clean()


def test_a_staff_passkey_replaces_the_code(app, live_server, portal, open_page):
    from tests.e2e.test_passkeys import virtual_authenticator

    member = make_member(app, SLUG, Role.AUDITOR, email="auditor-key@staff.example")
    forget_used_codes(app, member)
    page = open_page("desktop")
    virtual_authenticator(page)
    audit = Audit()
    _log_in(page, portal, member)
    page.get_by_label(portal.t(page, "Code from the authenticator app"), exact=True).fill(
        member.code()
    )
    page.get_by_role("button", name=portal.t(page, "Log in")).click()
    page.get_by_role("link", name=portal.t(page, "My passkeys"), exact=True).click()
    expect(page.get_by_text(portal.t(page, "You have no passkey here yet."))).to_be_visible()
    audit.check(page, "console passkeys, none yet")
    page.get_by_label(portal.t(page, "Name of the passkey (optional)")).fill("Ключ аудитора")
    page.get_by_role("button", name=portal.t(page, "Add a passkey"), exact=True).click()
    expect(page.get_by_role("status").first).to_have_text(
        portal.t(page, "The passkey is added: at login you may use it instead of the code.")
    )
    expect(page.get_by_text("Ключ аудитора", exact=True)).to_be_visible()
    audit.check(page, "console passkeys, one")
    page.get_by_role("button", name=portal.t(page, "Log out")).click()

    _log_in(page, portal, member)
    page.get_by_role("button", name=portal.t(page, "Use my passkey instead")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(portal.t(page, "Staff console"))
    audit.assert_clean()
