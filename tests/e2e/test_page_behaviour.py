"""What portal.js does on every page, and that the pages work the same without it.

- the phone menu is one «Menu» control, with JavaScript and without;
- after a form error the focus is on the error summary, whose links lead to the fields;
- a submit button is disabled while its request runs;
- the pending payment page updates by itself once the bank's notification arrives.
"""

import re
import threading
import time

import pytest
from playwright.sync_api import Browser, Page, expect

from app.sandbox import transport
from tests.e2e.conftest import BROWSER_LOCALE, DEVICES
from tests.e2e.test_payments import (
    APPROVED_CARD,
    back_to_dashboard,
    card_and_3ds,
    in_english,
    log_in,
)

pytestmark = pytest.mark.e2e

SLUG = "tomtel"  # a card method, a promised payment, a menu on the left


def focused(page: Page) -> str:
    """The focused element, as tag#id or tag[data-*] so a failure says what had the focus."""
    return page.evaluate(
        """() => { const el = document.activeElement;
          if (!el) return "";
          if (el.id) return el.tagName.toLowerCase() + "#" + el.id;
          const data = Array.from(el.attributes).map(a => a.name).find(n => n.startsWith("data-"));
          return el.tagName.toLowerCase() + (data ? "[" + data + "]" : ""); }"""
    )


@pytest.fixture
def no_script(browser: Browser):
    """A page on a device ("phone", "desktop") whose browser runs no JavaScript."""
    contexts = []

    def make(device: str) -> Page:
        context = browser.new_context(
            locale=BROWSER_LOCALE, java_script_enabled=False, **DEVICES[device]
        )
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def menu_parts(page: Page):
    toggle = page.locator("summary.menu-toggle")
    section = page.get_by_role("navigation", name="Main menu").get_by_role("link").first
    return toggle, section


def test_phone_menu_is_one_control(demo, portal, phone_page, no_script, page):
    who = demo.login(SLUG)
    for each, scripted in ((phone_page, True), (no_script("phone"), False)):
        portal.open(each, SLUG, "/login")
        in_english(each)  # a form: it works without JavaScript too
        portal.log_in(each, who)
        portal.expect_dashboard(each)
        toggle, section = menu_parts(each)
        expect(toggle).to_be_visible()
        expect(toggle).to_have_text("Menu")
        expect(section).to_be_hidden()
        if scripted:
            expect(toggle).to_have_attribute("aria-expanded", "false")
        toggle.click()
        expect(section).to_be_visible()
        if scripted:
            expect(toggle).to_have_attribute("aria-expanded", "true")
        section.click()
        portal.expect_dashboard(each)
        # Pressed with the keyboard too: Enter on the focused control opens it.
        toggle.focus()
        each.keyboard.press("Enter")
        expect(section).to_be_visible()
        each.keyboard.press("Enter")
        expect(section).to_be_hidden()

    # On a desktop the menu is shown and the control is not there, with JavaScript or not.
    for each in (page, no_script("desktop")):
        portal.open(each, SLUG, "/login")
        in_english(each)
        portal.log_in(each, who)
        portal.expect_dashboard(each)
        toggle, section = menu_parts(each)
        expect(section).to_be_visible()
        expect(toggle).to_be_hidden()
        section.click()
        portal.expect_dashboard(each)


def test_after_a_form_error_the_focus_is_on_what_went_wrong(demo, portal, page):
    who = demo.login(SLUG)
    portal.open(page, SLUG, "/login")
    in_english(page)
    page.get_by_role("button", name="Log in", exact=True).click()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("Please correct the form")
    links = summary.get_by_role("link")
    expect(links).to_have_count(2)  # the login and the password, both empty
    expect(links.nth(1)).to_have_text("Password: Please fill in this field.")
    links.nth(1).click()
    expect(page.get_by_label("Password", exact=True)).to_be_focused()

    # A wrong password is told in the notice above the form: the focus is there.
    portal.log_in(page, who, password="not-the-password")
    alert = page.get_by_role("alert")
    expect(alert).to_have_text("The login or password is incorrect.")
    expect(alert).to_be_focused()


