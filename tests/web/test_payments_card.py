"""Paying by card through the sandbox bank: card page, 3-D Secure, the «Result» line."""

import re

import pytest

from app.core.ledger import balance_mismatches
from app.extensions import db
from tests.web.test_payments_support import (
    OK_CARD,
    balance_of,
    input_value,
    pay_with_card,
    result_line,
)

PASSWORD = "Sunny-Garden-77"


# Every page of this module is read in English, whatever the tenant's default.
PAGE_LANG = "en"


def start_card_payment(client, amount: str = "500", **extra):
    """Submit the pay form; returns the sandbox card page path."""
    response = client.form("/payments", {"method": "card", "amount": amount, **extra})
    assert response.status_code == 302, response.get_data(as_text=True)
    location = response.headers["Location"]
    assert location.startswith("/sandbox/pay/sbx_pay_")
    return location


@pytest.fixture
def subscriber(make_subscriber):
    return make_subscriber(
        tenant="athome", password=PASSWORD, logins={"login": "petrov"}, email="p@example.ru"
    )


@pytest.fixture
def client(tenant_client, subscriber):
    c = tenant_client("athome.localhost")
    assert c.login("petrov", PASSWORD).status_code == 302
    return c


def test_card_payment_credits_after_3ds(app, client, subscriber, mailbox):
    form = client.get("/payments").get_data(as_text=True)
    assert input_value(form, "email") == "p@example.ru"  # offered for the receipt
    card_page = start_card_payment(client, "500", email="p@example.ru")
    page = client.get(card_page).get_data(as_text=True)
    assert "Sandbox bank" in page and "4111 1111 1111 1111" in page
    assert "2200 0000 0000 0004" in page
    response = pay_with_card(client, card_page)
    assert "/payments/result/" in response.headers["Location"]
    result = client.get(response.headers["Location"]).get_data(as_text=True)
    line = result_line(result)
    assert line.startswith("Result: credited.")
    assert "500.00" in line  # «Your balance is now 500,00 ₽»
    assert balance_of(app, subscriber["account_id"]) == 50000
    with app.app_context():
        assert balance_mismatches() == []
    dashboard = client.get("/").get_data(as_text=True)
    assert "500.00" in dashboard
    receipt = mailbox.last_text("p@example.ru")
    assert "At Home" in receipt and "500.00" in receipt


@pytest.mark.parametrize(
    ("number", "words"),
    [
        ("4000 0000 0000 9995", "not enough money on the card"),
        ("4000 0000 0000 0127", "card details were entered incorrectly"),
        ("4000 0000 0000 0002", "not allowed for internet payments"),
        ("4000 0000 0000 3063", "3-D Secure is not enabled"),
    ],
)
def test_declines_are_told_in_plain_words(app, client, subscriber, number, words):
    response = pay_with_card(client, start_card_payment(client), number)
    line = result_line(client.get(response.headers["Location"]).get_data(as_text=True))
    assert line.startswith("Result: not paid.")
    assert words in line
    assert balance_of(app, subscriber["account_id"]) == 0


