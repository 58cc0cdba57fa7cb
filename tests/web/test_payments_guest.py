"""Paying without logging in: what each ISP finds the account by, and limits on looking it up."""

import re
import shutil

import pytest
import sqlalchemy as sa

from app.core.subscribers import Account
from app.extensions import db
from app.payments.models import Payment
from tests.conftest import ROOT, Client
from tests.web.test_payments_support import balance_of, pay_with_card, result_after

PHONE = "+79135551234"
TOO_MANY = re.compile(r"Too many attempts\. Please try again in (\d+) min\.")


# Every page of this module is read in English, whatever the tenant's default.
PAGE_LANG = "en"


def label_of(html: str, field_id: str) -> str:
    return re.search(rf'<label[^>]*for="{field_id}"[^>]*>([^<]*)<', html).group(1)


def payments(app) -> list[Payment]:
    with app.app_context():
        return list(db.session.scalars(sa.select(Payment)))


def renumber(app, account_id: int, number: str) -> None:
    with app.app_context():
        db.session.get(Account, account_id).number = number
        db.session.commit()


def test_athome_pays_from_home_by_contract_number_and_card(app, tenant_client, make_subscriber):
    subscriber = make_subscriber(tenant="athome", surname="Петрова", first_name="Анна", phone=PHONE)
    guest = tenant_client("athome.localhost")
    assert 'href="/payments/guest"' in guest.get("/login").get_data(as_text=True)
    page = guest.get("/payments/guest").get_data(as_text=True)
    assert label_of(page, "target") == "Contract number"
    assert 'value="card"' in page and 'value="wallet"' not in page and 'value="mobile"' not in page
    data = {"method": "card", "amount": "450"}
    by_phone = guest.form(
        "/payments/guest", {**data, "target": PHONE}
    )  # At Home finds by contract only
    assert "No account was found by this number" in by_phone.get_data(as_text=True)
    by_wallet = guest.form(
        "/payments/guest", {**data, "method": "wallet", "target": subscriber["contract"]}
    )
    assert re.search(r'id="method-error">Choose how to pay\.<', by_wallet.get_data(as_text=True))
    response = guest.form("/payments/guest", {**data, "target": subscriber["contract"].lower()})
    assert response.headers["Location"] == "/payments/guest/confirm"
    assert 'data-testid="holder">А. П.<' in guest.get("/payments/guest/confirm").get_data(
        as_text=True
    )
    card_page = guest.form("/payments/guest/confirm", {}).headers["Location"]
    assert result_after(guest, pay_with_card(guest, card_page)) == "Result: credited."
    assert balance_of(app, subscriber["account_id"]) == 45000


@pytest.mark.parametrize("typed", ["701458321", " 701 458 321 "])
def test_tomtel_finds_the_nine_digit_account_number_of_its_login(
    app, tenant_client, make_subscriber, typed
):
    subscriber = make_subscriber(tenant="tomtel", surname="Петров", first_name="Иван")
    renumber(app, subscriber["account_id"], "701458321")
    guest = tenant_client("tomtel.localhost")
    page = guest.get("/payments/guest").get_data(as_text=True)
    assert label_of(page, "target") == "Account, contract or phone number"
    data = {"target": typed, "method": "card", "amount": "500"}
    response = guest.form("/payments/guest", data)
    assert response.headers["Location"] == "/payments/guest/confirm"
    page = guest.get("/payments/guest/confirm").get_data(as_text=True)
    assert 'data-testid="holder">И. П.<' in page
    assert 'data-testid="masked-account">70••••321<' in page


def test_tomtel_guest_may_pay_without_an_e_mail_and_gets_no_receipt(
    app, tenant_client, make_subscriber, mailbox
):
    subscriber = make_subscriber(tenant="tomtel", surname="Петров", first_name="Иван")
    guest = tenant_client("tomtel.localhost")
    page = guest.get("/payments/guest").get_data(as_text=True)
    assert label_of(page, "email") == "E-mail for the receipt (optional)"
    data = {"target": subscriber["contract"], "method": "card", "amount": "500", "email": ""}
    assert guest.form("/payments/guest", data).headers["Location"] == "/payments/guest/confirm"
    assert "Receipt to" not in guest.get("/payments/guest/confirm").get_data(as_text=True)
    card_page = guest.form("/payments/guest/confirm", {}).headers["Location"]
    assert result_after(guest, pay_with_card(guest, card_page)) == "Result: credited."
    assert balance_of(app, subscriber["account_id"]) == 50000
    (payment,) = payments(app)
    assert payment.payer_email is None
    assert mailbox.messages == []


