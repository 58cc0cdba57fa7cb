"""Paying through T-Bank Internet Acquiring (against a fake of its API v2): requests and
notifications carry a Token over their fields, a notification is believed only when its
Token matches, and it credits once."""

import logging

import sqlalchemy as sa

from app.extensions import db
from app.payments.models import Payment, SavedCard
from tests.conftest import GATEWAY_KEYS
from tests.fakes.tbank import sign
from tests.web.gateway_steps import (
    EMAIL,
    age,
    credited,
    pay,
    payer_client,
    repoll,
    result_text,
    the_payment,
)

PAGE_LANG = "en"
TENANT = "tb-shop"
NOTIFY = "/payments/notify/tbank"


def _start(make_subscriber, tenant_client, amount: str = "1234.56", **extra):
    subscriber, client = payer_client(make_subscriber, tenant_client, TENANT)
    return subscriber, client, pay(client, amount, **extra)


def test_init_carries_the_receipt_and_the_notification_credits_once(
    app, tbank, make_subscriber, tenant_client
):
    subscriber, client, response = _start(make_subscriber, tenant_client)
    payment = the_payment(app)
    ((_, init),) = tbank.calls("POST", "/Init")
    assert response.headers["Location"] == f"{tbank.url}/pay/{payment.provider_payment_id}"
    assert init["Amount"] == 123456 and init["OrderId"] == payment.reference
    assert init["Token"] == sign(init, GATEWAY_KEYS["PAYMENTS_TB_SHOP_TBANK_PASSWORD"])
    assert init["SuccessURL"].endswith(f"/payments/result/{payment.reference}")
    assert init["NotificationURL"] == "https://tb-shop.localhost/payments/notify/tbank"
    receipt = init["Receipt"]
    assert receipt["Email"] == EMAIL and receipt["Taxation"] == "osn"
    (item,) = receipt["Items"]
    assert item == {
        "Name": "Услуги связи",
        "Price": 123456,
        "Quantity": 1,
        "Amount": 123456,
        "Tax": "vat22",
        "PaymentMethod": "full_payment",
        "PaymentObject": "service",
    }

    tbank.pay(payment.provider_payment_id)
    path = tbank.notify_path(payment.provider_payment_id)
    for _ in range(3):
        answer = client.post(path, data=tbank.notification(payment.provider_payment_id))
        assert (answer.status_code, answer.get_data(as_text=True)) == (200, "OK")
    assert credited(app, subscriber["account_id"]) == [(f"payment:{payment.reference}", 123456)]
    assert result_text(client, payment.reference).startswith("Result: credited.")


def test_a_notification_with_a_wrong_token_credits_nothing(
    app, tbank, make_subscriber, tenant_client
):
    subscriber, client, _ = _start(make_subscriber, tenant_client, "500")
    payment_id = the_payment(app).provider_payment_id
    tbank.pay(payment_id)
    for forged in (
        tbank.notification(payment_id, password="not-the-terminals-password"),
        tbank.notification(payment_id, Amount=5000000),  # changed after signing
        tbank.notification(payment_id, Token="0" * 64),
        tbank.notification(payment_id, Token=None),
        b"{}",
    ):
        assert client.post(NOTIFY, data=forged).status_code == 400
    assert credited(app, subscriber["account_id"]) == []
    assert the_payment(app).status == "pending"


def test_a_rejected_payment_is_told_by_its_error_code(app, tbank, make_subscriber, tenant_client):
    subscriber, client, _ = _start(make_subscriber, tenant_client)
    payment = the_payment(app)
    tbank.decline(payment.provider_payment_id, "1051")
    assert (
        client.post(NOTIFY, data=tbank.notification(payment.provider_payment_id)).status_code == 200
    )
    assert "not enough money on the card" in result_text(client, payment.reference)
    assert credited(app, subscriber["account_id"]) == []


def test_a_gateway_too_slow_charges_nothing(app, tbank, make_subscriber, tenant_client):
    tbank.delay = 5
    subscriber, client, response = _start(make_subscriber, tenant_client)
    payment = the_payment(app)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Nothing was charged" in page
    assert (payment.status, payment.failure_reason) == ("failed", "unavailable")
    assert credited(app, subscriber["account_id"]) == []


def test_get_state_credits_a_payment_whose_notification_never_came(
    app, tbank, make_subscriber, tenant_client
):
    subscriber, client, _ = _start(make_subscriber, tenant_client, "700")
    payment = the_payment(app)
    age(app, 20)
    assert "0 settled" in repoll(app)  # the payer has not paid yet
    tbank.pay(payment.provider_payment_id)
    assert "1 settled" in repoll(app)
    ((_, state), *_) = tbank.calls("POST", "/GetState")
    assert state["PaymentId"] == payment.provider_payment_id
    assert (
        client.post(NOTIFY, data=tbank.notification(payment.provider_payment_id)).status_code == 200
    )
    assert credited(app, subscriber["account_id"]) == [(f"payment:{payment.reference}", 70000)]