def test_wrong_one_time_password_fails_3ds(app, client, subscriber):
    response = pay_with_card(client, start_card_payment(client), code="000000x")
    line = result_line(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "3-D Secure failed" in line
    assert balance_of(app, subscriber["account_id"]) == 0


def test_browser_return_without_notification_credits_nothing(app, client, subscriber):
    card_page = start_card_payment(client)
    with app.app_context():
        from app.payments.models import Payment

        reference = db.session.scalar(db.select(Payment.reference))
    for path in (
        f"/payments/result/{reference}",
        f"/payments/result/{reference}?status=succeeded&amount=50000",
    ):
        page = client.get(path).get_data(as_text=True)
        assert result_line(page).startswith("Result: waiting for the bank")
        assert "Refresh" in page
    assert balance_of(app, subscriber["account_id"]) == 0
    assert client.get(card_page).status_code == 200  # the payer may still pay


def test_cancelling_on_the_bank_page(app, client, subscriber):
    card_page = start_card_payment(client)
    response = client.form(f"{card_page}/cancel", {}, page=card_page)
    line = result_line(client.get(response.headers["Location"]).get_data(as_text=True))
    assert "cancelled" in line
    assert balance_of(app, subscriber["account_id"]) == 0


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"number": "4111 1111 1111 1112"}, "not a valid card number"),
        ({"expiry": "01/20"}, "This card has expired"),
        ({"expiry": "13/30"}, "Enter the month and year"),
        ({"cvc": "12"}, "The CVC is 3 digits"),
    ],
)
def test_card_form_checks_the_card_data(client, fields, message):
    card_page = start_card_payment(client)
    data = {"number": OK_CARD, "expiry": "12/39", "cvc": "123", **fields}
    response = client.form(card_page, data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("5", "Enter an amount from ₽10.00"),
        ("30000.01", "Enter an amount from ₽10.00"),
        ("пятьсот", "Enter the amount in roubles"),
        ("10.555", "Enter the amount in roubles"),
        ("", 'id="amount-error"'),
    ],
)
def test_amount_outside_limits_is_refused(app, client, amount, message):
    response = client.form("/payments", {"method": "card", "amount": amount})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page
    assert 'aria-describedby="amount-hint amount-error"' in page
    assert f'value="{amount}"' in page  # nothing the payer typed is lost
    with app.app_context():
        from app.payments.models import Payment

        assert db.session.scalar(db.select(db.func.count()).select_from(Payment)) == 0


def suggestion_line(page: str) -> str:
    match = re.search(r'data-testid="suggestion">([^<]*)<', page)
    assert match, "no suggestion on the pay page"
    return match.group(1)


def test_suggested_amount_clears_debt_and_pays_next_month(make_subscriber, tenant_client):
    make_subscriber(tenant="athome", password=PASSWORD, logins={"login": "debtor"}, balance=-12000)
    c = tenant_client("athome.localhost")
    c.login("debtor", PASSWORD)
    page = c.get("/payments").get_data(as_text=True)
    # «Прогулка» costs 450 ₽ a month; a debt of 120 ₽ makes 570 ₽.
    assert input_value(page, "amount") == "570"
    assert suggestion_line(page).endswith(
        "Suggested amount ₽570.00: it clears the debt and pays for the next month."
    )
    assert "Other ways to pay" in page and "Eleksnet" in page


@pytest.mark.parametrize(
    ("balance", "amount", "line"),
    [
        (
            82050,
            "450",
            "balance ₽820.50, which already pays for the next month. "
            "Suggested amount ₽450.00: the monthly fee, to pay a month ahead.",
        ),
        (0, "450", "balance ₽0.00. Suggested amount ₽450.00: this is what the next month costs."),
        (
            20000,
            "250",
            "balance ₽200.00. Suggested amount ₽250.00: together with the balance it pays for "
            "the next month.",
        ),
    ],
)
def test_without_debt_the_suggestion_says_what_it_pays_for(
    make_subscriber, tenant_client, balance, amount, line
):
    account = make_subscriber(
        tenant="athome", password=PASSWORD, logins={"login": "saver"}, balance=balance
    )["account"]
    c = tenant_client("athome.localhost")
    c.login("saver", PASSWORD)
    page = c.get("/payments").get_data(as_text=True)
    assert input_value(page, "amount") == amount
    assert suggestion_line(page) == f"Account {account}: {line}"
    assert "debt" not in suggestion_line(page)


