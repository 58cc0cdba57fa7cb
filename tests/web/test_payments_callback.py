"""The provider's notification endpoint: only a verified, matching notification credits, once."""

import json
import logging
from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, OperationalError

from app.core.ledger import LedgerEntry, balance_mismatches
from app.extensions import db
from app.payments import service
from app.payments.models import Payment
from app.sandbox import bank

URL = "/payments/notify/sandbox"


def pending_payment(app, account_id: int, tenant: str = "athome", amount: int = 50000) -> str:
    with app.app_context():
        t = app.extensions["tenancy"].tenants[tenant]
        new = service.NewPayment(account_id, service.method_by_code(t, "card"), amount)
        payment = service.create_payment(t, new)
        db.session.commit()
        return payment.reference


def body(ref: str, **changes) -> bytes:
    payload = {
        "payment_id": "sbx_pay_test",
        "reference": ref,
        "amount": 50000,
        "currency": "RUB",
        "status": "succeeded",
        "failure_reason": None,
        "card": None,
    }
    return json.dumps({**payload, **changes}).encode()


def signed(app, raw: bytes, tenant: str = "athome") -> dict:
    with app.app_context():
        return {"X-Sandbox-Signature": bank.sign(tenant, raw), "Content-Type": "application/json"}


def credited(app, account_id: int) -> list[int]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(LedgerEntry.amount).where(LedgerEntry.account_id == account_id)
            )
        )


@pytest.fixture
def account(make_subscriber):
    return make_subscriber(tenant="athome")["account_id"]


@pytest.fixture
def athome(tenant_client):
    return tenant_client("athome.localhost")


def test_verified_notification_credits_once_however_often_delivered(app, athome, account):
    reference = pending_payment(app, account)
    raw = body(reference)
    for _ in range(3):  # no CSRF token needed: the bank is not a browser
        response = athome.post(URL, data=raw, headers=signed(app, raw))
        assert response.status_code == 200
        assert response.get_data(as_text=True) == "OK"
    assert credited(app, account) == [50000]
    with app.app_context():
        payment = db.session.scalar(sa.select(Payment))
        assert payment.status == "succeeded" and payment.completed_at is not None
        assert balance_mismatches() == []


@pytest.mark.parametrize(
    "change",
    [
        {"amount": 5000000},
        {"amount": 49999},
        {"amount": "50000"},
        {"currency": "USD"},
        {"reference": "NOSUCHPAYMENT"},
        {"status": "paid"},
    ],
)
def test_mismatching_notification_is_refused(app, athome, account, caplog, change):
    raw = body(pending_payment(app, account), **change)
    with caplog.at_level(logging.WARNING, logger="app.payments"):
        response = athome.post(URL, data=raw, headers=signed(app, raw))
    assert response.status_code == 400
    assert credited(app, account) == []
    assert "notification refused" in caplog.text


def test_bad_signature_is_refused(app, athome, account):
    raw = body(pending_payment(app, account))
    headers = signed(app, raw)
    tampered = raw.replace(b"50000", b"50001")
    assert athome.post(URL, data=tampered, headers=headers).status_code == 400
    assert athome.post(URL, data=raw).status_code == 400  # no signature at all
    headers["X-Sandbox-Signature"] = "0" * 64
    assert athome.post(URL, data=raw, headers=headers).status_code == 400
    assert credited(app, account) == []


def test_signature_covers_the_raw_body_not_its_meaning(app, athome, account):
    raw = body(pending_payment(app, account))
    reformatted = json.dumps(json.loads(raw), indent=2).encode()
    assert athome.post(URL, data=reformatted, headers=signed(app, raw)).status_code == 400
    assert credited(app, account) == []


def test_another_tenants_key_is_refused(app, athome, tenant_client, account):
    reference = pending_payment(app, account)
    raw = body(reference)
    assert athome.post(URL, data=raw, headers=signed(app, raw, tenant="tomtel")).status_code == 400
    # Nor can it be sent to the other tenant's host: the payment is not there.
    tomtel = tenant_client("tomtel.localhost")
    assert tomtel.post(URL, data=raw, headers=signed(app, raw, tenant="tomtel")).status_code == 400
    assert credited(app, account) == []


def test_unknown_provider_is_refused(app, athome, account):
    raw = body(pending_payment(app, account))
    response = athome.post("/payments/notify/robokassa", data=raw, headers=signed(app, raw))
    assert response.status_code == 400
    assert credited(app, account) == []


def test_failure_then_replay_changes_nothing(app, athome, account):
    reference = pending_payment(app, account)
    raw = body(reference, status="failed", failure_reason="insufficient_funds")
    for _ in range(2):
        assert athome.post(URL, data=raw, headers=signed(app, raw)).status_code == 200
    with app.app_context():
        payment = db.session.scalar(sa.select(Payment))
        assert (payment.status, payment.failure_reason) == ("failed", "insufficient_funds")
    assert credited(app, account) == []


