"""«Мои услуги» of more ISPs as their subscribers use them, on a desktop and a phone:
NetByNet's voluntary block waits for staff, who approve or refuse it; IP-Home's subscriber,
whose demo host speaks Hindi, adds the TV package and then freezes the service; an
«Электронный город» subscriber with two access points switches cable TV on at the second."""

import re

import pytest
from flask_babel import force_locale, ngettext
from playwright.sync_api import Page, expect

from tests.e2e.test_accessibility import Audit
from tests.e2e.test_services import log_in_in_english, seed

pytestmark = pytest.mark.e2e

DEVICES = ["desktop", "phone"]
REVIEWED = (
    "Our staff review the request; a notice appears on the «My services» page when it is decided."
)


def option_name(who, code: str, lang: str) -> str:
    option = next(o for o in who.tenant.config.catalogue.options if o.code == code)
    return who.tenant.text(option.name, lang)


def words(portal, page: Page, message: str, **values) -> str:
    """An interface message with its values, as the page's language says it."""
    return portal.t(page, message) % values


def shaped(portal, page: Page, message: str) -> re.Pattern:
    """A message as the page's language says it, any value (a date) in place of each
    placeholder: the words around a date come before it in one language, after in another."""
    parts = re.split(r"%\(\w+\)s", portal.t(page, message))
    return re.compile(".+".join(re.escape(part) for part in parts))


def open_dashboard(page: Page, portal) -> None:
    portal.menu(page).get_by_role("link", name=portal.t(page, "My account"), exact=True).click()
    portal.expect_dashboard(page)


def flash(page: Page):
    return page.locator(".flash, [role=status], .notice")


