"""Paying through ЮKassa (against a fake of its API): a notification is believed only as the
API confirms it, credits once, and the payer hears of declines and timeouts in plain words."""

import shutil

import pytest
import sqlalchemy as sa

from app.core import jobs
from app.extensions import db
from app.payments.models import SavedCard
from tests.conftest import ROOT
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
TENANT = "yoo-shop"
NOTIFY = "/payments/notify/yookassa"


def _start(make_subscriber, tenant_client, amount: str = "1234.56", **extra):
    subscriber, client = payer_client(make_subscriber, tenant_client, TENANT)
    return subscriber, client, pay(client, amount, **extra)


def test_a_payment_is_created_with_the_receipt_and_credited_once(
    app, yookassa, make_subscriber, tenant_client
):
    subscriber, client, response = _start(make_subscriber, tenant_client)
    ((headers, body),) = yookassa.calls("POST", "/payments")
    payment = the_payment(app)
    assert response.headers["Location"] == f"{yookassa.url}/checkout/{payment.provider_payment_id}"
    assert headers["idempotence-key"] == payment.reference
    assert body["amount"] == {"value": "1234.56", "currency": "RUB"}
    assert body["capture"] is True and body["metadata"]["reference"] == payment.reference
    assert body["confirmation"]["type"] == "redirect"
    assert body["confirmation"]["return_url"].endswith(f"/payments/result/{payment.reference}")
    receipt = body["receipt"]
    assert receipt["customer"] == {"email": EMAIL} and receipt["tax_system_code"] == 1
    (item,) = receipt["items"]
    assert item["description"] == "Услуги связи" and item["vat_code"] == 1
    assert item["amount"] == {"value": "1234.56", "currency": "RUB"}
    assert (item["payment_subject"], item["payment_mode"]) == ("service", "full_payment")

    yookassa.pay(payment.provider_payment_id)
    for _ in range(3):  # ЮKassa delivers again until it hears 200
        answer = client.post(NOTIFY, data=yookassa.notification(payment.provider_payment_id))
        assert answer.status_code == 200
    assert credited(app, subscriber["account_id"]) == [(f"payment:{payment.reference}", 123456)]
    assert result_text(client, payment.reference).startswith("Result: credited.")
    # Each notification was checked with the API, with the shop's own keys.
    assert len(yookassa.calls("GET", f"/payments/{payment.provider_payment_id}")) == 3


def test_a_forged_notification_credits_nothing(app, yookassa, make_subscriber, tenant_client):
    subscriber, client, _ = _start(make_subscriber, tenant_client)
    payment_id = the_payment(app).provider_payment_id
    forged = yookassa.notification(payment_id, status="succeeded", paid=True)
    # The API says the payment is still pending: refused, ЮKassa would retry.
    assert client.post(NOTIFY, data=forged).status_code == 400
    yookassa.decline(payment_id, "fraud_suspected")
    client.post(NOTIFY, data=forged)  # the API now says canceled: that is what counts
    assert credited(app, subscriber["account_id"]) == []
    assert the_payment(app).status == "failed"
    assert client.post(NOTIFY, data=b'{"object": {"id": "no-such-payment"}}').status_code == 400
    assert client.post(NOTIFY, data=b"not json").status_code == 400


def test_the_amount_credited_is_the_apis_not_the_notifications(
    app, yookassa, make_subscriber, tenant_client
):
    subscriber, client, _ = _start(make_subscriber, tenant_client, "500")
    payment_id = the_payment(app).provider_payment_id
    yookassa.pay(payment_id)
    inflated = yookassa.notification(payment_id, amount={"value": "5000.00", "currency": "RUB"})
    assert client.post(NOTIFY, data=inflated).status_code == 200
    assert [amount for _, amount in credited(app, subscriber["account_id"])] == [50000]


def test_a_decline_is_told_in_plain_words(app, yookassa, make_subscriber, tenant_client):
    subscriber, client, _ = _start(make_subscriber, tenant_client)
    payment = the_payment(app)
    yookassa.decline(payment.provider_payment_id, "insufficient_funds")
    assert (
        client.post(NOTIFY, data=yookassa.notification(payment.provider_payment_id)).status_code
        == 200
    )
    assert "not enough money on the card" in result_text(client, payment.reference)
    assert credited(app, subscriber["account_id"]) == []


def test_a_gateway_too_slow_charges_nothing(app, yookassa, make_subscriber, tenant_client):
    yookassa.delay = 5  # beyond the adapter's timeout
    subscriber, client, response = _start(make_subscriber, tenant_client)
    payment = the_payment(app)
    assert response.headers["Location"] == f"/payments/result/{payment.reference}"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Nothing was charged" in page
    assert (payment.status, payment.failure_reason) == ("failed", "unavailable")
    assert credited(app, subscriber["account_id"]) == []