def test_keys_differ_per_tenant_and_follow_the_override(app, monkeypatch):
    with app.app_context():
        athome_key, tomtel_key = bank.merchant_key("athome"), bank.merchant_key("tomtel")
        assert athome_key != tomtel_key
        monkeypatch.setitem(app.config, "PAYMENTS_SANDBOX_SECRET", "another-secret")
        assert bank.merchant_key("athome") not in (athome_key, tomtel_key)


def test_success_after_a_failure_still_credits_once(app, athome, account):
    reference = pending_payment(app, account)
    failed = body(reference, status="failed", failure_reason="declined")
    paid = body(reference)
    assert athome.post(URL, data=failed, headers=signed(app, failed)).status_code == 200
    for _ in range(2):  # the bank took the money after all, and says so twice
        assert athome.post(URL, data=paid, headers=signed(app, paid)).status_code == 200
    assert credited(app, account) == [50000]


def test_notification_for_another_bank_payment_id_is_refused(app, athome, account):
    reference = pending_payment(app, account)
    with app.app_context():
        db.session.execute(sa.update(Payment).values(provider_payment_id="sbx_pay_real"))
        db.session.commit()
    raw = body(reference, payment_id="sbx_pay_other")
    assert athome.post(URL, data=raw, headers=signed(app, raw)).status_code == 400
    raw = body(reference, payment_id="sbx_pay_real")
    assert athome.post(URL, data=raw, headers=signed(app, raw)).status_code == 200
    assert credited(app, account) == [50000]


def test_switched_off_sandbox_accepts_no_notification(app, athome, account, monkeypatch):
    raw = body(pending_payment(app, account))
    monkeypatch.setitem(app.config, "PAYMENTS_SANDBOX_ENABLED", False)
    assert athome.post(URL, data=raw, headers=signed(app, raw)).status_code == 400
    assert credited(app, account) == []


def test_the_bank_notifies_over_http_like_a_real_gateway(app, account, monkeypatch):
    """Outside the test suite the sandbox bank posts to the notification URL over a socket;
    a .localhost name is loopback, as RFC 6761 has it."""
    import threading

    from werkzeug.serving import make_server

    from app.sandbox import transport

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        ref = pending_payment(app, account)
        with app.app_context():
            operation = bank.open_operation(
                "athome",
                {"reference": ref, "amount": 50000, "currency": "RUB", "method": "wallet"},
                "",
                f"http://athome.localhost:{server.port}/payments/notify/sandbox",
            )
            bank.finish(operation, None)
            db.session.commit()
            monkeypatch.setitem(app.extensions, transport.EXTENSION, transport.http_post)
            assert bank.deliver(operation) is True
        assert credited(app, account) == [50000]
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


def test_an_unreachable_merchant_is_logged_not_raised(app, caplog):
    from app.sandbox import transport

    with caplog.at_level(logging.WARNING):
        status = transport.http_post("http://shop.localhost:9/notify", b"{}", {})
    assert status == 0
    assert "could not reach shop.localhost:9" in caplog.text


@pytest.mark.parametrize(
    ("card", "kept"),
    [
        ({"token": "sbx_tok_1", "last4": "4242", "brand": "Visa"}, "4242"),
        ({"token": "sbx_tok_2", "last4": "42424242", "brand": "Visa"}, None),  # not 4 digits
        ({"token": "sbx_tok_3", "last4": "42x2", "brand": "Visa"}, None),
        (None, None),  # the bank named no card
    ],
)
def test_the_card_paid_with_is_kept_as_its_last_four_digits(app, athome, account, card, kept):
    raw = body(pending_payment(app, account), card=card)
    assert athome.post(URL, data=raw, headers=signed(app, raw)).status_code == 200
    with app.app_context():
        assert db.session.scalar(sa.select(Payment.card_last4)) == kept


def test_autopay_keeps_the_saved_cards_last_four_digits(app, make_subscriber, tenant_client):
    from tests.web.test_payments_autopay import PASSWORD, run, save_card

    make_subscriber(tenant="athome", password=PASSWORD, logins={"login": "sidorov"})
    client = tenant_client("athome.localhost")
    client.set_cookie("lang", "en", domain="athome.localhost")
    client.login("sidorov", PASSWORD)
    save_card(client)  # 4111 1111 1111 1111
    client.form("/payments/autopay", {"kind": "monthly", "day": "5"})
    assert run(app, date(2026, 3, 5)) == 1
    with app.app_context():
        query = sa.select(Payment.card_last4).order_by(Payment.id)
        assert list(db.session.scalars(query)) == ["1111", "1111"]  # saved, then autopay


