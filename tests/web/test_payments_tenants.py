"""What differs between ISPs: consent, paying without logging in, paying for others, mobile."""

import re

import sqlalchemy as sa

from app.extensions import db
from app.payments.models import Payment
from tests.web.test_payments_support import balance_of, pay_with_card, result_after

PASSWORD = "Sunny-Garden-77"
PHONE = "+79135551234"


# Every page of this module is read in English, whatever the tenant's default.
PAGE_LANG = "en"


def payments_count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Payment))


def test_novotelecom_asks_to_agree_with_the_terms(app, tenant_client, make_subscriber):
    make_subscriber(tenant="novotelecom", password=PASSWORD, logins={"contract": "540000001"})
    client = tenant_client("novotelecom.localhost")
    client.login("540000001", PASSWORD)
    page = client.get("/payments").get_data(as_text=True)
    assert "card details are never passed to Electronic City" in page  # the terms, from YAML
    assert 'aria-describedby="payment-terms"' in page
    response = client.form("/payments", {"method": "card", "amount": "500"})
    assert response.status_code == 200
    assert "Please tick «I agree with the terms» to pay." in response.get_data(as_text=True)
    assert payments_count(app) == 0
    response = client.form("/payments", {"method": "card", "amount": "500", "consent": "y"})
    assert response.headers["Location"].startswith("/sandbox/pay/")


def test_athome_does_not_ask_for_consent(tenant_client, make_subscriber):
    make_subscriber(tenant="athome", password=PASSWORD, logins={"login": "petrov"})
    client = tenant_client("athome.localhost")
    client.login("petrov", PASSWORD)
    assert 'name="consent"' not in client.get("/payments").get_data(as_text=True)


def tomtel_subscriber(make_subscriber, balance: int = 0) -> dict:
    return make_subscriber(
        tenant="tomtel",
        surname="Петров",
        first_name="Иван",
        phone=PHONE,
        balance=balance,
        logins={"phone": PHONE},
    )


def test_tomtel_pay_without_login_with_masked_holder_and_receipt(
    app, tenant_client, make_subscriber, mailbox
):
    subscriber = tomtel_subscriber(make_subscriber)
    guest = tenant_client("tomtel.localhost")
    login_page = guest.get("/login").get_data(as_text=True)
    assert 'href="/payments/guest"' in login_page
    data = {"target": "8 (913) 555-12-34", "method": "card", "amount": "500"}
    response = guest.form("/payments/guest", {**data, "email": "payer@example.ru"})
    assert response.headers["Location"] == "/payments/guest/confirm"
    page = guest.get("/payments/guest/confirm").get_data(as_text=True)
    assert 'data-testid="holder">И. П.<' in page
    masked = re.search(r'data-testid="masked-account">([^<]+)<', page).group(1)
    assert masked.endswith(subscriber["account"][-3:]) and subscriber["account"] not in page
    assert "Петров" not in page and "Иван" not in page
    response = guest.form("/payments/guest/confirm", {})
    assert response.headers["Location"].startswith("/sandbox/pay/")
    line = result_after(guest, pay_with_card(guest, response.headers["Location"]))
    assert line == "Result: credited."  # a guest is not shown the holder's balance
    assert balance_of(app, subscriber["account_id"]) == 50000
    receipt = mailbox.last_text("payer@example.ru")
    with app.app_context():
        reference = db.session.scalar(sa.select(Payment.reference))
    assert "Tomtel" in receipt and "500.00" in receipt and reference in receipt
    assert subscriber["account"] not in receipt
    # Another browser cannot see the result of this guest payment.
    assert tenant_client("tomtel.localhost").get(f"/payments/result/{reference}").status_code == 404


def test_tomtel_guest_finds_by_contract_and_is_told_of_unknown_numbers(
    app, tenant_client, make_subscriber
):
    subscriber = tomtel_subscriber(make_subscriber)
    guest = tenant_client("tomtel.localhost")
    data = {"method": "card", "amount": "500", "email": "payer@example.ru"}
    response = guest.form("/payments/guest", {**data, "target": "000000000000"})
    assert response.status_code == 200
    assert "No account was found by this number" in response.get_data(as_text=True)
    response = guest.form("/payments/guest", {**data, "target": subscriber["contract"].lower()})
    assert response.headers["Location"] == "/payments/guest/confirm"
    response = guest.form(
        "/payments/guest", {**data, "target": subscriber["contract"], "email": "no-at"}
    )
    assert 'id="email-error"' in response.get_data(as_text=True)  # given, it must be an e-mail
    assert payments_count(app) == 0


