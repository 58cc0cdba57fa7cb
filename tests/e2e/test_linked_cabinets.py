"""«My contracts» walked as a Томтел subscriber: Павел Егоров links his second contract (his
parents' dacha) with its password and switches to it and back from the header, at desktop
and phone width; the page, with its messages, and the open switch under axe."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_accessibility import Audit
from tests.e2e.test_recovery import in_english, seed

pytestmark = pytest.mark.e2e

FIRST = "701458321"  # Павел Егоров's own flat
SECOND = "701458339"  # his second contract, demo.yaml


def _open_my_contracts(portal, page: Page) -> None:
    portal.menu(page).get_by_role("link", name="My contracts", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My contracts")


def _switch_from_header(page: Page, contract: str) -> None:
    page.locator("summary", has_text="Switch contract").click()
    page.get_by_role("button", name=re.compile(rf"^Contract {contract} — ")).click()


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_tomtel_links_a_second_contract_and_switches_from_the_header(
    device, demo, portal, open_page, screenshot
):
    first, second = seed(demo, "tomtel", FIRST), seed(demo, "tomtel", SECOND)
    page = open_page(device)
    portal.open(page, "tomtel", "/login")
    in_english(page)
    portal.log_in(page, first)
    portal.expect_dashboard(page)
    portal.close_pop_up(page)
    expect(page.locator("summary", has_text="Switch contract")).to_have_count(0)
    _open_my_contracts(portal, page)
    audit = Audit()
    audit.check(page, f"my contracts {device}")

    login = page.get_by_label("Login of the other contract", exact=True).first
    login.fill(SECOND)
    page.get_by_label("Password of the other contract", exact=True).fill("not-the-password")
    page.get_by_role("button", name="Link the contract", exact=True).click()
    message = "The login or password of that contract is incorrect."
    expect(page.get_by_text(message, exact=True)).to_be_visible()
    audit.check(page, f"my contracts {device}, wrong password")

    page.get_by_label("Login of the other contract", exact=True).first.fill(SECOND)
    page.get_by_label("Password of the other contract", exact=True).fill(second.password)
    page.get_by_role("button", name="Link the contract", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="The contract is linked.")).to_be_visible()
    second_contract = second.person.contract
    main = page.get_by_role("main")
    expect(main.get_by_text(f"Contract {second_contract}", exact=False).first).to_be_visible()
    audit.check(page, f"my contracts {device}, two linked")

    page.locator("summary", has_text="Switch contract").click()
    option = page.get_by_role("button", name=re.compile(rf"^Contract {second_contract} — "))
    expect(option).to_be_visible()
    audit.check(page, f"header switch open {device}")
    screenshot(page, f"tomtel-contract-switch-{device}")
    option.click()

    portal.expect_dashboard(page)
    expect(page.get_by_role("main").get_by_text(second.person.account).first).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="another contract")).to_be_visible()
    portal.close_pop_up(page)
    _switch_from_header(page, first.person.contract)
    portal.expect_dashboard(page)
    expect(page.get_by_role("main").get_by_text(first.person.account).first).to_be_visible()
    audit.assert_clean()
