"""How the pay pages name the ways to pay: brands in the page's language, wallets and banks."""

import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.payments.models import Payment
from app.sandbox.models import SandboxOperation
from tests.web.test_payments_support import balance_of, result_line

PASSWORD = "Sunny-Garden-77"


def page_text(html: str) -> str:
    """What a reader sees: the page without tags, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def logged_in(tenant_client, make_subscriber, tenant: str, lang: str, **login):
    make_subscriber(tenant=tenant, password=PASSWORD, logins={"login": "petrov"})
    client = tenant_client(f"{tenant}.localhost")
    client.set_cookie("lang", lang, domain=f"{tenant}.localhost")
    assert client.login("petrov", PASSWORD, **login).status_code == 302
    return client


@pytest.mark.parametrize("lang", ["en", "hi"])
def test_brands_are_written_in_the_pages_language(tenant_client, make_subscriber, lang):
    client = logged_in(tenant_client, make_subscriber, "athome", lang)
    text = page_text(client.get("/payments").get_data(as_text=True))
    assert "(Mir, Visa, Visa Electron, MasterCard, Maestro)" in text
    assert "(MTS, Beeline, MegaFon, Tele2)" in text
    assert "Mir, Visa, MasterCard" in text  # autopay, among the other ways to pay
    for russian in ("МИР", "МТС", "Билайн", "МегаФон"):
        assert russian not in text


def test_brands_stay_russian_on_the_russian_page(tenant_client, make_subscriber):
    client = logged_in(tenant_client, make_subscriber, "athome", "ru")
    text = page_text(client.get("/payments").get_data(as_text=True))
    assert "(МИР, Visa, Visa Electron, MasterCard, Maestro)" in text
    assert "(МТС, Билайн, МегаФон, Tele2)" in text


def test_other_ways_to_pay_name_shops_in_english(tenant_client, make_subscriber):
    make_subscriber(tenant="tomtel", password=PASSWORD, logins={"account": "701000001"})
    client = tenant_client("tomtel.localhost")
    client.set_cookie("lang", "en", domain="tomtel.localhost")
    client.login("701000001", PASSWORD)
    text = page_text(client.get("/payments").get_data(as_text=True))
    assert "Dom.ru, Svyaznoy, MegaFon, Beeline" in text
    assert "(VISA, MasterCard, Mir)" in text
    assert "Связной" not in text and "Мир" not in text


def payments(app) -> list:
    with app.app_context():
        return list(db.session.scalars(sa.select(Payment)))


def field_error(html: str, field_id: str) -> str:
    match = re.search(rf'id="{field_id}-error">([^<]*)<', html)
    assert match, f"no error under {field_id}"
    return match.group(1)


def tomtel_client(tenant_client, make_subscriber, lang: str = "en"):
    subscriber = make_subscriber(
        tenant="tomtel", password=PASSWORD, logins={"account": "701000002"}
    )
    client = tenant_client("tomtel.localhost")
    client.set_cookie("lang", lang, domain="tomtel.localhost")
    assert client.login("701000002", PASSWORD).status_code == 302
    return client, subscriber


def test_the_payer_picks_the_wallet_from_the_isps_list(tenant_client, make_subscriber):
    client, _ = tomtel_client(tenant_client, make_subscriber)
    html = client.get("/payments").get_data(as_text=True)
    group = html[html.index('<legend class="field-label">Wallet</legend>') :]
    assert 'name="wallet-choice" type="radio" value="yoomoney"' in group
    assert 'name="wallet-choice" type="radio" value="qiwi"' in group
    assert ">QIWI Wallet</label>" in group and ">YooMoney (Yandex.Money)</label>" in group
    assert "webmoney" not in html  # not on Томтел's list


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("en", "Choose one of the wallets listed."),
        ("ru", "Выберите один из указанных кошельков."),
        ("hi", "सूची में से कोई एक वॉलेट चुनें।"),
    ],
)
@pytest.mark.parametrize("picked", [None, "webmoney", "x" * 300])
def test_a_wallet_not_on_the_list_is_a_form_error(
    app, tenant_client, make_subscriber, lang, message, picked
):
    client, _ = tomtel_client(tenant_client, make_subscriber, lang)
    data = {"method": "wallet", "amount": "300"}
    if picked:
        data["wallet-choice"] = picked
    response = client.form("/payments", data)
    assert response.status_code == 200
    assert field_error(response.get_data(as_text=True), "wallet-choice") == message
    assert payments(app) == []


def test_a_card_payment_needs_no_wallet(app, tenant_client, make_subscriber):
    client, _ = tomtel_client(tenant_client, make_subscriber)
    response = client.form("/payments", {"method": "card", "amount": "300", "wallet-choice": "zz"})
    assert response.status_code == 302
    (payment,) = payments(app)
    assert payment.method == "card" and payment.method_choice is None


def test_the_bank_shows_the_picked_wallets_page_and_the_result_names_it(
    app, tenant_client, make_subscriber
):
    client, subscriber = tomtel_client(tenant_client, make_subscriber)
    data = {"method": "wallet", "wallet-choice": "qiwi", "amount": "300"}
    bank_page = client.form("/payments", data).headers["Location"]
    page = client.get(bank_page).get_data(as_text=True)
    text = page_text(page)
    assert 'data-service="qiwi"' in page and "--service-bg: #ff8c00" in page
    assert "Pay with QIWI Wallet" in text
    assert "Log in to QIWI Wallet and confirm the payment of ₽300.00 to Tomtel" in text
    with app.app_context():
        assert db.session.scalar(sa.select(SandboxOperation.choice)) == "qiwi"  # the order says
    response = client.form(bank_page, {})
    result = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-testid="method">E-wallets: QIWI Wallet<' in result
    assert "Result: credited." in page_text(result)
    (payment,) = payments(app)
    assert payment.method_choice == "qiwi"
    assert balance_of(app, subscriber["account_id"]) == 30000


def test_a_wallet_that_declines_is_named_on_the_result(app, tenant_client, make_subscriber):
    client, subscriber = tomtel_client(tenant_client, make_subscriber)
    data = {"method": "wallet", "wallet-choice": "yoomoney", "amount": "300"}
    bank_page = client.form("/payments", data).headers["Location"]
    response = client.form(f"{bank_page}/decline", {}, page=bank_page)
    result = client.get(response.headers["Location"]).get_data(as_text=True)
    assert result_line(result) == (
        "Result: not paid. YooMoney (Yandex.Money) declined the payment."
    )
    assert balance_of(app, subscriber["account_id"]) == 0


def test_online_banking_asks_which_bank_and_opens_its_page(app, tenant_client, make_subscriber):
    make_subscriber(tenant="novotelecom", password=PASSWORD, logins={"contract": "540000009"})
    client = tenant_client("novotelecom.localhost")
    client.set_cookie("lang", "en", domain="novotelecom.localhost")
    client.login("540000009", PASSWORD)
    html = client.get("/payments").get_data(as_text=True)
    assert '<legend class="field-label">Bank</legend>' in html
    data = {"method": "internet-bank", "amount": "300", "consent": "y"}
    refused = client.form("/payments", data)
    assert field_error(refused.get_data(as_text=True), "internet-bank-choice") == (
        "Choose one of the banks listed."
    )
    bank_page = client.form("/payments", {**data, "internet-bank-choice": "tbank"}).headers[
        "Location"
    ]
    text = page_text(client.get(bank_page).get_data(as_text=True))
    assert "Pay with T-Bank" in text and "Log in to T-Bank and confirm the payment" in text


def test_a_method_with_one_bank_needs_no_pick(app, tenant_client, make_subscriber):
    make_subscriber(tenant="netbynet", password=PASSWORD, logins={"contract": "780000001"})
    client = tenant_client("spb.netbynet.localhost")
    client.set_cookie("lang", "en", domain="spb.netbynet.localhost")
    client.login("780000001", PASSWORD)
    assert "sberbank-online-choice" not in client.get("/payments").get_data(as_text=True)
    bank_page = client.form("/payments", {"method": "sberbank-online", "amount": "300"}).headers[
        "Location"
    ]
    page = client.get(bank_page).get_data(as_text=True)
    assert 'data-service="sberbank"' in page and "Pay with Sberbank Online" in page_text(page)
    (payment,) = payments(app)
    assert payment.method_choice == "sberbank"


def test_a_guest_picks_the_wallet_and_sees_it_before_paying(app, tenant_client, make_subscriber):
    make_subscriber(tenant="tomtel", surname="Петров", first_name="Иван", logins={})
    guest = tenant_client("tomtel.localhost")
    guest.set_cookie("lang", "en", domain="tomtel.localhost")
    data = {"target": "T-1", "method": "wallet", "amount": "500", "email": "p@example.ru"}
    refused = guest.form("/payments/guest", {**data, "wallet-choice": "webmoney"})
    assert field_error(refused.get_data(as_text=True), "wallet-choice") == (
        "Choose one of the wallets listed."
    )
    assert guest.form("/payments/guest", {**data, "wallet-choice": "qiwi"}).headers["Location"] == (
        "/payments/guest/confirm"
    )
    page = guest.get("/payments/guest/confirm").get_data(as_text=True)
    assert 'data-testid="method">E-wallets: QIWI Wallet<' in page
    bank_page = guest.form("/payments/guest/confirm", {}).headers["Location"]
    assert 'data-service="qiwi"' in guest.get(bank_page).get_data(as_text=True)
    (payment,) = payments(app)
    assert (payment.kind, payment.method_choice) == ("guest", "qiwi")
