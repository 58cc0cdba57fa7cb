"""The payment receipt e-mail: money as the portal writes it, the holder's local time, one
language throughout, also when it is sent outside a request (a notification, autopay)."""

import dataclasses
from datetime import UTC, datetime

import pytest

from app.extensions import db
from app.notify.queue import deliver
from app.payments.models import Payment, PaymentStatus
from app.payments.receipts import send_receipt
from tests.web.test_payments_support import pay_with_card

PASSWORD = "Sunny-Garden-77"


def moved_south_to_moscow(tenant):
    """The acme tenant with its «south» region on Moscow time (the tenant itself is UTC+7)."""
    regions = tuple(
        r.model_copy(update={"timezone": "Europe/Moscow"}) if r.code == "south" else r
        for r in tenant.config.regions
    )
    return dataclasses.replace(tenant, config=tenant.config.model_copy(update={"regions": regions}))


def credited_payment(app, facts: dict, tenant: str, amount: int, email: str) -> int:
    with app.app_context():
        payment = Payment(
            tenant=tenant,
            reference="RCPT2345ABCD",
            account_id=facts["account_id"],
            method="card",
            amount=amount,
            status=PaymentStatus.SUCCEEDED,
            provider="sandbox",
            payer_email=email,
            # 20:30 UTC: 23:30 in Moscow, already 03:30 the next day in Krasnoyarsk.
            completed_at=datetime(2026, 3, 1, 20, 30, tzinfo=UTC),
        )
        db.session.add(payment)
        db.session.commit()
        return payment.id


def plain(text: str) -> str:
    return text.replace("\xa0", " ").replace("\u202f", " ")


def test_outside_a_request_in_the_isps_language_and_the_holders_time(app, make_subscriber, mailbox):
    facts = make_subscriber(region="south")
    payment_id = credited_payment(app, facts, "acme", 123456, "south@example.ru")
    acme = moved_south_to_moscow(app.extensions["tenancy"].tenants["acme"])
    with app.app_context():  # as after a bank's notification or an autopay run: no request
        assert send_receipt(acme, payment_id)
        db.session.commit()
        assert mailbox.arrived("south@example.ru") == []  # queued: the deliverer sends it
        assert deliver() == 1
    (message,) = mailbox.to("south@example.ru")
    text = plain(message.get_body(preferencelist=("plain",)).get_content())
    assert message["Subject"] == "Квитанция об оплате RCPT2345ABCD"
    assert "Платёж получен. Спасибо!" in text  # acme's default language throughout
    assert "Сумма: 1 234,56 ₽" in text
    assert "1 мар. 2026 г., 23:30:00" in text  # Moscow, where the holder lives
    assert "03:30" not in text


@pytest.mark.parametrize(
    ("lang", "words", "amount"),
    [
        ("en", "Payment received. Thank you!", "Amount: ₽500.00"),
        ("hi", "भुगतान मिल गया। धन्यवाद!", "राशि: ₽500.00"),
        ("ru", "Платёж получен. Спасибо!", "Сумма: 500,00 ₽"),
    ],
)
def test_a_card_payment_mails_roubles_as_the_portal_shows_them(
    app, make_subscriber, tenant_client, mailbox, lang, words, amount
):
    make_subscriber(tenant="athome", password=PASSWORD, logins={"login": "petrova"})
    client = tenant_client("athome.localhost")
    client.set_cookie("lang", lang, domain="athome.localhost")
    client.login("petrova", PASSWORD)
    data = {"method": "card", "amount": "500", "email": "petrova@example.ru"}
    pay_with_card(client, client.form("/payments", data).headers["Location"])
    text = plain(mailbox.last_text("petrova@example.ru"))
    assert words in text and amount in text
    assert "RUB" not in text
