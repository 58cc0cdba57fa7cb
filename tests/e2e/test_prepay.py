"""«Абонемент» at «Эт Хоум» as a person buys it, on a desktop and a phone: refused while the
balance is short, bought for three months once it is topped up; the dashboard then shows the
prepaid period and the statement the purchase. Every page passes axe and fits the screen."""

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.core.ledger import EntryKind, post_entry
from app.core.subscribers import Account
from app.extensions import db
from tests.e2e.test_accessibility import Audit

pytestmark = pytest.mark.e2e


def _top_up(app, number: str, kopecks: int) -> None:
    """The money a payment brings, straight into the ledger: paying is another test's."""
    with app.app_context():
        account = db.session.scalar(
            sa.select(Account).where(Account.tenant == "athome", Account.number == number)
        )
        post_entry("athome", account.id, kopecks, EntryKind.PAYMENT, f"e2e-top-up:{number}")
        db.session.commit()


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_a_season_ticket_for_three_months(app, demo, portal, open_page, device):
    who = demo.login("athome")
    page = open_page(device)
    audit = Audit()
    where = f"athome prepay ({device})"
    portal.open(page, "athome", "/login")
    portal.log_in(page, who)
    portal.expect_dashboard(page)
    expect(page.get_by_test_id("prepaid")).to_have_count(0)
    days_before = page.get_by_test_id("days-left").first.inner_text()

    portal.open_my_services(page, who.tenant)
    page.locator('[data-option="abonement"]').get_by_role(
        "link", name=portal.t(page, "Pay ahead")
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Абонемент")
    audit.check(page, f"{where} option page")
    page.get_by_label(portal.t(page, "Period"), exact=True).select_option("3")
    page.get_by_role("button", name=portal.t(page, "Continue")).click()
    # 820,50 ₽ on the balance, three months of «Пикник» cost 1 485,00 ₽.
    expect(page.get_by_test_id("refusal")).to_contain_text("1 485,00")
    audit.check(page, f"{where} refused")

    _top_up(app, who.person.account, 100_000)
    page.get_by_label(portal.t(page, "Period"), exact=True).select_option("3")
    page.get_by_role("button", name=portal.t(page, "Continue")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Подтвердите: Абонемент")
    expect(page.get_by_test_id("price")).to_contain_text("1 485,00")
    expect(page.get_by_test_id("period")).to_be_visible()
    audit.check(page, f"{where} confirmation")
    last_day = page.get_by_test_id("period").inner_text().split(" по ")[-1].strip()
    page.get_by_role("button", name=portal.t(page, "Confirm")).click()

    expect(page.locator('[data-option="abonement"]')).to_contain_text(f"Оплачено до {last_day}")
    audit.check(page, f"{where} my services")

    portal.menu(page).get_by_role("link", name=portal.t(page, "Statement"), exact=True).click()
    expect(
        page.get_by_test_id("entry-description").filter(
            has_text=re.compile(r"^Абонемент на 3 месяца, скидка 10\s%$")
        )
    ).to_have_count(1)
    audit.check(page, f"{where} statement")

    portal.menu(page).get_by_role("link", name=portal.t(page, "My account"), exact=True).click()
    portal.expect_dashboard(page)
    expect(page.get_by_test_id("prepaid")).to_contain_text(last_day)
    expect(page.get_by_test_id("days-left").first).not_to_have_text(days_before)
    audit.check(page, f"{where} dashboard")
    audit.assert_clean()
