"""Refunds to the card from the staff console: above the ISP's sum one accountant asks and
another approves; the gateway gets it once, the ledger is debited once, and never more
than is left of the payment."""

import re

import pytest
import sqlalchemy as sa

from app.core import audit
from app.core.ledger import balance_mismatches
from app.extensions import db
from app.payments.models import Payment, PaymentRefund
from app.payments.orders import refund_order
from app.staff.roles import Role
from tests.web.gateway_steps import credited, pay, payer_client, the_payment
from tests.web.staff_steps import log_in, make_member

PAGE_LANG = "en"


def _accountant(app, tenant_client, tenant: str, email: str):
    member = make_member(app, tenant, Role.ACCOUNTANT, email=email)
    client = tenant_client(f"{tenant}.localhost")
    log_in(app, client, member)
    return client


def _paid_yookassa(app, yookassa, make_subscriber, tenant_client, amount: str):
    subscriber, client = payer_client(make_subscriber, tenant_client, "yoo-shop")
    pay(client, amount)
    payment = the_payment(app)
    yookassa.pay(payment.provider_payment_id)
    notification = yookassa.notification(payment.provider_payment_id)
    assert client.post("/payments/notify/yookassa", data=notification).status_code == 200
    return subscriber, payment


def _ask(client, subscriber: dict, payment, amount: str):
    path = f"/staff/subscribers/{subscriber['id']}/payments"
    return client.form(path, {"payment": str(payment.id), "amount": amount})


def _refunds(app) -> list[tuple[str, int]]:
    with app.app_context():
        return [
            tuple(r)
            for r in db.session.execute(sa.select(PaymentRefund.status, PaymentRefund.amount))
        ]


def _refund_id(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(PaymentRefund.id).order_by(PaymentRefund.id.desc()))


def test_four_eyes_then_the_gateway_refunds_once(app, yookassa, make_subscriber, tenant_client):
    subscriber, payment = _paid_yookassa(app, yookassa, make_subscriber, tenant_client, "500")
    first = _accountant(app, tenant_client, "yoo-shop", "first@staff.example")
    second = _accountant(app, tenant_client, "yoo-shop", "second@staff.example")
    assert _ask(first, subscriber, payment, "200").status_code == 302
    assert _refunds(app) == [("pending", 20000)]  # above the ISP's 100 ₽: it waits
    refund_id = _refund_id(app)
    page = f"/staff/subscribers/{subscriber['id']}/payments"
    # The one who asked may not approve it.
    first.form(f"/staff/refunds/{refund_id}/approve", {}, page=page)
    assert _refunds(app) == [("pending", 20000)] and yookassa.calls("POST", "/refunds") == []
    answer = second.form(f"/staff/refunds/{refund_id}/approve", {}, page=page)
    assert answer.status_code == 302
    ((headers, body),) = yookassa.calls("POST", "/refunds")
    assert headers["idempotence-key"] == f"refund-{refund_id}"
    assert body["payment_id"] == payment.provider_payment_id
    assert body["amount"] == {"value": "200.00", "currency": "RUB"}
    (item,) = body["receipt"]["items"]  # the refund's 54-FZ receipt, to the payer
    assert body["receipt"]["customer"] == {"email": "payer@example.ru"}
    assert (item["amount"]["value"], item["vat_code"]) == ("200.00", 1)
    assert _refunds(app) == [("refunded", 20000)]
    # A second click changes nothing.
    second.form(f"/staff/refunds/{refund_id}/approve", {}, page=page)
    assert len(yookassa.calls("POST", "/refunds")) == 1
    assert credited(app, subscriber["account_id"]) == [
        (f"payment:{payment.reference}", 50000),
        (f"refund:{refund_id}", -20000),
    ]
    shown = second.get(page).get_data(as_text=True)
    assert re.search(r'data-payment="[^"]+">₽300\.00<', shown)
    with app.app_context():
        assert balance_mismatches() == []
        actions = [e.action for e in audit.entries("yoo-shop", action="payment.refunded")]
        requested = audit.entries("yoo-shop", action="payment.refund_requested")
        assert len(actions) == 1 and requested[0].actor_kind == "staff"


def test_no_more_than_is_left_of_the_payment(app, yookassa, make_subscriber, tenant_client):
    subscriber, payment = _paid_yookassa(app, yookassa, make_subscriber, tenant_client, "300")
    first = _accountant(app, tenant_client, "yoo-shop", "first@staff.example")
    assert _ask(first, subscriber, payment, "100").status_code == 302  # at once: not above 100 ₽
    assert _refunds(app) == [("refunded", 10000)]
    refused = _ask(first, subscriber, payment, "200.01")
    assert refused.status_code == 422
    assert "at most ₽200.00" in refused.get_data(as_text=True)
    assert len(yookassa.calls("POST", "/refunds")) == 1
    assert [a for _, a in credited(app, subscriber["account_id"])] == [30000, -10000]


