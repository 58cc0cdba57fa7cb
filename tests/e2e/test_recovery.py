"""Each tenant's «Forgot your password?» walked as a subscriber: ask, receive, set, log in.

The secret arrives where the tenant sends it: the SMS outbox (`sms`) or a real local SMTP
inbox (`mailbox`), whose e-mailed link the browser then follows to the live server.
"""

import re
from dataclasses import dataclass, replace
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from app.demo.schema import DemoSubscriber
from app.demo.service import seed_tenant
from app.extensions import db
from app.tenancy.registry import Tenant

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "Velvet-Harbor-2931"
CODE = re.compile(r"\b(\d{6})\b")
# verification.TEMPORARY_ALPHABET, ten characters.
TEMPORARY = re.compile(r"\b([a-km-zA-HJ-NP-Z2-9]{10})\b")


@dataclass(frozen=True)
class Who:
    """Who logs in, shaped like the conftest's DemoLogin so Portal.log_in takes it."""

    tenant: Tenant
    person: DemoSubscriber
    login: str
    password: str


@pytest.fixture
def links(app, live_server, monkeypatch) -> None:
    """E-mailed links point at the live server, so the browser can follow them."""
    base = "http://{slug}.localhost:" + str(live_server.port)
    monkeypatch.setitem(app.config, "PORTAL_LINK_BASE", base)


def seed(demo, slug: str, account: str) -> Who:
    """Seed exactly the demo subscriber with this account number."""
    tenant, data = demo.tenant(slug), demo.data(slug)
    person = next(p for p in data.subscribers if p.account == account)
    with demo.app.app_context():
        seed_tenant(
            tenant, data.model_copy(update={"subscribers": (person,)}), date.today(), "test"
        )
        db.session.commit()
    return Who(tenant, person, account, person.password)


def e164(phone: str) -> str:
    """ "+7 921 555-14-72" as the SMS outbox keeps it: +79215551472."""
    return re.sub(r"[^\d+]", "", phone)


def in_english(page: Page) -> None:
    """Press «English» on the language switcher and wait for the page to speak it."""
    page.get_by_role("button", name="English", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def open_login(page: Page, portal, slug: str) -> None:
    portal.open(page, slug, "/login")
    in_english(page)


def forgot_password(
    page: Page, flow: str | None = None, link: str = "Forgot your password?"
) -> None:
    """On the login page: «Forgot your password?» (or the ISP's own words for it), then the
    flow when several are offered."""
    page.get_by_role("link", name=link, exact=True).click()
    if flow:
        expect(page.get_by_role("heading", level=1)).to_have_text("Password recovery")
        page.get_by_role("link", name=flow, exact=True).click()
    expect(page).to_have_url(re.compile(r"/recover/via/\w+$"))


def send(page: Page) -> None:
    page.get_by_role("button", name="Send", exact=True).click()


def enter_sms_code(page: Page, texts: list[str]) -> None:
    """On «Enter the code»: type the code from the newest SMS and confirm."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter the code")
    assert texts, "no SMS arrived"
    code = CODE.search(texts[0])
    assert code, f"no code in the SMS: {texts[0]!r}"
    page.get_by_label("Code from the message", exact=True).fill(code.group(1))
    page.get_by_role("button", name="Confirm", exact=True).click()


def follow_emailed_link(page: Page, mailbox, address: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your messages")
    assert mailbox.to(address), f"no e-mail arrived for {address}"
    page.goto(mailbox.link(address))


def set_new_password(page: Page) -> None:
    """On «Set a new password»: type it twice, save, land on the login page told so."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Set a new password")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Repeat the new password", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save the new password", exact=True).click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_role("status").filter(has_text="Your new password is set.")).to_have_text(
        "Your new password is set. Please log in with it."
    )


def log_in_with_new_password(page: Page, portal, who) -> None:
    portal.log_in(page, replace(who, password=NEW_PASSWORD))
    portal.expect_dashboard(page)


