"""Accountants correct balances and refund payments; above the ISP's sum, four eyes decide."""

import re

import pytest
import sqlalchemy as sa

from app.core import audit
from app.core.ledger import EntryKind, LedgerEntry, balance_mismatches
from app.core.subscribers import Account
from app.extensions import db
from app.staff.money import CorrectionStatus, StaffCorrection
from app.staff.roles import Role
from tests.web.staff_steps import log_in, make_member

PAGE_LANG = "en"
HOST = "tomtel.localhost"


def _accountant(app, tenant_client, email: str):
    member = make_member(app, "tomtel", Role.ACCOUNTANT, email=email)
    client = tenant_client(HOST)
    log_in(app, client, member)
    return client


@pytest.fixture
def first(app, tenant_client):
    return _accountant(app, tenant_client, "first@staff.example")


@pytest.fixture
def second(app, tenant_client):
    return _accountant(app, tenant_client, "second@staff.example")


@pytest.fixture
def payer(make_subscriber):
    # Paid 1 000 ₽ in; the threshold of the tenant is the default 5 000 ₽.
    return make_subscriber(tenant="tomtel", balance=100000)


def _correct(client, subscriber: dict, kind: str, amount: str, reason: str = "Outage in May"):
    path = f"/staff/subscribers/{subscriber['id']}/money"
    data = {"account": subscriber["account"], "kind": kind, "amount": amount, "reason": reason}
    return client.form(path, data)


def _balance(app, subscriber: dict) -> int:
    with app.app_context():
        return db.session.get(Account, subscriber["account_id"]).balance


def _entries(app, subscriber: dict) -> list[tuple[str, int]]:
    with app.app_context():
        rows = db.session.execute(
            sa.select(LedgerEntry.kind, LedgerEntry.amount)
            .where(LedgerEntry.account_id == subscriber["account_id"])
            .order_by(LedgerEntry.id)
        )
        return [tuple(r) for r in rows]


def _waiting_id(app) -> int:
    with app.app_context():
        return db.session.scalar(
            sa.select(StaffCorrection.id).where(
                StaffCorrection.status == CorrectionStatus.PENDING.value
            )
        )


def _decide(client, correction_id: int, action: str, **data):
    return client.form(
        f"/staff/corrections/{correction_id}/{action}", data, page="/staff/corrections"
    )


def test_a_correction_below_the_threshold_is_a_new_entry_at_once(app, first, payer):
    answer = _correct(first, payer, "credit", "1 250,50 ₽")
    assert answer.status_code == 302
    assert _balance(app, payer) == 100000 + 125050
    assert _entries(app, payer) == [("payment", 100000), ("correction", 125050)]
    with app.app_context():
        entry = audit.entries("tomtel", action="money.correction_posted")[0]
        before, after = entry.changes()
        assert before == {"balance": 100000}
        assert after["balance"] == 225050 and after["reason"] == "Outage in May"
        assert entry.actor_kind == "staff" and entry.target == f"account:{payer['account_id']}"
        assert balance_mismatches() == []
    page = first.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Posted: the balance is now" in page


def test_a_debit_correction_takes_money_off(app, first, payer):
    _correct(first, payer, "debit", "300")
    assert _balance(app, payer) == 70000
    assert _entries(app, payer)[-1] == ("correction", -30000)


def test_above_the_threshold_it_waits_and_a_second_accountant_approves(app, first, second, payer):
    answer = _correct(first, payer, "credit", "6000")
    assert answer.status_code == 302
    assert _balance(app, payer) == 100000  # nothing posted yet
    correction_id = _waiting_id(app)
    assert "Approve" in second.get("/staff/corrections").get_data(as_text=True)
    assert _decide(second, correction_id, "approve").status_code == 302
    assert _balance(app, payer) == 700000
    # A second click finds it decided and posts nothing more.
    again = _decide(second, correction_id, "approve")
    assert "decided already" in second.get(again.headers["Location"]).get_data(as_text=True)
    assert _entries(app, payer) == [("payment", 100000), ("correction", 600000)]
    with app.app_context():
        actions = [e.action for e in audit.entries("tomtel", action="money.")]
        assert actions == ["money.correction_approved", "money.correction_requested"]
        approved = audit.entries("tomtel", action="money.correction_approved")[0]
        assert approved.changes()[0]["balance"] == 100000
        assert approved.changes()[1]["balance"] == 700000
        assert approved.subscriber_id == payer["id"]


