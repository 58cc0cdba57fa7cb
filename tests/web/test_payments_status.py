"""The pending result page's status, which the page asks for until the bank has answered."""

import re

import pytest

from app.extensions import db
from app.payments.models import Payment
from tests.web.test_payments_support import pay_with_card

PASSWORD = "Sunny-Garden-77"
PAGE_LANG = "en"


@pytest.fixture
def client(tenant_client, make_subscriber):
    make_subscriber(tenant="athome", password=PASSWORD, logins={"login": "petrov"})
    c = tenant_client("athome.localhost")
    assert c.login("petrov", PASSWORD).status_code == 302
    return c


def start(app, client) -> tuple[str, str]:
    """A card payment sent to the bank: its sandbox card page and its reference."""
    response = client.form("/payments", {"method": "card", "amount": "500"})
    assert response.status_code == 302
    with app.app_context():
        reference = db.session.scalar(db.select(Payment.reference))
    return response.headers["Location"], reference


def test_status_is_pending_then_settled(app, client):
    card_page, reference = start(app, client)
    status = client.get(f"/payments/result/{reference}/status")
    assert status.status_code == 200
    assert status.get_json() == {"status": "pending"}
    assert status.headers["Cache-Control"] == "no-store"

    page = client.get(f"/payments/result/{reference}").get_data(as_text=True)
    assert f'data-payment-status-url="/payments/result/{reference}/status"' in page
    assert re.search(rf'<a class="button" href="/payments/result/{reference}">Refresh</a>', page)
    assert "http-equiv" not in page  # no timed reload the reader cannot stop

    pay_with_card(client, card_page)
    assert client.get(f"/payments/result/{reference}/status").get_json() == {"status": "succeeded"}
    settled = client.get(f"/payments/result/{reference}").get_data(as_text=True)
    assert "data-payment-status-url" not in settled  # nothing left to wait for


def test_status_is_only_for_the_payer(app, client, tenant_client):
    _, reference = start(app, client)
    stranger = tenant_client("athome.localhost")
    assert stranger.get(f"/payments/result/{reference}/status").status_code == 404
    elsewhere = tenant_client("tomtel.localhost")
    assert elsewhere.get(f"/payments/result/{reference}/status").status_code == 404
    assert client.get("/payments/result/no-such-payment/status").status_code == 404