def test_athome_by_name_and_contract_with_emailed_link(
    demo, portal, page, sms, mailbox, links, screenshot
):
    who = demo.login("athome")
    person = who.person
    open_login(page, portal, "athome")
    forgot_password(
        page, flow="By name and contract number", link="Remind me of my login and password"
    )
    page.get_by_label("Surname", exact=True).fill(person.surname)
    page.get_by_label("First name", exact=True).fill(person.first_name)
    page.get_by_label("Contract or account number", exact=True).fill(person.contract)
    page.get_by_label("A link by e-mail to the address on record", exact=True).check()
    send(page)

    follow_emailed_link(page, mailbox, person.email)
    set_new_password(page)
    # The flow tells the login; the person logs in with what the page says.
    told = page.get_by_role("status").filter(has_text="Your login:")
    expect(told).to_have_text(f"Your login: {who.login}")
    log_in_with_new_password(page, portal, who)
    # The owner hears of the change on the other channel too.
    assert any("was changed" in text for text in sms(e164(person.phone)))
    screenshot(page, "recovery-athome")


def test_netbynet_by_region_phone_and_account_with_sms_code(
    demo, portal, page, sms, mailbox, screenshot
):
    who = demo.login("netbynet")
    person = who.person
    region = who.tenant.region(person.region)
    open_login(page, portal, "netbynet")
    forgot_password(page)  # one flow: the form opens straight away
    page.get_by_label("Region", exact=True).select_option(label=who.tenant.text(region.name, "en"))
    page.get_by_label("Mobile phone from the contract", exact=True).fill(person.phone)
    page.get_by_label("Account number", exact=True).fill(person.account)
    page.get_by_label("A code by SMS to the phone on record", exact=True).check()
    send(page)

    enter_sms_code(page, sms(e164(person.phone)))
    set_new_password(page)
    log_in_with_new_password(page, portal, who)
    screenshot(page, "recovery-netbynet")


def test_novotelecom_by_contract_with_emailed_link(demo, portal, page, mailbox, links, screenshot):
    who = demo.login("novotelecom")
    person = who.person
    open_login(page, portal, "novotelecom")
    forgot_password(page, flow="By contract number")
    page.get_by_label("Contract number", exact=True).fill(person.contract)
    send(page)

    follow_emailed_link(page, mailbox, person.email)
    set_new_password(page)
    log_in_with_new_password(page, portal, who)
    screenshot(page, "recovery-novotelecom")


def test_tomtel_opted_in_subscriber_by_contract_with_sms_code(
    demo, portal, page, sms, mailbox, screenshot
):
    # 701458321 switched recovery on (SMS and e-mail) in the cabinet beforehand.
    who = seed(demo, "tomtel", "701458321")
    person = who.person
    assert person.recovery, "tomtel's demo subscriber 701458321 should have recovery on"
    open_login(page, portal, "tomtel")
    forgot_password(page)  # one flow: the form opens straight away
    expect(page.get_by_text("Recovery works only if you switched it on")).to_be_visible()
    page.get_by_label("Contract number", exact=True).check()
    page.get_by_label("Phone, contract number or e-mail", exact=True).fill(person.contract)
    page.get_by_label("A code by SMS to the phone on record", exact=True).check()
    send(page)

    enter_sms_code(page, sms(e164(person.phone)))
    set_new_password(page)
    log_in_with_new_password(page, portal, who)
    screenshot(page, "recovery-tomtel")


def test_iphome_temporary_password_by_sms_then_own_password(
    demo, portal, page, sms, mailbox, screenshot
):
    who = demo.login("iphome")
    person = who.person
    portal.open(page, "iphome", "/login")
    expect(page.locator("html")).to_have_attribute("lang", "hi")  # the demo host speaks Hindi
    in_english(page)
    forgot_password(page, flow="New password by SMS")
    page.get_by_label(who.tenant.text(who.tenant.config.login.field_label, "en"), exact=True).fill(
        who.login
    )
    send(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your messages")

    texts = sms(e164(person.phone))
    assert texts, "no SMS arrived"
    temporary = TEMPORARY.search(texts[0])
    assert temporary, f"no temporary password in the SMS: {texts[0]!r}"
    page.get_by_role("link", name="To the login page", exact=True).click()
    portal.log_in(page, replace(who, password=temporary.group(1)))  # picks the region too

    # The one-time password logs no one in: it opens «Set a new password», and only that.
    expect(page).to_have_url(re.compile(r"/recover/password$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Set a new password")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Repeat the new password", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save the new password", exact=True).click()
    portal.expect_dashboard(page)
    expect(page.get_by_role("navigation", name="Main menu")).to_be_visible()
    screenshot(page, "recovery-iphome")