def test_guest_payment_only_where_the_isp_allows_it(tenant_client):
    netbynet = tenant_client("spb.netbynet.localhost")  # card payment for registered users only
    assert netbynet.get("/payments/guest").status_code == 404
    assert 'href="/payments/guest"' not in netbynet.get("/login").get_data(as_text=True)


def test_iphome_tops_up_another_subscribers_account(app, tenant_client, make_subscriber):
    make_subscriber(tenant="iphome", password=PASSWORD, logins={"login": "eg-1"})
    other = make_subscriber(
        tenant="iphome", surname="Сидорова", first_name="Анна", logins={"login": "eg-2"}
    )
    client = tenant_client("iphome.localhost")
    client.login("eg-1", PASSWORD, region="msk")
    assert 'href="/payments/other"' in client.get("/payments").get_data(as_text=True)
    data = {"target": other["account"], "method": "card", "amount": "300"}
    response = client.form("/payments/other", data)
    assert response.headers["Location"] == "/payments/other/confirm"
    page = client.get("/payments/other/confirm").get_data(as_text=True)
    assert 'data-testid="holder">А. С.<' in page and "Сидорова" not in page
    response = client.form("/payments/other/confirm", {})
    line = result_after(client, pay_with_card(client, response.headers["Location"]))
    assert line == "Result: credited."
    assert balance_of(app, other["account_id"]) == 30000
    with app.app_context():
        payment = db.session.scalar(sa.select(Payment))
        assert payment.kind == "other" and payment.payer_subscriber_id is not None


def test_paying_for_others_only_where_the_isp_allows_it(tenant_client, make_subscriber):
    make_subscriber(tenant="athome", password=PASSWORD, logins={"login": "petrov"})
    client = tenant_client("athome.localhost")
    client.login("petrov", PASSWORD)
    assert client.get("/payments/other").status_code == 404


def test_mobile_balance_payment_with_the_operators_sms_code(
    app, tenant_client, make_subscriber, sms
):
    subscriber = make_subscriber(tenant="athome", password=PASSWORD, logins={"login": "petrov"})
    client = tenant_client("athome.localhost")
    client.login("petrov", PASSWORD)
    response = client.form("/payments", {"method": "mobile", "amount": "250"})
    bank_page = response.headers["Location"]
    response = client.get(bank_page)
    phone_page = response.headers["Location"]
    assert phone_page.endswith("/phone")
    response = client.form(phone_page, {"phone": "not a phone"})
    assert "Enter a mobile number" in response.get_data(as_text=True)
    response = client.form(phone_page, {"phone": "8 913 555 12 34"})
    code_page = response.headers["Location"]
    (text,) = sms(PHONE)
    assert "Sandbox operator" in text and "250.00" in text
    code = re.search(r"\b(\d{6})\b", text).group(1)
    wrong = "000000" if code != "000000" else "111111"
    response = client.form(code_page, {"code": wrong})
    assert "The code is wrong" in response.get_data(as_text=True)
    assert balance_of(app, subscriber["account_id"]) == 0
    line = result_after(client, client.form(code_page, {"code": code}))
    assert line.startswith("Result: credited.")
    assert balance_of(app, subscriber["account_id"]) == 25000


def test_mobile_payment_fails_after_three_wrong_codes(app, tenant_client, make_subscriber, sms):
    subscriber = make_subscriber(tenant="athome", password=PASSWORD, logins={"login": "petrov"})
    client = tenant_client("athome.localhost")
    client.login("petrov", PASSWORD)
    bank_page = client.form("/payments", {"method": "mobile", "amount": "250"}).headers["Location"]
    code_page = client.form(f"{bank_page}/phone", {"phone": PHONE}).headers["Location"]
    code = re.search(r"\b(\d{6})\b", sms(PHONE)[0]).group(1)
    wrong = "000000" if code != "000000" else "111111"
    client.form(code_page, {"code": wrong})
    client.form(code_page, {"code": wrong})
    line = result_after(client, client.form(code_page, {"code": wrong}))
    assert "not confirmed with the code from the SMS" in line
    assert balance_of(app, subscriber["account_id"]) == 0


def test_wallet_payment_is_confirmed_on_the_bank_page(app, tenant_client, make_subscriber):
    subscriber = make_subscriber(tenant="athome", password=PASSWORD, logins={"login": "petrov"})
    client = tenant_client("athome.localhost")
    client.login("petrov", PASSWORD)
    data = {"method": "wallet", "wallet-choice": "webmoney", "amount": "120.50"}
    bank_page = client.form("/payments", data).headers["Location"]
    assert "Pay with WebMoney" in client.get(bank_page).get_data(as_text=True)
    line = result_after(client, client.form(bank_page, {}))
    assert line.startswith("Result: credited.")
    assert balance_of(app, subscriber["account_id"]) == 12050