@pytest.mark.parametrize(
    ("balance", "line"),
    [
        (
            82050,
            "баланс 820,50 ₽ — следующий месяц уже оплачен. Рекомендуемая сумма — 450,00 ₽: "
            "абонентская плата, чтобы оплатить ещё один месяц вперёд.",
        ),
        (0, "баланс 0,00 ₽. Рекомендуем 450,00 ₽ — столько стоит следующий месяц."),
    ],
)
def test_the_suggestion_is_told_in_russian_too(make_subscriber, tenant_client, balance, line):
    account = make_subscriber(
        tenant="athome", password=PASSWORD, logins={"login": "saver"}, balance=balance
    )["account"]
    c = tenant_client("athome.localhost")
    c.set_cookie("lang", "ru", domain="athome.localhost")
    c.login("saver", PASSWORD)
    shown = suggestion_line(c.get("/payments").get_data(as_text=True)).replace("\xa0", " ")
    assert shown == f"Лицевой счёт № {account}: {line}"


def test_result_page_is_only_for_its_payer(app, client, make_subscriber, tenant_client):
    card_page = start_card_payment(client)
    reference = client.get(card_page).get_data(as_text=True).split("Order</dt><dd>")[1][:12]
    make_subscriber(tenant="athome", password=PASSWORD, logins={"login": "other"})
    stranger = tenant_client("athome.localhost")
    assert stranger.get(f"/payments/result/{reference}").status_code == 404
    stranger.login("other", PASSWORD)
    assert stranger.get(f"/payments/result/{reference}").status_code == 404
    assert client.get(f"/payments/result/{reference}").status_code == 200


def test_paying_into_the_second_of_two_accounts(app, tenant_client, make_subscriber):
    from datetime import date

    from app.core.subscribers import Account, Contract

    first = make_subscriber(tenant="athome", password=PASSWORD, logins={"login": "twice"})
    stranger = make_subscriber(tenant="athome")
    with app.app_context():
        contract = Contract(
            tenant="athome", subscriber_id=first["id"], number="T-2ND", signed_on=date(2025, 1, 1)
        )
        db.session.add(contract)
        db.session.flush()
        second = Account(tenant="athome", contract_id=contract.id, number="777001")
        db.session.add(second)
        db.session.commit()
        second_id = second.id
    c = tenant_client("athome.localhost")
    c.login("twice", PASSWORD)
    page = c.get("/payments").get_data(as_text=True)
    assert "Account 777001" in page and f"Account {first['account']}" in page
    refused = c.form(
        "/payments", {"account": str(stranger["account_id"]), "method": "card", "amount": "100"}
    )
    assert refused.status_code == 200  # someone else's account is not a choice
    card_page = start_card_payment(c, "100", account=str(second_id))
    result_after = pay_with_card(c, card_page)
    assert result_line(c.get(result_after.headers["Location"]).get_data(as_text=True)).startswith(
        "Result: credited."
    )
    assert balance_of(app, second_id) == 10000
    assert balance_of(app, first["account_id"]) == 0


def test_switched_off_sandbox_takes_no_payment(app, client, subscriber, monkeypatch):
    monkeypatch.setitem(app.config, "PAYMENTS_SANDBOX_ENABLED", False)
    response = client.form("/payments", {"method": "card", "amount": "500"})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The payment service is not answering" in page
    assert "did not answer. Nothing was charged." in result_line(page)
    assert client.get("/sandbox/pay/sbx_pay_anything").status_code == 404
    assert balance_of(app, subscriber["account_id"]) == 0


def test_sandbox_is_off_in_production_unless_switched_on(monkeypatch):
    from flask import Flask

    from app import sandbox

    monkeypatch.delenv("PAYMENTS_SANDBOX_ENABLED", raising=False)
    production = Flask("production")
    production.config["PORTAL_ENV"] = "production"
    sandbox._settings(production)
    assert production.config["PAYMENTS_SANDBOX_ENABLED"] is False
    monkeypatch.setenv("PAYMENTS_SANDBOX_ENABLED", "yes")
    staging = Flask("staging")
    staging.config["PORTAL_ENV"] = "production"
    sandbox._settings(staging)
    assert staging.config["PAYMENTS_SANDBOX_ENABLED"] is True