def test_a_saved_card_is_charged_by_rebill_id_and_removed(
    app, tbank, make_subscriber, tenant_client
):
    from app.payments import autopay, service
    from app.payments.providers import get_provider

    subscriber, client, _ = _start(make_subscriber, tenant_client, "600", save_card="y")
    first = the_payment(app)
    init = tbank.calls("POST", "/Init")[0][1]
    assert (init["Recurrent"], init["CustomerKey"]) == ("Y", first.reference)
    tbank.pay(first.provider_payment_id)
    client.post(NOTIFY, data=tbank.notification(first.provider_payment_id))
    card = tbank.payments[first.provider_payment_id]["Card"]
    with app.app_context():
        saved = db.session.scalar(sa.select(SavedCard))
        assert saved.token == f"{card['RebillId']}/{card['CardId']}/{first.reference}"
        assert saved.last4 == "0777"
        tenant = app.extensions["tenancy"].tenants[TENANT]
        new = service.NewPayment(
            subscriber["account_id"], service.method_by_code(tenant, "card"), 60000
        )
        again = service.create_payment(tenant, new)
        db.session.commit()
        order = service.order_of(tenant, again, "card")
        get_provider("tbank").charge_saved(order, saved.token, service.notify_url(tenant))
        charged_id = next(
            pid for pid, p in tbank.payments.items() if p["OrderId"] == again.reference
        )
    ((_, charge),) = tbank.calls("POST", "/Charge")
    assert (charge["PaymentId"], charge["RebillId"]) == (charged_id, card["RebillId"])
    assert client.post(NOTIFY, data=tbank.notification(charged_id)).status_code == 200
    assert [amount for _, amount in credited(app, subscriber["account_id"])] == [60000, 60000]
    with app.app_context():  # known now, so the charge can be refunded
        assert db.session.get(Payment, again.id).provider_payment_id == charged_id
    with app.app_context():
        assert autopay.remove_card(app.extensions["tenancy"].tenants[TENANT], subscriber["id"])
        db.session.commit()
    ((_, removed),) = tbank.calls("POST", "/RemoveCard")
    assert (removed["CardId"], removed["CustomerKey"]) == (card["CardId"], first.reference)


def test_a_refused_init_fails_clearly_and_charges_nothing(
    app, tbank, make_subscriber, tenant_client, monkeypatch, caplog
):
    monkeypatch.setenv("PAYMENTS_TB_SHOP_TBANK_PASSWORD", "an-old-password")
    with caplog.at_level(logging.WARNING, logger="app.payments"):
        subscriber, client, response = _start(make_subscriber, tenant_client)
    payment = the_payment(app)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Nothing was charged" in page
    assert (payment.status, payment.failure_reason) == ("failed", "unavailable")
    assert f"payment {payment.reference} not started: tbank Init refused: 204" in caplog.text
    assert credited(app, subscriber["account_id"]) == []


def test_without_an_e_mail_the_receipt_goes_to_the_holders_phone(
    app, tbank, make_subscriber, tenant_client
):
    _, client = payer_client(
        make_subscriber, tenant_client, TENANT, email=None, phone="+79161234567"
    )
    pay(client, "300", email="")
    ((_, init),) = tbank.calls("POST", "/Init")
    assert init["Receipt"]["Phone"] == "+79161234567" and "Email" not in init["Receipt"]


def test_a_signed_notification_of_a_refund_is_answered_ok_and_changes_nothing(
    app, tbank, make_subscriber, tenant_client
):
    subscriber, client, _ = _start(make_subscriber, tenant_client, "700")
    payment_id = the_payment(app).provider_payment_id
    tbank.pay(payment_id)
    client.post(NOTIFY, data=tbank.notification(payment_id))
    with tbank.lock:
        tbank.payments[payment_id]["Status"] = "REFUNDED"
    # Refused, T-Bank would repeat it for a day; answered OK, it stops.
    answer = client.post(NOTIFY, data=tbank.notification(payment_id))
    assert (answer.status_code, answer.get_data(as_text=True)) == (200, "OK")
    forged = tbank.notification(payment_id, password="not-the-terminals-password")
    assert client.post(NOTIFY, data=forged).status_code == 400
    assert credited(app, subscriber["account_id"]) == [
        (f"payment:{the_payment(app).reference}", 70000)
    ]
    assert the_payment(app).status == "succeeded"
