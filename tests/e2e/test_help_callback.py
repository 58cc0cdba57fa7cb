"""Томтел's «Заказать обратный звонок» as people ask for it: from the contacts page without
logging in (with the picture code), and from the cabinet with the profile's name and phone;
every state audited by axe on desktop and phone."""

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.help.models import HelpRequest
from tests.e2e.test_accessibility import Audit
from tests.e2e.test_login_limits import shown_code

pytestmark = pytest.mark.e2e
SLUG = "tomtel"


def _callbacks(app) -> list[tuple]:
    with app.app_context():
        return db.session.execute(
            sa.select(HelpRequest.kind, HelpRequest.subscriber_id).order_by(HelpRequest.id)
        ).all()


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_a_callback_end_to_end(app, device, demo, portal, open_page):
    page = open_page(device)
    audit = Audit()
    portal.open(page, SLUG, "/help/contacts")
    call_me = portal.t(page, "Call me back")
    page.get_by_role("link", name=call_me).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(call_me)
    expect(page.locator("img.captcha-image")).to_be_visible()
    audit.check(page, "tomtel callback, logged out")

    page.get_by_label(portal.t(page, "Your name")).fill("Иван")
    page.get_by_label(portal.t(page, "Phone number")).fill("8 913 765-43-21")
    when = page.get_by_label(portal.t(page, "When is it convenient to call you?"))
    when.select_option(index=1)
    page.get_by_label(portal.t(page, "Code from the picture")).fill("000000x")
    page.get_by_role("button", name=portal.t(page, "Ask for a call")).click()
    expect(page.get_by_text(portal.t(page, "The code is wrong. Please try again."))).to_be_visible()
    expect(page.get_by_label(portal.t(page, "Your name"))).to_have_value("Иван")
    audit.check(page, "tomtel callback, wrong code")

    page.get_by_label(portal.t(page, "Code from the picture")).fill(shown_code(app, page))
    page.get_by_role("button", name=portal.t(page, "Ask for a call")).click()
    expect(page.get_by_text("HR-", exact=False).first).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(portal.t(page, "Contacts"))
    audit.check(page, "tomtel callback sent, logged out")
    assert _callbacks(app) == [("callback", None)]

    who = demo.login(SLUG, own=True)
    portal.open(page, SLUG, "/login")
    portal.log_in(page, who)
    portal.expect_dashboard(page)
    section = who.tenant.text(who.tenant.config.help.requests.name, "ru")
    portal.menu(page).get_by_role("link", name=section, exact=True).click()
    page.get_by_role("link", name=call_me).click()
    expect(page.locator("img.captcha-image")).to_have_count(0)
    expected = who.person.surname or who.person.organisation
    expect(page.get_by_label(portal.t(page, "Your name"))).to_have_value(
        re.compile(re.escape(expected))
    )
    audit.check(page, "tomtel callback, logged in")
    page.get_by_label(portal.t(page, "Phone number")).fill("+7 913 111-22-33")
    page.get_by_role("button", name=portal.t(page, "Ask for a call")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("HR-")
    expect(page.get_by_test_id("callback-window")).to_contain_text("–")
    expect(page.get_by_text("+79131112233")).to_be_visible()
    audit.check(page, "tomtel callback sent, logged in")

    page.get_by_role("link", name=section).first.click()
    expect(page.get_by_text(portal.t(page, "Callback request"))).to_be_visible()
    audit.check(page, "tomtel requests with a callback")
    audit.assert_clean()
    assert [kind for kind, _who in _callbacks(app)] == ["callback", "callback"]