def test_four_eyes_refuse_the_one_who_asked(app, first, payer):
    _correct(first, payer, "credit", "6000")
    correction_id = _waiting_id(app)
    page = first.get("/staff/corrections").get_data(as_text=True)
    assert "yours: another staff member decides" in page
    answer = _decide(first, correction_id, "approve")
    assert "Another staff member" in first.get(answer.headers["Location"]).get_data(as_text=True)
    assert _balance(app, payer) == 100000
    _decide(first, correction_id, "refuse", why="changed my mind")
    with app.app_context():
        assert db.session.get(StaffCorrection, correction_id).status == "pending"


def test_a_second_accountant_may_refuse_it(app, first, second, payer):
    _correct(first, payer, "debit", "6000")
    correction_id = _waiting_id(app)
    _decide(second, correction_id, "refuse", why="No reason to debit")
    with app.app_context():
        correction = db.session.get(StaffCorrection, correction_id)
        assert correction.status == "refused" and correction.refusal == "No reason to debit"
        refused = audit.entries("tomtel", action="money.correction_refused")[0]
        assert refused.changes() == (
            {"status": "pending"},
            {"correction": correction_id, "status": "refused", "refusal": "No reason to debit"},
        )
    assert _balance(app, payer) == 100000
    assert _decide(second, correction_id, "approve").status_code == 302
    assert _balance(app, payer) == 100000


def test_a_refund_cannot_exceed_what_was_paid(app, first, payer):
    answer = _correct(first, payer, "refund", "1000,01")
    assert answer.status_code == 422
    assert "A refund cannot be more than was paid in" in answer.get_data(as_text=True)
    assert _correct(first, payer, "refund", "600").status_code == 302
    assert _entries(app, payer)[-1] == (EntryKind.REFUND.value, -60000)
    # 600 ₽ of the 1 000 ₽ paid are refunded: 400 ₽ are left to refund.
    assert _correct(first, payer, "refund", "400,01").status_code == 422
    assert _correct(first, payer, "refund", "400").status_code == 302
    assert _balance(app, payer) == 0


def test_a_refund_cannot_take_what_was_spent(app, first, make_subscriber):
    spender = make_subscriber(tenant="tomtel", balance=100000)
    _correct(first, spender, "debit", "900")  # as if spent on service
    answer = _correct(first, spender, "refund", "200")
    assert answer.status_code == 422
    assert "at most ₽100.00 here" in answer.get_data(as_text=True)


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("abc", "Please enter an amount in roubles"),
        ("-5", "Please enter an amount in roubles"),
        ("0", "The amount must be more than zero."),
        ("", "Please fill in this field."),
    ],
)
def test_a_bad_amount_is_said_in_the_staff_members_language(app, first, payer, amount, message):
    answer = _correct(first, payer, "credit", amount)
    assert answer.status_code == 422
    assert message in answer.get_data(as_text=True)
    assert _entries(app, payer) == [("payment", 100000)]


def test_errors_speak_russian_to_a_russian_speaking_accountant(app, first, payer):
    first.set_cookie("lang", "ru", domain=HOST)
    answer = _correct(first, payer, "credit", "abc")
    page = answer.get_data(as_text=True)
    assert re.search(r"[а-яА-Я]", page)
    assert "Please enter an amount in roubles" not in page


def test_an_operator_may_not_correct(app, tenant_client, payer):
    member = make_member(app, "tomtel", Role.OPERATOR)
    client = tenant_client(HOST)
    log_in(app, client, member)
    assert client.get(f"/staff/subscribers/{payer['id']}/money").status_code == 403
    assert client.get("/staff/corrections").status_code == 403


def test_another_tenants_account_or_correction_is_not_found(app, first, make_subscriber):
    stranger = make_subscriber(tenant="athome", balance=100000)
    assert first.get(f"/staff/subscribers/{stranger['id']}/money").status_code == 404
    with app.app_context():
        correction = StaffCorrection(
            tenant="athome",
            account_id=stranger["account_id"],
            kind="credit",
            amount=600000,
            reason="x",
            status="pending",
            requested_by=make_member(app, "athome", Role.ACCOUNTANT).id,
            requested_by_name="A",
        )
        db.session.add(correction)
        db.session.commit()
        correction_id = correction.id
    assert _decide(first, correction_id, "approve").status_code == 404
    assert _balance(app, stranger) == 100000


def test_the_four_eyes_sum_is_the_isps_own_in_roubles():
    from app.tenancy.money_schema import Billing

    assert Billing().staff.four_eyes_above == 500000
    assert Billing.model_validate(
        {"staff": {"four_eyes_above": "1000.50"}}
    ).staff.four_eyes_above == (100050)
