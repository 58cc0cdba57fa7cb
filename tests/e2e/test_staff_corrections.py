"""An accountant corrects a balance above the four-eyes sum, a second one approves it, and the
subscriber's cabinet shows the new balance; axe on every console page at desktop and phone."""

import pytest
from playwright.sync_api import expect

from app.core.money import format_money
from app.staff.roles import Role
from tests.e2e.test_accessibility import Audit
from tests.web.staff_steps import PASSWORD, forget_used_codes, make_member

pytestmark = pytest.mark.e2e
SLUG = "tomtel"
SUBSCRIBER_PASSWORD = "correct horse battery"


def _log_in(app, page, portal, member):
    forget_used_codes(app, member)
    portal.open(page, SLUG, "/staff/login")
    page.get_by_label(portal.t(page, "E-mail"), exact=True).fill(member.email)
    page.get_by_label(portal.t(page, "Password"), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=portal.t(page, "Continue")).click()
    page.get_by_label(portal.t(page, "Code from the authenticator app"), exact=True).fill(
        member.code()
    )
    page.get_by_role("button", name=portal.t(page, "Log in")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(portal.t(page, "Staff console"))


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_a_large_correction_needs_a_second_accountant(
    app, live_server, portal, open_page, make_subscriber, device
):
    person = make_subscriber(
        tenant=SLUG,
        surname="Кузнецова",
        first_name="Ольга",
        balance=100000,
        logins={"nickname": "olga-k"},
    )
    asker = make_member(app, SLUG, Role.ACCOUNTANT, email=f"asker-{device}@staff.example")
    approver = make_member(app, SLUG, Role.ACCOUNTANT, email=f"approver-{device}@staff.example")
    audit = Audit()
    page = open_page(device)

    _log_in(app, page, portal, asker)
    page.get_by_role("link", name=portal.t(page, "Subscribers"), exact=True).first.click()
    search = portal.t(page, "Login, contract, account, phone, e-mail, address or name")
    page.get_by_label(search, exact=True).fill("кузнецова")
    page.get_by_role("button", name=portal.t(page, "Find"), exact=True).click()
    audit.check(page, "console lookup, found")
    page.get_by_role("link", name="Кузнецова Ольга").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Кузнецова Ольга")
    audit.check(page, "console subscriber")
    page.get_by_role("link", name=portal.t(page, "Corrections and refunds")).click()
    page.get_by_label(portal.t(page, "Amount, ₽"), exact=True).fill("abc")
    page.get_by_role("button", name=portal.t(page, "Post"), exact=True).click()
    expect(page.locator(".error-summary")).to_be_visible()
    audit.check(page, "console money, wrong amount")
    page.get_by_label(portal.t(page, "Amount, ₽"), exact=True).fill("6 000")
    page.get_by_label(portal.t(page, "Reason"), exact=True).fill("Перерасчёт за аварию")
    page.get_by_role("button", name=portal.t(page, "Post"), exact=True).click()
    expect(page.get_by_role("status")).to_be_visible()
    audit.check(page, "console money, waiting for approval")
    page.get_by_role("button", name=portal.t(page, "Log out")).click()

    _log_in(app, page, portal, approver)
    page.get_by_role("link", name=portal.t(page, "Corrections"), exact=True).first.click()
    audit.check(page, "console corrections waiting")
    approve = portal.t(page, "Approve %(amount)s on %(account)s") % {
        "amount": format_money(600000, portal.lang(page)),
        "account": person["account"],
    }
    page.get_by_role("button", name=approve, exact=True).click()
    expect(page.get_by_role("status")).to_be_visible()
    audit.check(page, "console corrections, approved")
    page.get_by_role("button", name=portal.t(page, "Log out")).click()

    portal.open(page, SLUG, "/login")
    lang = portal.lang(page)
    tenant = app.extensions["tenancy"].tenants[SLUG]
    page.get_by_label(tenant.text(tenant.config.login.field_label, lang), exact=True).fill("olga-k")
    page.get_by_label(portal.t(page, "Password"), exact=True).fill(SUBSCRIBER_PASSWORD)
    page.get_by_role("button", name=portal.t(page, "Log in"), exact=True).click()
    expect(page.get_by_test_id("balance").first).to_have_text(format_money(700000, lang))
    audit.assert_clean()


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_an_operator_finds_a_subscriber_and_sends_a_temporary_password(
    app, live_server, portal, open_page, make_subscriber, device
):
    make_subscriber(
        tenant=SLUG,
        surname="Смирнов",
        first_name="Павел",
        phone="+79139876543",
        email="pavel@example.org",
        balance=50000,
        logins={"nickname": "pavel-s"},
    )
    operator = make_member(app, SLUG, Role.OPERATOR, email=f"operator-{device}@staff.example")
    audit = Audit()
    page = open_page(device)

    _log_in(app, page, portal, operator)
    page.get_by_role("link", name=portal.t(page, "Subscribers"), exact=True).first.click()
    search = portal.t(page, "Login, contract, account, phone, e-mail, address or name")
    page.get_by_label(search, exact=True).fill("nobody-here")
    page.get_by_role("button", name=portal.t(page, "Find"), exact=True).click()
    expect(page.get_by_text(portal.t(page, "No subscriber of this ISP matches."))).to_be_visible()
    audit.check(page, "console lookup, nothing found")
    page.get_by_label(search, exact=True).fill("8 913 987-65-43")
    page.get_by_role("button", name=portal.t(page, "Find"), exact=True).click()
    page.get_by_role("link", name="Смирнов Павел").click()
    audit.check(page, "console subscriber, an operator's actions")
    send = portal.t(page, "Send a temporary password by SMS")
    page.get_by_role("button", name=send, exact=True).click()
    expect(page.get_by_role("status")).to_have_text(
        portal.t(page, "A temporary password is on its way by SMS to the phone on record.")
    )
    expect(page.locator("td", has_text="+79139876543").first).to_be_visible()
    audit.check(page, "console subscriber, temporary password sent")
    audit.assert_clean()