def test_repolling_credits_a_payment_whose_notification_never_came(
    app, yookassa, make_subscriber, tenant_client
):
    subscriber, client, _ = _start(make_subscriber, tenant_client, "700")
    payment = the_payment(app)
    yookassa.pay(payment.provider_payment_id)
    assert "0 settled" in repoll(app)  # not yet stale: left alone
    age(app, 16)
    assert "1 settled" in repoll(app)
    assert "0 pending payment(s) asked" in repoll(app)
    # The notification that comes after all changes nothing.
    assert (
        client.post(NOTIFY, data=yookassa.notification(payment.provider_payment_id)).status_code
        == 200
    )
    assert credited(app, subscriber["account_id"]) == [(f"payment:{payment.reference}", 70000)]
    assert "payments.repoll" in jobs.jobs_of(app).status()["periodic"]


def test_a_saved_card_pays_again_by_its_payment_method_id(
    app, yookassa, make_subscriber, tenant_client
):
    from app.payments import service
    from app.payments.providers import get_provider

    subscriber, client, _ = _start(make_subscriber, tenant_client, "600", save_card="y")
    first = the_payment(app)
    assert yookassa.calls("POST", "/payments")[0][1]["save_payment_method"] is True
    yookassa.pay(first.provider_payment_id)
    client.post(NOTIFY, data=yookassa.notification(first.provider_payment_id))
    with app.app_context():
        card = db.session.scalar(sa.select(SavedCard))
        assert (card.token, card.last4) == (
            yookassa.payments[first.provider_payment_id]["payment_method"]["id"],
            "4477",
        )
        tenant = app.extensions["tenancy"].tenants[TENANT]
        new = service.NewPayment(
            subscriber["account_id"], service.method_by_code(tenant, "card"), 60000
        )
        again = service.create_payment(tenant, new)
        db.session.commit()
        order = service.order_of(tenant, again, "card")
        get_provider("yookassa").charge_saved(order, card.token, service.notify_url(tenant))
        reference = again.reference
    (_, body) = yookassa.calls("POST", "/payments")[-1]
    assert body["payment_method_id"] == card.token and "confirmation" not in body
    charged = next(p for p in yookassa.payments.values() if p["metadata"]["reference"] == reference)
    assert client.post(NOTIFY, data=yookassa.notification(charged["id"])).status_code == 200
    assert [amount for _, amount in credited(app, subscriber["account_id"])] == [60000, 60000]


def test_a_missing_key_stops_the_start_naming_the_variable(make_app, monkeypatch):
    from app.tenancy.loader import TenantConfigError

    monkeypatch.delenv("PAYMENTS_YOO_SHOP_YOOKASSA_SECRET_KEY")
    with pytest.raises(TenantConfigError) as refused:
        make_app()
    lines = (ROOT / "tests/data/tenants/yoo-shop/tenant.yaml").read_text().splitlines()
    line = next(i for i, text in enumerate(lines, 1) if text.strip().startswith("provider:"))
    assert str(refused.value) == (
        f"tenants/yoo-shop/tenant.yaml:{line}: payments.provider: tenant yoo-shop pays through "
        "yookassa, but the environment variable PAYMENTS_YOO_SHOP_YOOKASSA_SECRET_KEY is not set"
    )


def test_a_bad_vat_code_is_named_with_its_file_and_line(app, tmp_path):
    folder = tmp_path / "yoo-shop"
    shutil.copytree(ROOT / "tests/data/tenants/yoo-shop", folder)
    text = (folder / "tenant.yaml").read_text().replace("vat_code: 1", "vat_code: 13")
    (folder / "tenant.yaml").write_text(text)
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "vat_code" in t)
    result = app.test_cli_runner().invoke(args=["tenants", "check", "--dir", str(tmp_path)])
    assert result.exit_code == 1
    assert f"yoo-shop/tenant.yaml:{line}: payments.receipt.vat_code: " in result.output


def test_waiting_for_capture_is_still_pending(app, yookassa, make_subscriber, tenant_client):
    subscriber, client, _ = _start(make_subscriber, tenant_client)
    payment_id = the_payment(app).provider_payment_id
    yookassa.payments[payment_id]["status"] = "waiting_for_capture"
    assert client.post(NOTIFY, data=yookassa.notification(payment_id)).status_code == 400
    assert the_payment(app).status == "pending"
    assert credited(app, subscriber["account_id"]) == []