def ask_for_block(page: Page, portal, name: str, days: int, audit: Audit, where: str):
    """From «Мои услуги»: the option's page, N days, «Continue»: the confirmation page."""
    page.get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    audit.check(page, f"{where} option page")
    page.get_by_label(portal.t(page, "Number of days"), exact=True).fill(str(days))
    page.get_by_role("button", name=portal.t(page, "Continue"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        words(portal, page, "Confirm: %(option)s", option=name)
    )


def netbynet_request(demo, portal, page: Page, audit: Audit, where: str):
    """Log in on the Saint Petersburg host and ask for a 14-day voluntary block: the
    subscriber reads the price first and then sees the request waiting for review."""
    who = demo.login("netbynet")
    assert who.person.region == "spb"
    portal.open(page, "netbynet", "/login", region="spb")
    portal.log_in(page, who)
    portal.expect_dashboard(page)
    portal.open_my_services(page, who.tenant)
    audit.check(page, f"{where} my services")
    name = option_name(who, "voluntary-block", portal.lang(page))
    ask_for_block(page, portal, name, 14, audit, where)
    option = next(o for o in who.tenant.config.catalogue.options if o.code == "voluntary-block")
    with demo.app.test_request_context(), force_locale(portal.lang(page)):
        price = ngettext(
            "free for the first %(num)s day, then %(fee)s a day",
            "free for the first %(num)s days, then %(fee)s a day",
            option.free_days,
            fee="FEE",
        )
    expect(page.get_by_test_id("price")).to_contain_text(price.split("FEE")[0])
    expect(page.get_by_test_id("price")).to_contain_text("3,00")
    expect(page.get_by_text(portal.t(page, REVIEWED))).to_be_visible()
    audit.check(page, f"{where} confirmation")
    page.get_by_role("button", name=portal.t(page, "Confirm"), exact=True).click()
    expect(flash(page).first).to_contain_text(
        words(
            portal,
            page,
            "«%(option)s»: the request is sent; we will tell you here when it is decided.",
            option=name,
        )
    )
    row = page.locator('[data-option="voluntary-block"] .option-running')
    expect(row.locator(".option-status")).to_have_text(portal.t(page, "Waiting for review"))
    expect(row.get_by_role("button", name=portal.t(page, "Cancel"), exact=True)).to_be_visible()
    audit.check(page, f"{where} waiting for review")
    return name, row.get_attribute("data-activation")


def review(demo, activation_id: str, *decision: str) -> None:
    """What staff do until the staff console exists: `flask options review ID ...`."""
    result = demo.app.test_cli_runner().invoke(args=["options", "review", activation_id, *decision])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("device", DEVICES)
def test_netbynet_voluntary_block_approved_by_staff(device, demo, portal, open_page, screenshot):
    page = open_page(device)
    audit = Audit()
    name, activation = netbynet_request(demo, portal, page, audit, f"netbynet {device}")
    review(demo, activation, "--approve")

    page.reload()
    expect(page.get_by_test_id("decision")).to_contain_text(
        words(portal, page, "Your request «%(option)s» was approved.", option=name)
    )
    row = page.locator('[data-option="voluntary-block"] .option-running')
    expect(row.locator(".option-status")).to_have_text(portal.t(page, "On"))
    expect(row).to_contain_text(shaped(portal, page, "until %(end)s"))
    expect(row.get_by_role("button", name=portal.t(page, "Resume now"), exact=True)).to_be_visible()
    audit.check(page, f"netbynet {device} approved")
    screenshot(page, f"netbynet-{device}-approved")

    open_dashboard(page, portal)
    paused = page.get_by_test_id("paused")
    expect(paused).to_contain_text(shaped(portal, page, "Paused until %(end)s."))
    expect(
        paused.get_by_role("button", name=portal.t(page, "Resume now"), exact=True)
    ).to_be_visible()
    expect(page.locator(".status-paused").first).to_have_text(portal.t(page, "Paused"))
    audit.check(page, f"netbynet {device} paused dashboard")
    screenshot(page, f"netbynet-{device}-paused")

    # Back early: the button answers on the dashboard it was pressed on.
    paused.get_by_role("button", name=portal.t(page, "Resume now"), exact=True).click()
    portal.expect_dashboard(page)
    expect(flash(page).first).to_contain_text(portal.t(page, "Done: the service is off."))
    expect(page.get_by_test_id("paused")).to_have_count(0)
    expect(page.locator(".status-active").first).to_have_text(portal.t(page, "Active"))
    audit.assert_clean()


@pytest.mark.parametrize("device", DEVICES)
def test_netbynet_voluntary_block_refused_with_a_reason(device, demo, portal, open_page):
    page = open_page(device)
    audit = Audit()
    where = f"netbynet {device} refused"
    name, activation = netbynet_request(demo, portal, page, audit, where)
    reason = "Договор оформлен менее месяца назад."
    review(demo, activation, "--refuse", reason)

    page.reload()
    decision = page.get_by_test_id("decision")
    expect(decision).to_contain_text(
        words(portal, page, "Your request «%(option)s» was refused.", option=name)
    )
    expect(decision).to_contain_text(reason)
    expect(page.locator('[data-option="voluntary-block"] .option-running')).to_have_count(0)
    audit.check(page, f"{where} notice")
    open_dashboard(page, portal)
    expect(page.get_by_test_id("paused")).to_have_count(0)
    audit.assert_clean()


@pytest.mark.parametrize("device", DEVICES)
def test_iphome_tv_package_then_freeze(device, demo, portal, open_page, screenshot):
    page = open_page(device)
    audit = Audit()
    where = f"iphome {device}"
    who = demo.login("iphome")
    portal.open(page, "iphome", "/login")
    expect(page.locator("html")).to_have_attribute("lang", "hi")  # the demo host speaks Hindi
    portal.log_in(page, who)
    portal.expect_dashboard(page)
    lang = portal.lang(page)
    portal.open_my_services(page, who.tenant)
    audit.check(page, f"{where} my services")

    tv = option_name(who, "tv-digital", lang)
    page.get_by_role("link", name=tv, exact=True).click()
    audit.check(page, f"{where} tv option page")
    page.get_by_role("button", name=portal.t(page, "Continue"), exact=True).click()
    expect(page.get_by_test_id("price")).to_contain_text("250")
    audit.check(page, f"{where} tv confirmation")
    page.get_by_role("button", name=portal.t(page, "Confirm"), exact=True).click()
    expect(flash(page).first).to_contain_text(words(portal, page, "«%(option)s» is on.", option=tv))
    card = page.locator('[data-option="tv-digital"]')
    expect(card).to_have_class(re.compile(r"\boption-active\b"))
    expect(card.locator(".option-state")).to_have_text(portal.t(page, "On"))
    audit.check(page, f"{where} tv on")
    # The day's part of the add-on is posted by the daily run that `make run` keeps going.
    run = demo.app.test_cli_runner().invoke(args=["billing", "run", "--tenant", "iphome"])
    assert run.exit_code == 0, run.output

    freeze = option_name(who, "freeze", lang)
    ask_for_block(page, portal, freeze, 7, audit, f"{where} freeze")
    expect(page.get_by_test_id("price")).to_contain_text(portal.t(page, "free of charge"))
    audit.check(page, f"{where} freeze confirmation")
    page.get_by_role("button", name=portal.t(page, "Confirm"), exact=True).click()
    expect(flash(page).first).to_contain_text(
        words(portal, page, "«%(option)s» is on.", option=freeze)
    )
    expect(page.locator('[data-option="freeze"]')).to_have_class(re.compile(r"\boption-active\b"))
    # The TV package stays on through the freeze (it pays only on days the account is active).
    expect(card.locator(".option-state")).to_have_text(portal.t(page, "On"))
    screenshot(page, f"iphome-{device}-services")

    open_dashboard(page, portal)
    paused = page.get_by_test_id("paused")
    expect(paused).to_contain_text(shaped(portal, page, "Paused until %(end)s."))
    expect(
        paused.get_by_role("button", name=portal.t(page, "Resume now"), exact=True)
    ).to_be_visible()
    expect(page.locator(".status-paused").first).to_have_text(portal.t(page, "Paused"))
    audit.check(page, f"{where} paused dashboard")
    screenshot(page, f"iphome-{device}-dashboard")

    page.get_by_role("link", name=portal.t(page, "Statement of operations"), exact=True).click()
    audit.check(page, f"{where} statement")
    lines = page.get_by_test_id("entry-description")
    tv_line = lines.filter(has_text=tv)
    expect(tv_line).to_have_count(1)
    expect(tv_line).to_contain_text(shaped(portal, page, "%(option)s, the part for %(day)s"))
    # The freeze is free of charge: it writes no line.
    expect(lines.filter(has_text=freeze)).to_have_count(0)
    screenshot(page, f"iphome-{device}-statement")
    audit.assert_clean()


@pytest.mark.parametrize("device", DEVICES)
def test_novotelecom_two_points_cable_tv_at_the_second_address(device, demo, portal, open_page):
    """A subscriber with two access points picks which one the add-on is for."""
    page = open_page(device)
    who = seed(demo, "novotelecom", "1187350")
    audit = Audit()
    log_in_in_english(page, portal, who, "novotelecom")
    portal.open_my_services(page, who.tenant)
    name = option_name(who, "cable-tv", "en")
    second = who.person.points[1].address
    page.get_by_role("link", name=name, exact=True).click()
    address = page.get_by_label("Address", exact=True)
    expect(address.locator("option")).to_have_count(2)
    address.select_option(label=second)
    audit.check(page, "novotelecom option page with two addresses")
    page.get_by_role("button", name="Continue", exact=True).click()
    expect(page.get_by_test_id("address")).to_have_text(second)
    page.get_by_role("button", name="Confirm", exact=True).click()
    expect(flash(page).first).to_contain_text(f"«{name}» is on.")
    running = page.locator('[data-option="cable-tv"] .option-running')
    expect(running.get_by_test_id("address")).to_have_text(second)
    audit.check(page, "novotelecom add-on at the second address")
    audit.assert_clean()
