"""Topping up by card as a subscriber does it: the pay page, the sandbox bank, the result.

The sandbox bank lists its test cards on its card page and shows the 3-D Secure code on the
next one; the payment is credited only once the bank's notification reaches the portal.
"""

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from babel.numbers import get_decimal_symbol
from playwright.sync_api import Locator, Page, expect

from tests.e2e.test_accessibility import Audit

pytestmark = pytest.mark.e2e

TENANTS = Path(__file__).resolve().parents[2] / "tenants"
AMOUNT = Decimal(500)
APPROVED_CARD = "4111 1111 1111 1111"
CVC = "123"
# A bank card's name as the method's label starts with it ("Bank card (МИР, Visa, …)").
CARD_METHOD = re.compile(r"^Bank cards?\b")


def card_tenants() -> list[str]:
    """Tenants with demo subscribers and an online bank-card method in tenant.yaml."""
    found = []
    for path in sorted(TENANTS.glob("*/tenant.yaml")):
        if not (path.parent / "demo.yaml").is_file():
            continue
        methods = yaml.safe_load(path.read_text(encoding="utf-8"))["payments"]["methods"]
        if any(m.get("kind") == "card" and m.get("online") for m in methods):
            found.append(path.parent.name)
    return found


def in_english(page: Page) -> None:
    """Press «English» on the language switcher and wait for the page to speak it."""
    page.get_by_role("button", name="English", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def roubles(shown: str, lang: str = "en") -> Decimal:
    """An amount as the page shows it ("₽1,820.50", "-1 820,50 ₽") as a number."""
    whole, _, fraction = shown.partition(get_decimal_symbol(lang))
    digits = re.sub(r"\D", "", whole) + "." + (re.sub(r"\D", "", fraction) or "0")
    value = Decimal(digits)
    return -value if re.search(r"[-−]", whole) else value


def read_balance(balance: Locator) -> Decimal:
    expect(balance).to_have_text(re.compile(r"\d"))
    return roubles(balance.inner_text())


def log_in(page: Page, portal, demo, slug: str):
    """Log in as an active demo subscriber, in English; back the dashboard and its balance."""
    who = demo.login(slug)
    portal.open(page, slug, "/login")
    in_english(page)
    portal.log_in(page, who)
    portal.expect_dashboard(page)
    return who, read_balance(portal.balance(page))


def listed_card(page: Page, what_happens: str) -> str:
    """The number the bank's «Test cards» table lists for an outcome, e.g. "Approved"."""
    row = page.get_by_role("row").filter(
        has=page.get_by_role("cell", name=what_happens, exact=True)
    )
    expect(row).to_have_count(1)
    return row.get_by_role("cell").first.inner_text().strip()


def pay_by_card(page: Page, slug: str, card: str | None = None, outcome: str = "") -> None:
    """«Top up» → card, 500 → the sandbox bank: card, expiry, CVC → the 3-D Secure code.

    The card is the given number, or the one the bank's test-card table lists for outcome.
    """
    page.get_by_role("navigation", name="Main menu").get_by_role(
        "link", name="Top up", exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Top up your account")
    page.get_by_role("radio", name=CARD_METHOD).check()
    page.get_by_label("Amount, ₽", exact=True).fill(str(AMOUNT))
    terms = page.get_by_label("I agree with the terms", exact=True)
    if slug == "novotelecom":
        terms.check()  # the tenant asks for consent to its card terms
    else:
        expect(terms).to_have_count(0)
    page.get_by_role("button", name="Pay", exact=True).click()
    card_and_3ds(page, card, outcome)


def card_and_3ds(page: Page, card: str | None = None, outcome: str = "") -> None:
    """On the sandbox bank's card page: the card, expiry, CVC, then the 3-D Secure code."""
    # The sandbox bank's own page, which documents its test cards.
    expect(page).to_have_url(re.compile(r"/sandbox/pay/[\w-]+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Pay by card")
    expect(page.get_by_test_id("amount")).to_have_text(re.compile(r"500\.00"))
    if card is None:
        card = listed_card(page, outcome)
    expect(page.get_by_role("cell", name=card, exact=True)).to_be_visible()
    page.get_by_label("Card number", exact=True).fill(card)
    expiry = f"12/{(date.today().year + 1) % 100:02d}"  # any month in the future
    page.get_by_label("Valid until (MM/YY)", exact=True).fill(expiry)
    page.get_by_label("CVC", exact=True).fill(CVC)
    page.get_by_role("button", name=re.compile(r"^Pay\b")).click()

    # 3-D Secure: a test bank shows the one-time password on the page.
    expect(page.get_by_role("heading", level=1)).to_have_text("3-D Secure check")
    shown = page.get_by_text(re.compile(r"^Test code:\s*\d{6}$"))
    expect(shown).to_be_visible()
    code = re.search(r"\d{6}", shown.inner_text()).group(0)
    page.get_by_label("One-time password", exact=True).fill(code)
    page.get_by_role("button", name="Confirm", exact=True).click()
    expect(page).to_have_url(re.compile(r"/payments/result/[\w-]+$"))


def back_to_dashboard(page: Page, portal) -> Decimal:
    page.get_by_role("link", name="Back to my account", exact=True).click()
    portal.expect_dashboard(page)
    return read_balance(portal.balance(page))


@pytest.mark.parametrize("card_tenant", card_tenants())
def test_card_top_up_is_credited(card_tenant, demo, portal, page, mailbox, screenshot):
    slug = card_tenant
    _, before = log_in(page, portal, demo, slug)
    pay_by_card(page, slug, APPROVED_CARD)

    result = page.get_by_test_id("result")
    expect(result).to_contain_text("Result: credited.")
    expect(result).to_contain_text("Your balance is now")
    told = re.search(r"Your balance is now (.+)\.$", result.inner_text().strip())
    assert told and roubles(told.group(1)) == before + AMOUNT

    after = back_to_dashboard(page, portal)
    assert after - before == AMOUNT, f"balance went from {before} to {after}"
    screenshot(page, f"payment-{slug}")


def test_declined_card_says_why_and_takes_nothing(demo, portal, page, mailbox, screenshot):
    slug = card_tenants()[0]
    _, before = log_in(page, portal, demo, slug)
    # The card the bank's page lists as failing for want of money.
    pay_by_card(page, slug, outcome="Declined: insufficient funds")

    result = page.get_by_test_id("result")
    expect(result).to_have_text(
        re.compile(r"^Result: not paid\.\s+There is not enough money on the card\.$")
    )
    expect(page.get_by_text("No money was taken for this payment.")).to_be_visible()
    screenshot(page, f"payment-declined-{slug}")
    assert back_to_dashboard(page, portal) == before


def test_wallet_payment_opens_the_picked_wallets_page(demo, portal, page, mailbox, screenshot):
    slug = "tomtel"
    _, before = log_in(page, portal, demo, slug)
    page.get_by_role("navigation", name="Main menu").get_by_role(
        "link", name="Top up", exact=True
    ).click()
    page.get_by_role("radio", name="E-wallets", exact=True).check()
    wallets = page.get_by_role("group", name="Wallet", exact=True)
    expect(wallets.get_by_role("radio")).to_have_count(2)  # Томтел lists ЮMoney and QIWI
    wallets.get_by_role("radio", name="QIWI Wallet", exact=True).check()
    page.get_by_label("Amount, ₽", exact=True).fill(str(AMOUNT))
    page.get_by_role("button", name="Pay", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Pay with QIWI Wallet")
    expect(page.get_by_test_id("service")).to_have_text("QIWI Wallet")
    audit = Audit()
    audit.check(page, "sandbox QIWI page")
    audit.assert_clean()
    screenshot(page, "payment-wallet-qiwi")
    page.get_by_role("button", name=re.compile(r"^Pay\b")).click()

    expect(page.get_by_test_id("result")).to_contain_text("Result: credited.")
    expect(page.get_by_test_id("method")).to_have_text("E-wallets: QIWI Wallet")
    assert back_to_dashboard(page, portal) - before == AMOUNT


def test_athome_pays_from_home_by_contract_number(demo, portal, page, mailbox, screenshot):
    who = demo.login("athome")
    portal.open(page, "athome", "/login")
    in_english(page)
    page.get_by_role("link", name="Pay from home", exact=True).click()
    page.get_by_label("Contract number", exact=True).fill(who.person.contract)
    expect(page.get_by_role("radio")).to_have_count(1)  # At Home takes cards from home
    page.get_by_role("radio", name=CARD_METHOD).check()
    page.get_by_label("Amount, ₽", exact=True).fill(str(AMOUNT))
    page.get_by_role("button", name="Continue", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check the details")
    initials = f"{who.person.first_name[0]}. {who.person.surname[0]}."
    expect(page.get_by_test_id("holder")).to_have_text(initials)
    page.get_by_role("button", name=re.compile(r"^Pay\b")).click()
    card_and_3ds(page, APPROVED_CARD)
    expect(page.get_by_test_id("result")).to_have_text("Result: credited.")
    screenshot(page, "payment-guest-athome")
