"""The login form after many failures from one address (a building behind one NAT address):
it asks for the picture code, offers it read aloud, is accessible by keyboard at desktop and
phone width, and logs in."""

import pytest
from limits import parse
from playwright.sync_api import expect

from tests.conftest import Client
from tests.e2e.test_accessibility import Audit

pytestmark = pytest.mark.e2e


def fail_from_this_address(app, slug: str) -> None:
    """The neighbours' failed logins: as many as the tenant allows before the picture code."""
    tenant = app.extensions["tenancy"].tenants[slug]
    threshold = parse(tenant.config.login.limits.per_address_captcha).amount
    app.test_client_class = Client
    neighbour = app.test_client()
    neighbour.host = f"{slug}.localhost"
    region = {"region": tenant.config.regions[0].code} if tenant.config.login.choose_region else {}
    for n in range(threshold):
        assert neighbour.login(f"nobody{n}", "wrong", **region).status_code == 200


def shown_code(app, page) -> str:
    """What a person reads in the picture: the code of the challenge in this browser's session."""
    from app.web.captcha import challenge

    name = app.config["SESSION_COOKIE_NAME"]
    (cookie,) = [c for c in page.context.cookies() if c["name"] == name]
    session = app.session_interface.get_signing_serializer(app).loads(cookie["value"])
    return challenge.picture_code(app.config["SECRET_KEY"].encode(), session["captcha"]["nonce"])


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_login_with_the_picture_code(app, slug, device, demo, portal, open_page):
    who = demo.login(slug)
    fail_from_this_address(app, slug)
    page = open_page(device)
    audit = Audit()
    portal.open(page, slug, "/login")
    code_field = page.get_by_label(portal.t(page, "Code from the picture"), exact=True)
    expect(code_field).to_be_visible()
    expect(page.locator("img.captcha-image")).to_be_visible()

    # The recording: labelled, silent until asked, next in the Tab order after the password,
    # played from the keyboard, and followed by the field to type the code in.
    player = page.get_by_label(portal.t(page, "Or listen to the code:"), exact=True)
    expect(player).to_be_visible()
    assert player.evaluate("audio => audio.tagName === 'AUDIO' && audio.paused && !audio.autoplay")
    page.get_by_label(portal.t(page, "Password"), exact=True).focus()
    page.keyboard.press("Tab")
    expect(player).to_be_focused()
    with page.expect_response(lambda r: "/captcha/audio.wav" in r.url) as recording:
        page.keyboard.press("Space")
    assert recording.value.ok and recording.value.header_value("content-type") == "audio/wav"
    # Listened to: stopped again, as a clip that ends while Tab walks the player's buttons
    # swaps «pause» for «play» under the focus and drops it. Past the player's own buttons
    # (play, time, volume, menu: how many depends on the browser), the next stop is the field.
    player.evaluate("audio => audio.pause()")
    expect(player).to_have_js_property("paused", True)
    player.focus()
    for _ in range(20):
        page.keyboard.press("Tab")
        focused = page.evaluate("[document.activeElement.tagName, document.activeElement.id]")
        if focused[1] == "captcha":
            break
        assert focused[0] == "AUDIO", f"Tab left the player for {focused} before the field"
    expect(code_field).to_be_focused()
    audit.check(page, f"{slug} login with picture code")

    # The password alone is not enough now: the form asks for the code, and counts nothing.
    portal.log_in(page, who)
    expect(page.get_by_text(portal.t(page, "Please fill in this field.")).first).to_be_visible()
    expect(code_field).to_have_attribute("aria-invalid", "true")
    audit.check(page, f"{slug} login with picture code, code missing")

    code_field.fill(shown_code(app, page).lower())
    portal.log_in(page, who)
    portal.expect_dashboard(page)
    audit.assert_clean()