# Seen from inside the page, which cannot be read from outside while its form's request
# runs: when the button turns disabled it notes so and presses the form again at once.
WATCH_THE_BUTTON = """button => new MutationObserver(() => {
  if (!button.disabled) return;
  sessionStorage.setItem("seen-disabled", "yes");
  button.form.requestSubmit();
}).observe(button, { attributes: true })"""


def test_a_submit_button_is_disabled_while_its_request_runs(app, demo, portal, page, monkeypatch):
    who = demo.login(SLUG)
    portal.open(page, SLUG, "/login")
    in_english(page)
    sent = []
    wsgi = app.wsgi_app

    def slow_login(environ, start_response):
        if environ["REQUEST_METHOD"] == "POST" and environ["PATH_INFO"] == "/login":
            sent.append(environ["PATH_INFO"])
            time.sleep(1)  # a slow answer: the person has time to press again
        return wsgi(environ, start_response)

    monkeypatch.setattr(app, "wsgi_app", slow_login)
    login_label = who.tenant.text(who.tenant.config.login.field_label, "en")
    page.get_by_label(login_label, exact=True).fill(who.login)
    page.get_by_label("Password", exact=True).fill(who.password)
    button = page.get_by_role("button", name="Log in", exact=True)
    button.evaluate(WATCH_THE_BUTTON)
    button.click()
    portal.expect_dashboard(page)
    assert page.evaluate("sessionStorage.getItem('seen-disabled')") == "yes"
    assert sent == ["/login"], "the second press sent nothing"


def test_a_held_button_is_usable_again_on_pageshow(demo, portal, page):
    """A page restored from the back-forward cache fires pageshow: its buttons come back."""
    portal.open(page, SLUG, "/login")
    in_english(page)

    # The request is given up (as by the Stop button): the page stays, its button held.
    def give_up(route):
        if route.request.method == "POST":
            route.abort("aborted")
        else:
            route.continue_()

    page.route(re.compile(r"/language$"), give_up)
    russian = page.get_by_role("button", name="Русский", exact=True)
    russian.click()
    expect(russian).to_be_disabled()
    page.evaluate("window.dispatchEvent(new PageTransitionEvent('pageshow', {persisted: true}))")
    expect(russian).to_be_enabled()


def test_pending_payment_page_updates_when_the_bank_answers(
    app, demo, portal, page, mailbox, monkeypatch
):
    deliver = app.extensions[transport.EXTENSION]
    waiting: list[tuple] = []

    def late_bank(url, body, headers) -> int:
        waiting.append((url, body, dict(headers)))
        return 0  # the notification is not through yet: the payer is back first

    monkeypatch.setitem(app.extensions, transport.EXTENSION, late_bank)
    _, before = log_in(page, portal, demo, SLUG)
    page.get_by_role("navigation", name="Main menu").get_by_role(
        "link", name="Top up", exact=True
    ).click()
    page.get_by_role("radio", name=re.compile(r"^Bank cards?\b")).check()
    page.get_by_label("Amount, ₽", exact=True).fill("500")
    page.get_by_role("button", name="Pay", exact=True).click()
    card_and_3ds(page, APPROVED_CARD)

    result = page.get_by_test_id("result")
    expect(result).to_contain_text("Result: waiting for the bank's confirmation.")
    expect(page.get_by_text("This page updates by itself when the bank answers.")).to_be_visible()
    assert len(waiting) == 1
    url = page.url

    # The bank's notification arrives a moment later, on a connection of its own.
    bank = threading.Thread(target=deliver, args=waiting[0])
    bank.start()
    bank.join(timeout=10)
    expect(result).to_contain_text("Result: credited.", timeout=15_000)
    assert page.url == url  # nobody pressed anything
    expect(page.get_by_role("link", name="Refresh")).to_have_count(0)
    assert back_to_dashboard(page, portal) - before == 500
