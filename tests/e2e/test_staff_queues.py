"""The console's queues in a browser: a NetByNet operator approves a voluntary block the
subscriber then sees approved; an At Home accountant moves a payment that reached the wrong
account and both subscribers see their balance change. axe on every page, desktop and phone."""

import re
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from app.core.subscribers import Account, Contract
from app.extensions import db
from app.staff.roles import Role
from tests.e2e.conftest import DemoLogin
from tests.e2e.test_accessibility import Audit
from tests.e2e.test_options_tenants import netbynet_request, option_name, words
from tests.e2e.test_tenants import money_text
from tests.web.queue_steps import ask_option, file_transfer
from tests.web.staff_steps import PASSWORD as STAFF_PASSWORD
from tests.web.staff_steps import forget_used_codes, make_member

pytestmark = pytest.mark.e2e
DEVICES = ["desktop", "phone"]
PASSWORD = "Quiet-River-2048"


def console(app, page: Page, portal, member, slug: str) -> None:
    """Both steps of the console login, as a staff member types them."""
    forget_used_codes(app, member)
    portal.open(page, slug, "/staff/login")
    page.get_by_label(portal.t(page, "E-mail"), exact=True).fill(member.email)
    page.get_by_label(portal.t(page, "Password"), exact=True).fill(STAFF_PASSWORD)
    page.get_by_role("button", name=portal.t(page, "Continue")).click()
    page.get_by_label(portal.t(page, "Code from the authenticator app"), exact=True).fill(
        member.code()
    )
    page.get_by_role("button", name=portal.t(page, "Log in")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(portal.t(page, "Staff console"))


def open_section(page: Page, portal, title: str) -> None:
    """The console menu's link; on a phone the menu is folded into «Menu» first."""
    toggle = page.locator("summary.menu-toggle")
    if toggle.is_visible() and not page.locator("details.menu-disclosure[open]").count():
        toggle.click()
    menu = page.get_by_role("navigation", name=portal.t(page, "Console menu"))
    menu.get_by_role("link", name=portal.t(page, title), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(portal.t(page, title))


def button_words(portal, page: Page, message: str) -> re.Pattern:
    """A button's name: the longest run of the message's words between its placeholders
    (a language may open with a placeholder)."""
    pieces = re.split(r"%\(\w+\)s", portal.t(page, message))
    return re.compile(re.escape(max(pieces, key=len)))


@pytest.mark.parametrize("device", DEVICES)
def test_a_netbynet_operator_approves_a_voluntary_block(app, demo, portal, open_page, device):
    audit = Audit()
    cabinet = open_page(device)
    name, activation = netbynet_request(demo, portal, cabinet, audit, f"netbynet {device}")
    operator = make_member(app, "netbynet", Role.OPERATOR, email=f"op-{device}@staff.example")

    staff = open_page(device)
    console(app, staff, portal, operator, "netbynet")
    open_section(staff, portal, "Reviews")
    row = staff.locator(f'tr[data-activation="{activation}"]')
    isp = SimpleNamespace(tenant=demo.tenant("netbynet"))
    on_console = option_name(isp, "voluntary-block", portal.lang(staff))
    expect(row).to_contain_text(on_console)
    audit.check(staff, f"console reviews {device}")
    row.get_by_role(
        "button", name=button_words(portal, staff, "Approve «%(option)s» for %(account)s")
    ).click()
    expect(staff.locator("p.notice").first).to_have_text(
        words(portal, staff, "«%(option)s» is approved.", option=on_console)
    )
    expect(staff.get_by_test_id("nothing-waits")).to_be_visible()
    audit.check(staff, f"console reviews {device}, approved")

    cabinet.reload()
    expect(cabinet.get_by_test_id("decision")).to_contain_text(
        words(portal, cabinet, "Your request «%(option)s» was approved.", option=name)
    )
    audit.check(cabinet, f"netbynet {device} approved by the operator")
    audit.assert_clean()


def _subscriber_of(app, account_number: str) -> int:
    with app.app_context():
        return db.session.scalar(
            sa.select(Contract.subscriber_id)
            .join(Account, Account.contract_id == Contract.id)
            .where(Account.tenant == "athome", Account.number == account_number)
        )


def _dashboard_balance(page: Page, portal, who: DemoLogin, kopecks: int, audit, where: str):
    portal.open(page, "athome", "/login")
    portal.log_in(page, who)
    portal.expect_dashboard(page)
    portal.close_pop_up(page)
    expect(portal.balance(page).first).to_have_text(money_text(kopecks))
    audit.check(page, where)


@pytest.mark.parametrize("device", DEVICES)
def test_an_athome_accountant_moves_a_payment_to_the_right_account(
    app, demo, portal, open_page, make_subscriber, tmp_path, monkeypatch, device
):
    monkeypatch.setitem(app.config, "PORTAL_UPLOADS_DIR", str(tmp_path / "uploads"))
    audit = Audit()
    payer = demo.login("athome")
    login = f"ah09{'1' if device == 'phone' else '2'}001"
    reached = make_subscriber(
        tenant="athome",
        balance=300_000,
        password=PASSWORD,
        logins={"login": login},
        surname="Получатель",
    )
    holder = DemoLogin(payer.tenant, payer.person, login, PASSWORD)
    amount = 50_000
    file_transfer(
        app,
        "athome",
        _subscriber_of(app, payer.person.account),
        payer.person.account,
        amount,
        tmp_path / "uploads",
    )
    holder_account = reached["account"]

    cabinet = open_page(device)
    _dashboard_balance(cabinet, portal, payer, payer.person.balance, audit, f"athome {device}")

    accountant = make_member(app, "athome", Role.ACCOUNTANT, email=f"acc-{device}@staff.example")
    staff = open_page(device)
    console(app, staff, portal, accountant, "athome")
    open_section(staff, portal, "Payment transfers")
    audit.check(staff, f"console transfers {device}")
    request = staff.locator("article[data-transfer]").first
    request.get_by_label(
        portal.t(staff, "Account the payment reached by mistake"), exact=True
    ).fill(holder_account)
    request.get_by_role(
        "button", name=button_words(portal, staff, "Approve %(number)s: move %(amount)s")
    ).click()
    expect(staff.locator("p.notice").first).to_contain_text(holder_account)
    expect(staff.get_by_test_id("nothing-waits")).to_be_visible()
    audit.check(staff, f"console transfers {device}, approved")

    cabinet.reload()
    expect(portal.balance(cabinet).first).to_have_text(money_text(payer.person.balance + amount))
    audit.check(cabinet, f"athome {device} payer after the transfer")
    portal.open(cabinet, "athome", "/transfers/1")
    expect(cabinet.get_by_test_id("transfer-status")).to_contain_text(
        portal.t(cabinet, "Done: the money was moved")
    )
    audit.check(cabinet, f"athome {device} transfer request done")

    other = open_page(device)
    _dashboard_balance(other, portal, holder, 300_000 - amount, audit, f"athome {device} holder")
    audit.assert_clean()


@pytest.mark.parametrize("device", DEVICES)
def test_an_iphome_operator_marks_an_order_done(app, portal, open_page, make_subscriber, device):
    audit = Audit()
    facts = make_subscriber(tenant="iphome", balance=100_000, region="msk", surname="Заказов")
    order = ask_option(app, "iphome", facts["account_id"], "equipment", comment="Роутер, Wi-Fi 6")
    operator = make_member(app, "iphome", Role.OPERATOR, email=f"op-{device}@iphome.example")
    staff = open_page(device)
    console(app, staff, portal, operator, "iphome")
    open_section(staff, portal, "Orders")
    row = staff.locator(f'tr[data-activation="{order}"]')
    expect(row).to_contain_text("Роутер, Wi-Fi 6")
    audit.check(staff, f"console orders {device}")
    done = button_words(portal, staff, "Mark «%(option)s» for %(account)s done")
    row.get_by_role("button", name=done).click()
    expect(staff.get_by_test_id("nothing-waits")).to_be_visible()
    expect(staff.locator(f'tr[data-activation="{order}"] [data-status="active"]')).to_be_visible()
    audit.check(staff, f"console orders {device}, done")
    audit.assert_clean()