def test_a_failure_sends_no_receipt_and_records_when_it_ended(app, make_subscriber, mailbox):
    from tests.security.test_payment_redelivery import _payment_saving_the_card

    subscriber = make_subscriber(tenant="athome")
    raw = body(_payment_saving_the_card(app, subscriber), status="failed", failure_reason=None)
    with app.test_client() as bank_client:
        response = bank_client.post(
            URL, data=raw, headers=signed(app, raw), base_url="http://athome.localhost"
        )
    assert response.status_code == 200
    assert mailbox.to("payer@example.ru") == []  # nothing was credited: no receipt
    with app.app_context():
        payment = db.session.scalar(sa.select(Payment))
        assert (payment.status, payment.failure_reason) == ("failed", "declined")
        assert payment.completed_at is not None


def test_a_failure_notified_after_crediting_is_logged_and_ignored(app, athome, account, caplog):
    reference = pending_payment(app, account)
    paid, failed = body(reference), body(reference, status="failed", failure_reason="declined")
    with caplog.at_level(logging.WARNING, logger="app.payments"):
        assert athome.post(URL, data=paid, headers=signed(app, paid)).status_code == 200
        assert athome.post(URL, data=paid, headers=signed(app, paid)).status_code == 200
        assert caplog.messages == []  # a repeated success is no news
        assert athome.post(URL, data=failed, headers=signed(app, failed)).status_code == 200
    assert caplog.messages == [f"payment {reference}: failure notified after crediting, ignored"]
    assert credited(app, account) == [50000]
    with app.app_context():
        assert db.session.scalar(sa.select(Payment.status)) == "succeeded"


def test_the_ledger_line_names_the_method_and_the_payment(app, athome, account):
    reference = pending_payment(app, account)
    raw = body(reference)
    assert athome.post(URL, data=raw, headers=signed(app, raw)).status_code == 200
    with app.app_context():
        entry = db.session.scalar(sa.select(LedgerEntry))
        assert (entry.reference, entry.description) == (
            f"payment:{reference}",
            f"card {reference}",
        )


@pytest.mark.parametrize(
    ("provider", "change", "reason"),
    [
        ("robokassa", {}, "no payment provider 'robokassa'"),
        ("sandbox", {"reference": "NOSUCH"}, "unknown payment 'NOSUCH'"),
        ("sandbox", {"amount": 49999}, "notified 49999 RUB, expected 50000 RUB"),
        ("sandbox", {"payment_id": "sbx_pay_other"}, "another provider payment id"),
    ],
)
def test_a_refusal_is_logged_with_its_reason(
    app, athome, account, caplog, provider, change, reason
):
    reference = pending_payment(app, account)
    with app.app_context():
        db.session.execute(sa.update(Payment).values(provider_payment_id="sbx_pay_test"))
        db.session.commit()
    raw = body(reference, **change)
    with caplog.at_level(logging.WARNING, logger="app.payments"):
        response = athome.post(f"/payments/notify/{provider}", data=raw, headers=signed(app, raw))
    assert response.status_code == 400
    (line,) = caplog.messages
    assert line.startswith(f"notification refused: tenant=athome provider={provider}: ")
    assert reason in line


@pytest.mark.parametrize("error", [IntegrityError, OperationalError])
def test_a_delivery_that_loses_a_race_is_deferred(app, athome, account, caplog, monkeypatch, error):
    from app.payments import callback

    reference = pending_payment(app, account)
    raw = body(reference)

    def lost_race(*args, **kwargs):
        raise error("INSERT INTO ledger_entry", {}, Exception("locked"))

    monkeypatch.setattr(callback, "credit", lost_race)
    with caplog.at_level(logging.INFO, logger="app.payments"):
        assert athome.post(URL, data=raw, headers=signed(app, raw)).status_code == 400
    said = [r.getMessage() for r in caplog.records if r.name == "app.payments"]
    assert said == [f"notification deferred: tenant=athome: {error.__name__}"]
    with app.app_context():
        assert db.session.scalar(sa.select(Payment.status)) == "pending"
    monkeypatch.undo()
    assert athome.post(URL, data=raw, headers=signed(app, raw)).status_code == 200  # the retry
    assert credited(app, account) == [50000]


def test_a_payment_made_with_another_provider_is_refused_with_its_reason(
    app, athome, account, caplog
):
    reference = pending_payment(app, account)
    with app.app_context():
        db.session.execute(sa.update(Payment).values(provider="yookassa"))
        db.session.commit()
    raw = body(reference)
    with caplog.at_level(logging.WARNING, logger="app.payments"):
        assert athome.post(URL, data=raw, headers=signed(app, raw)).status_code == 400
    assert f"payment {reference} is not with sandbox" in caplog.text
    assert credited(app, account) == []
