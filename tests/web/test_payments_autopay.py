"""Autopay: a card saved as the bank's token, a rule, charged once per due date, switched off."""

from datetime import date

import pytest
import sqlalchemy as sa

from app.core.ledger import EntryKind, balance_mismatches, post_entry
from app.extensions import db
from app.payments.autopay import run_due_rules
from app.payments.models import AutopayRule, Payment, SavedCard
from app.sandbox.models import SandboxOperation, SandboxToken
from tests.web.test_payments_support import balance_of, pay_with_card, result_after

PASSWORD = "Sunny-Garden-77"


# Every page of this module is read in English, whatever the tenant's default.
PAGE_LANG = "en"


@pytest.fixture
def subscriber(make_subscriber):
    return make_subscriber(tenant="athome", password=PASSWORD, logins={"login": "petrov"})


@pytest.fixture
def client(tenant_client, subscriber):
    c = tenant_client("athome.localhost")
    c.login("petrov", PASSWORD)
    return c


def save_card(client) -> None:
    """Pay 500 ₽ by card with «Save the card for autopay» ticked."""
    data = {"method": "card", "amount": "500", "save_card": "y"}
    bank_page = client.form("/payments", data).headers["Location"]
    assert result_after(client, pay_with_card(client, bank_page)).startswith("Result: credited.")


def charge(app, account_id: int, amount: int, ref: str) -> None:
    with app.app_context():
        post_entry("athome", account_id, -amount, EntryKind.CHARGE, ref)
        db.session.commit()


def run(app, day: date, tenant: str = "athome") -> int:
    with app.app_context():
        return run_due_rules(app.extensions["tenancy"].tenants[tenant], day)


def test_card_is_saved_as_a_token_never_as_its_number(app, client):
    save_card(client)
    page = client.get("/payments/autopay").get_data(as_text=True)
    assert "Saved card: Visa ending in 1111" in page
    with app.app_context():
        card = db.session.scalar(sa.select(SavedCard))
        assert card.token.startswith("sbx_tok_") and card.last4 == "1111"
        rows = [
            *db.session.scalars(sa.select(SavedCard)),
            *db.session.scalars(sa.select(Payment)),
            *db.session.scalars(sa.select(SandboxOperation)),
            *db.session.scalars(sa.select(SandboxToken)),
        ]
        stored = " ".join(str(vars(row)) for row in rows)
        assert "4111111111111111" not in stored and "411111" not in stored


def test_without_ticking_no_card_is_kept(app, client):
    bank_page = client.form("/payments", {"method": "card", "amount": "500"}).headers["Location"]
    pay_with_card(client, bank_page)
    assert "No card is saved" in client.get("/payments/autopay").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SandboxToken)) == 0


def test_threshold_rule_tops_up_once_per_date(app, client, subscriber):
    account = subscriber["account_id"]
    save_card(client)
    response = client.form(
        "/payments/autopay", {"kind": "threshold", "threshold": "100", "top_up": "300"}
    )
    assert response.status_code == 302
    page = client.get("/payments/autopay").get_data(as_text=True)
    assert "300.00" in page and "100.00" in page  # «On: 300 ₽ is paid when … below 100 ₽»
    assert run(app, date(2026, 3, 1)) == 0  # 500 ₽ is not below 100 ₽
    charge(app, account, 45000, "charge:1")
    assert run(app, date(2026, 3, 2)) == 1
    assert balance_of(app, account) == 5000 + 30000
    charge(app, account, 33000, "charge:2")
    assert run(app, date(2026, 3, 2)) == 0  # already charged on this date
    assert run(app, date(2026, 3, 3)) == 1
    with app.app_context():
        assert balance_mismatches() == []


def test_monthly_rule_pays_the_fees_on_its_day_and_can_be_switched_off(app, client, subscriber):
    account = subscriber["account_id"]
    save_card(client)
    client.form("/payments/autopay", {"kind": "monthly", "day": "5"})
    assert run(app, date(2026, 3, 4)) == 0
    assert run(app, date(2026, 3, 5)) == 1
    assert run(app, date(2026, 3, 5)) == 0
    assert balance_of(app, account) == 50000 + 45000  # «Прогулка»: 450 ₽ a month
    page = client.get("/payments/autopay").get_data(as_text=True)
    assert "On: the monthly fee is paid on day 5" in page
    response = client.form(
        "/payments/autopay/off", {"account": str(account)}, page="/payments/autopay"
    )
    assert response.status_code == 302
    assert "Off." in client.get("/payments/autopay").get_data(as_text=True)
    assert run(app, date(2026, 4, 5)) == 0
    assert balance_of(app, account) == 95000


def test_a_revoked_token_is_not_charged(app, client, subscriber):
    save_card(client)
    client.form("/payments/autopay", {"kind": "monthly", "day": "5"})
    with app.app_context():
        db.session.execute(sa.update(SandboxToken).values(revoked=True))
        db.session.commit()
    assert run(app, date(2026, 3, 5)) == 0
    with app.app_context():
        failed = db.session.scalar(sa.select(Payment).where(Payment.reference.like("AUTO-%")))
        assert (failed.status, failed.failure_reason) == ("failed", "card_revoked")
    assert balance_of(app, subscriber["account_id"]) == 50000


def test_removing_the_card_revokes_it_and_ends_autopay(app, client):
    save_card(client)
    client.form("/payments/autopay", {"kind": "monthly", "day": "5"})
    response = client.form("/payments/autopay/card", {}, page="/payments/autopay")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(SandboxToken.revoked)) is True
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AutopayRule)) == 0
    assert run(app, date(2026, 3, 5)) == 0


def test_rule_form_says_what_is_missing(client):
    save_card(client)
    response = client.form(
        "/payments/autopay", {"kind": "threshold", "threshold": "", "top_up": "5"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Enter the balance limit in roubles" in page and "Enter an amount from ₽10.00" in page
    response = client.form("/payments/autopay", {"kind": "monthly", "day": "31"})
    assert "Enter a day from 1 to 28." in response.get_data(as_text=True)


def test_autopay_only_where_the_isp_offers_it(tenant_client, make_subscriber):
    make_subscriber(tenant="tomtel", password=PASSWORD, logins={"nickname": "petrov"})
    client = tenant_client("tomtel.localhost")
    client.login("petrov", PASSWORD)
    assert client.get("/payments/autopay").status_code == 404
    assert 'name="save_card"' not in client.get("/payments").get_data(as_text=True)


def test_the_daily_billing_run_charges_due_autopay(app, client, subscriber):
    save_card(client)
    client.form("/payments/autopay", {"kind": "monthly", "day": "5"})
    result = app.test_cli_runner().invoke(
        args=["billing", "run", "--date", "2026-03-05", "--tenant", "athome"]
    )
    assert result.exit_code == 0, result.output
    assert "autopay 1 payment(s)" in result.output
    with app.app_context():
        paid = db.session.scalar(sa.select(Payment).where(Payment.reference.like("AUTO-%")))
        assert paid.status == "succeeded"
