"""Steps shared by the gateway tests: a fake gateway per test, a logged-in payer, paying."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.core.ledger import LedgerEntry
from app.extensions import db
from app.payments.models import Payment
from app.persistence import utcnow
from tests.conftest import GATEWAY_KEYS
from tests.fakes.tbank import FakeTBank
from tests.fakes.yookassa import FakeYooKassa

PASSWORD = "Sunny-Garden-77"
EMAIL = "payer@example.ru"
TIMEOUT = 0.5  # seconds the adapters wait in these tests; a "slow" fake waits longer


# Both take the mailbox: the portal's own receipt e-mail goes to the local SMTP server.
@pytest.fixture
def yookassa(app, monkeypatch, mailbox):
    fake = FakeYooKassa(
        GATEWAY_KEYS["PAYMENTS_YOO_SHOP_YOOKASSA_SHOP_ID"],
        GATEWAY_KEYS["PAYMENTS_YOO_SHOP_YOOKASSA_SECRET_KEY"],
    )
    monkeypatch.setenv("PAYMENTS_YOO_SHOP_YOOKASSA_API_URL", fake.url)
    monkeypatch.setitem(app.config, "PAYMENTS_GATEWAY_TIMEOUT", TIMEOUT)
    yield fake
    fake.close()


@pytest.fixture
def tbank(app, monkeypatch, mailbox):
    fake = FakeTBank(
        GATEWAY_KEYS["PAYMENTS_TB_SHOP_TBANK_TERMINAL_KEY"],
        GATEWAY_KEYS["PAYMENTS_TB_SHOP_TBANK_PASSWORD"],
    )
    monkeypatch.setenv("PAYMENTS_TB_SHOP_TBANK_API_URL", fake.url)
    monkeypatch.setitem(app.config, "PAYMENTS_GATEWAY_TIMEOUT", TIMEOUT)
    yield fake
    fake.close()


def payer_client(make_subscriber, tenant_client, tenant: str, **fields):
    """(subscriber, client logged in on the tenant's development host)."""
    fields.setdefault("email", EMAIL)
    subscriber = make_subscriber(tenant=tenant, password=PASSWORD, **fields)
    client = tenant_client(f"{tenant}.localhost")
    assert client.login(subscriber["account"], PASSWORD).status_code == 302
    return subscriber, client


def pay(client, amount: str, **extra):
    """Submit the pay form by card; the response (a redirect)."""
    data = {"method": "card", "amount": amount, "email": EMAIL, **extra}
    response = client.form("/payments", data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def the_payment(app) -> Payment:
    with app.app_context():
        payment = db.session.scalar(sa.select(Payment))
        db.session.expunge(payment)
        return payment


def credited(app, account_id: int) -> list[tuple[str, int]]:
    """(reference, amount) of each ledger entry of the account."""
    with app.app_context():
        rows = db.session.execute(
            sa.select(LedgerEntry.reference, LedgerEntry.amount)
            .where(LedgerEntry.account_id == account_id)
            .order_by(LedgerEntry.id)
        )
        return [tuple(row) for row in rows]


def result_text(client, reference: str) -> str:
    html = client.get(f"/payments/result/{reference}").get_data(as_text=True)
    match = re.search(r'data-testid="result">(.*?)</p>', html, re.S)
    assert match, "no «Result» line"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", match.group(1))).strip()


def age(app, minutes: int) -> None:
    """Make every payment as old as that: its notification never came."""
    with app.app_context():
        db.session.execute(
            sa.update(Payment).values(created_at=utcnow() - timedelta(minutes=minutes))
        )
        db.session.commit()


def repoll(app) -> str:
    result = app.test_cli_runner().invoke(args=["payments", "repoll"])
    assert result.exit_code == 0, result.output
    return result.output