def look_up(client, target: str = "000000000000", **extra):
    data = {"target": target, "method": "card", "amount": "500", **extra}
    return client.form("/payments/guest", data)


def from_address(tenant_client, address: str, host: str = "tomtel.localhost"):
    client = tenant_client(host)
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_payee_look_ups_are_limited_per_address(tenant_client, make_subscriber):
    subscriber = make_subscriber(tenant="tomtel")
    prober = from_address(tenant_client, "203.0.113.7")
    for _ in range(5):  # a form with a mistake looks nobody up and is not counted
        assert look_up(prober, amount="").status_code == 200
    for n in range(20):  # the default: 20 look-ups per 10 minutes from one address
        assert look_up(prober, f"70000{n:04d}").status_code == 200
    refused = look_up(prober, subscriber["contract"])
    assert refused.status_code == 429
    page = refused.get_data(as_text=True)
    assert TOO_MANY.search(page).group(1) == "10"
    assert subscriber["contract"] not in page and "/payments/guest/confirm" not in page
    neighbour = from_address(tenant_client, "203.0.113.8")
    assert (
        look_up(neighbour, subscriber["contract"]).headers["Location"] == "/payments/guest/confirm"
    )


def test_payee_look_up_limits_come_from_the_tenant_yaml(app, tmp_path, make_app, make_subscriber):
    root = tmp_path / "tenants"
    shutil.copytree(ROOT / "tenants" / "tomtel", root / "tomtel")
    path = root / "tomtel" / "tenant.yaml"
    text = path.read_text(encoding="utf-8")
    limits = '  lookup_limits: {address: "2 per hour", tenant: "3 per hour"}\n'
    path.write_text(text.replace("  without_login: true\n", f"  without_login: true\n{limits}"))
    strict = make_app(PORTAL_TENANTS_DIR=str(root))
    strict.test_client_class = Client
    subscriber = make_subscriber(tenant="tomtel")

    def client(address: str) -> Client:
        c = strict.test_client()
        c.host = "tomtel.localhost"
        c.set_cookie("lang", "en", domain=c.host)
        c.environ_base["REMOTE_ADDR"] = address
        return c

    first = client("198.51.100.1")
    assert look_up(first).status_code == 200
    assert look_up(first).status_code == 200
    assert look_up(first).status_code == 429  # two an hour from one address
    assert look_up(client("198.51.100.2")).status_code == 200  # the tenant's third
    refused = look_up(client("198.51.100.3"), subscriber["contract"])
    assert refused.status_code == 429  # three an hour for the whole tenant
    assert TOO_MANY.search(refused.get_data(as_text=True)).group(1) == "60"


def test_topping_up_another_account_is_limited_too(app, tenant_client, make_subscriber):
    make_subscriber(tenant="iphome", password="Sunny-Garden-77", logins={"login": "eg-1"})
    client = tenant_client("iphome.localhost")
    client.login("eg-1", "Sunny-Garden-77", region="msk")
    data = {"target": "999999", "method": "card", "amount": "300"}
    for _ in range(20):
        assert client.form("/payments/other", data).status_code == 200
    assert client.form("/payments/other", data).status_code == 429


@pytest.mark.parametrize(
    ("host", "lang", "title"),
    [
        ("athome.localhost", "ru", "Оплатить из дома"),
        ("athome.localhost", "en", "Pay from home"),
        ("tomtel.localhost", "en", "Pay without logging in"),
    ],
)
def test_the_isp_names_paying_without_login_its_own_way(tenant_client, host, lang, title):
    client = tenant_client(host)
    client.set_cookie("lang", lang, domain=host)
    login_page = client.get("/login").get_data(as_text=True)
    assert re.search(rf'<a href="/payments/guest">{title}</a>', login_page)
    page = client.get("/payments/guest").get_data(as_text=True)
    assert re.search(rf'<h1 id="find-title">{title}</h1>', page)
