"""The dashboard acts: a top-up button by each balance, and a way out of a debt block."""

import re
from datetime import date

import pytest

from app.core.subscribers import Account, Contract
from app.extensions import db

PASSWORD = "Sunny-Garden-77"
PAGE_LANG = "en"
LOGINS = {
    "athome": {"login": "ivanov_spb"},
    "netbynet": {"contract": "780000111"},
}


def text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True)).replace("\xa0", " ")


def rule(app, slug):
    return app.extensions["tenancy"].tenants[slug].config.billing.promised_payment


@pytest.fixture
def cabinet(tenant_client, make_subscriber):
    """Log in, on the tenant's host, as a new subscriber with this balance and status."""

    def make(slug: str, balance: int, status: str = "active", logins: dict | None = None):
        logins = logins or LOGINS[slug]
        facts = make_subscriber(
            tenant=slug, password=PASSWORD, balance=balance, status=status, logins=logins
        )
        client = tenant_client(f"{slug}.localhost")
        assert client.login(next(iter(logins.values())), PASSWORD).status_code == 302
        return client, facts

    return make


def way_out(page: str) -> str:
    found = re.search(r'<div class="way-out" data-testid="way-out">(.*?)</div>', page)
    return found.group(1) if found else ""


def top_up_links(page: str) -> list[str]:
    button = r'<a class="button button-primary" href="([^"]+)"[^>]*>Top up the balance<'
    return re.findall(button, page)


def test_top_up_button_opens_the_pay_page_for_that_account(app, cabinet):
    client, facts = cabinet("athome", 50000)
    with app.app_context():
        first = db.session.get(Account, facts["account_id"])
        contract = Contract(
            tenant="athome",
            subscriber_id=first.contract.subscriber_id,
            number="T-990001",
            signed_on=date(2025, 2, 1),
        )
        db.session.add(contract)
        db.session.flush()
        second = Account(tenant="athome", contract_id=contract.id, number="990001")
        db.session.add(second)
        db.session.commit()
        second_id = second.id
    page = text(client.get("/"))
    links = top_up_links(page)
    assert links == [f"/payments?account={facts['account']}", "/payments?account=990001"]
    assert "way-out" not in page  # an active account needs no way out

    pay = text(client.get(links[1]))
    assert "Top up your account" in pay
    assert re.search(rf'<option selected value="{second_id}">', pay), "the asked account is chosen"
    # A number that is not one of the subscriber's own is ignored, never an error.
    other = client.get("/payments?account=123456789")
    assert other.status_code == 200
    assert re.search(rf'<option selected value="{facts["account_id"]}">', text(other))


def test_blocked_account_offers_the_promised_payment_and_the_pay_button(app, cabinet):
    r = rule(app, "athome")
    client, facts = cabinet("athome", -r.max_debt, status="blocked")
    page = text(client.get("/"))
    told = way_out(page)
    assert "Access is suspended because of the debt." in told
    assert "Or take a promised payment of" in told and f"for {r.days} days" in told
    assert top_up_links(page) == [f"/payments?account={facts['account']}"]
    promised_link = r'<a class="button" href="/promised-payment"[^>]*>Take a promised payment<'
    assert re.search(promised_link, page)
    # The page it leads to offers that very account.
    assert f'data-account="{facts["account"]}"' in text(client.get("/promised-payment"))


def test_blocked_account_says_why_no_promised_payment(app, cabinet):
    r = rule(app, "athome")
    client, facts = cabinet("athome", -(r.max_debt + 100), status="blocked")
    page = text(client.get("/"))
    told = way_out(page)
    assert 'data-reason="debt_too_big"' in told
    assert "is too big: a promised payment is possible for a debt of at most" in told
    assert ">Take a promised payment<" not in page
    assert top_up_links(page) == [f"/payments?account={facts['account']}"]


def test_blocked_account_where_the_isp_has_no_promised_payment(app, cabinet):
    assert rule(app, "netbynet") is None
    client, facts = cabinet("netbynet", -30000, status="blocked")
    page = text(client.get("/"))
    assert "Access is suspended because of the debt." in way_out(page)
    assert "promised" not in way_out(page).lower()
    assert top_up_links(page) == [f"/payments?account={facts['account']}"]


def quick_options(page: str) -> dict[str, str]:
    """The dashboard's options at a glance: code -> 'on' / 'off', as the classes mark them."""
    found = re.findall(
        r'class="quick-option quick-option-(on|off|order)" data-option="([^"]+)"', page
    )
    return {code: state for state, code in found}


def switched_on(app, account_id: int, code: str, ends_at=None, status="active"):
    from app.options.models import Activation
    from app.persistence import utcnow

    with app.app_context():
        tenant = app.extensions["tenancy"].tenants["athome"]
        option = next(o for o in tenant.config.catalogue.options if o.code == code)
        db.session.add(
            Activation(
                tenant="athome",
                account_id=account_id,
                code=code,
                kind=option.kind,
                status=status,
                starts_at=utcnow(),
                ends_at=ends_at,
            )
        )
        db.session.commit()


def test_dashboard_shows_each_option_on_or_off_and_leads_to_its_page(app, cabinet):
    from datetime import timedelta

    from app.options.service import catalogue
    from app.persistence import utcnow

    client, facts = cabinet("athome", 50000)
    with app.app_context():
        codes = [o.code for o in catalogue(app.extensions["tenancy"].tenants["athome"])]
    assert quick_options(text(client.get("/"))) == dict.fromkeys(codes, "off")

    switched_on(app, facts["account_id"], "antivirus")
    # A boost whose end has passed is off, though the options run has not ended it yet;
    # a request still waiting for staff is not on either.
    switched_on(app, facts["account_id"], "turbo", ends_at=utcnow() - timedelta(minutes=1))
    switched_on(app, facts["account_id"], "otpusk", status="requested")
    page = text(client.get("/"))
    states = quick_options(page)
    assert states["antivirus"] == "on"
    assert states["turbo"] == "off" and states["otpusk"] == "off"
    assert '<a href="/my-services/antivirus">' in page
    on = re.search(r'data-option="antivirus">(.*?)</li>', page).group(1)
    assert '<span class="quick-option-state">On</span>' in on
    assert client.get("/my-services/antivirus").status_code == 200


def test_another_subscribers_option_is_not_on_here(app, cabinet):
    first, facts = cabinet("athome", 50000)
    second, _ = cabinet("athome", 50000, logins={"login": "petrov_spb"})
    switched_on(app, facts["account_id"], "antivirus")
    assert quick_options(text(first.get("/")))["antivirus"] == "on"
    assert quick_options(text(second.get("/")))["antivirus"] == "off"


def test_an_order_is_offered_without_an_on_or_off(make_subscriber, tenant_client):
    from .options_steps import cabinet as options_cabinet

    browser, _ = options_cabinet(make_subscriber, tenant_client, "iphome")
    page = text(browser.get("/"))
    states = quick_options(page)
    assert states["equipment"] == "order" and states["freeze"] == "off"
    ordered = re.search(r'data-option="equipment">(.*?)</li>', page).group(1)
    assert "quick-option-state" not in ordered
