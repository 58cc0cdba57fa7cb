"""A notification delivered again has no effect at all: not on the ledger, the receipt e-mail,
the saved card or the payment's own record."""

import sqlalchemy as sa

from app.extensions import db
from app.payments import service
from app.payments.models import Payment, SavedCard
from tests.web.test_payments_callback import URL, body, credited, signed

CARD = {"token": "sbx_tok_redelivered", "last4": "4242", "brand": "Visa"}
DELIVERIES = 3


def _payment_saving_the_card(app, subscriber: dict) -> str:
    with app.app_context():
        tenant = app.extensions["tenancy"].tenants["athome"]
        new = service.NewPayment(
            subscriber["account_id"],
            service.method_by_code(tenant, "card"),
            50000,
            payer_subscriber_id=subscriber["id"],
            payer_email="payer@example.ru",
            save_card=True,
        )
        reference = service.create_payment(tenant, new).reference
        db.session.commit()
        return reference


def _kept(app) -> tuple:
    with app.app_context():
        card = db.session.execute(sa.select(SavedCard.token, SavedCard.created_at)).all()
        payment = db.session.execute(sa.select(Payment.status, Payment.completed_at)).all()
        return card, payment


def test_redelivery_repeats_no_side_effect(app, make_subscriber, tenant_client, mailbox):
    subscriber = make_subscriber(tenant="athome")
    raw = body(_payment_saving_the_card(app, subscriber), card=CARD)
    bank = tenant_client("athome.localhost")
    assert bank.post(URL, data=raw, headers=signed(app, raw)).status_code == 200
    first = _kept(app)
    assert first[0][0][0] == CARD["token"]
    for _ in range(DELIVERIES - 1):
        assert bank.post(URL, data=raw, headers=signed(app, raw)).status_code == 200
    assert credited(app, subscriber["account_id"]) == [50000]
    assert len(mailbox.to("payer@example.ru")) == 1
    assert _kept(app) == first