def test_tbank_refunds_by_cancel_with_the_amount(app, tbank, make_subscriber, tenant_client):
    subscriber, client = payer_client(make_subscriber, tenant_client, "tb-shop")
    pay(client, "400")
    payment = the_payment(app)
    tbank.pay(payment.provider_payment_id)
    path = tbank.notify_path(payment.provider_payment_id)
    assert (
        client.post(path, data=tbank.notification(payment.provider_payment_id)).status_code == 200
    )
    first = _accountant(app, tenant_client, "tb-shop", "first@staff.example")
    assert _ask(first, subscriber, payment, "50").status_code == 302
    ((_, cancel),) = tbank.calls("POST", "/Cancel")
    assert (cancel["PaymentId"], cancel["Amount"]) == (payment.provider_payment_id, 5000)
    assert cancel["Receipt"]["Email"] == "payer@example.ru"
    assert [(i["Amount"], i["Tax"]) for i in cancel["Receipt"]["Items"]] == [(5000, "vat22")]
    assert tbank.payments[payment.provider_payment_id]["Status"] == "PARTIAL_REFUNDED"
    assert [a for _, a in credited(app, subscriber["account_id"])] == [40000, -5000]


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.AUDITOR])
def test_only_the_money_right_refunds(app, yookassa, make_subscriber, tenant_client, role):
    subscriber, payment = _paid_yookassa(app, yookassa, make_subscriber, tenant_client, "300")
    member = make_member(app, "yoo-shop", role)
    client = tenant_client("yoo-shop.localhost")
    log_in(app, client, member)
    path = f"/staff/subscribers/{subscriber['id']}/payments"
    client.post(path, data={"payment": str(payment.id), "amount": "100"})
    assert _refunds(app) == [] and yookassa.calls("POST", "/refunds") == []


def test_the_sandbox_bank_answers_state_and_refunds_too(app, tenant_client, make_subscriber):
    from app.payments.providers import get_provider
    from tests.web.test_payments_card import PASSWORD, start_card_payment
    from tests.web.test_payments_support import pay_with_card

    subscriber = make_subscriber(tenant="athome", password=PASSWORD, logins={"login": "sbx"})
    client = tenant_client("athome.localhost")
    client.login("sbx", PASSWORD)
    card_page = start_card_payment(client, "500")
    with app.app_context():
        tenant = app.extensions["tenancy"].tenants["athome"]
        sandbox = get_provider("sandbox")
        assert sandbox.fetch_state(tenant, card_page.rsplit("/", 1)[1]) is None  # not paid yet
    pay_with_card(client, card_page)
    payment = the_payment(app)
    with app.app_context():
        state = sandbox.fetch_state(tenant, payment.provider_payment_id)
        assert (state.succeeded, state.amount, state.reference) == (True, 50000, payment.reference)
        paid = db.session.scalar(sa.select(Payment))
        first = refund_order(tenant, paid, 30000, "refund-1")
        assert sandbox.refund(first, payment.provider_payment_id).succeeded
        too_much = refund_order(tenant, paid, 20001, "refund-2")
        assert not sandbox.refund(too_much, payment.provider_payment_id).succeeded
        db.session.commit()
    assert subscriber["account_id"] == payment.account_id


def test_a_refund_the_bank_did_not_answer_is_sent_again_as_the_same_refund(
    app, yookassa, make_subscriber, tenant_client
):
    subscriber, payment = _paid_yookassa(app, yookassa, make_subscriber, tenant_client, "300")
    first = _accountant(app, tenant_client, "yoo-shop", "first@staff.example")
    yookassa.delay = 5
    answer = _ask(first, subscriber, payment, "100")
    page = first.get(answer.headers["Location"]).get_data(as_text=True)
    assert "nothing is debited yet" in page
    assert _refunds(app) == [("sending", 10000)]
    assert [a for _, a in credited(app, subscriber["account_id"])] == [30000]
    yookassa.delay = 0
    refund_id = _refund_id(app)
    path = f"/staff/subscribers/{subscriber['id']}/payments"
    first.form(f"/staff/refunds/{refund_id}/send", {}, page=path)
    keys = {h["idempotence-key"] for h, _ in yookassa.calls("POST", "/refunds")}
    assert keys == {f"refund-{refund_id}"} and len(yookassa.refunds) == 1
    assert _refunds(app) == [("refunded", 10000)]
    assert [a for _, a in credited(app, subscriber["account_id"])] == [30000, -10000]
