"""The console's queues: reviews, one-off orders and wrong-account transfers, per tenant."""

import re

import pytest
import sqlalchemy as sa

from app.core import audit
from app.core.ledger import LedgerEntry
from app.core.subscribers import Account, AccountStatus
from app.extensions import db
from app.notify.models import QueuedMessage
from app.options.models import Activation, Status
from app.staff.roles import Role
from app.transfers.models import TransferRequest, TransferStatus
from tests.web.queue_steps import ask_block, ask_option, file_transfer
from tests.web.staff_steps import log_in, make_member

PAGE_LANG = "en"


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True)).replace("\xa0", " ")


def _console(app, tenant_client, slug: str, role: Role, email: str | None = None):
    member = make_member(app, slug, role, email=email)
    client = tenant_client(f"{slug}.localhost")
    log_in(app, client, member)
    return client


def _get(app, model, key):
    with app.app_context():
        return db.session.get(model, key)


def _told(app, email: str) -> list[str]:
    """The subjects of the messages queued to this address."""
    with app.app_context():
        query = sa.select(QueuedMessage.subject).where(QueuedMessage.recipient == email)
        return list(db.session.scalars(query.order_by(QueuedMessage.id)))


def _audit(app, slug: str, action: str) -> list:
    with app.app_context():
        return [e.changes() for e in audit.entries(slug, action=action)]


@pytest.fixture
def uploads(app, tmp_path, monkeypatch):
    folder = tmp_path / "uploads"
    monkeypatch.setitem(app.config, "PORTAL_UPLOADS_DIR", str(folder))
    return folder


# Reviews


def test_an_operator_approves_a_voluntary_block_once(app, tenant_client, make_subscriber):
    facts = make_subscriber(tenant="netbynet", balance=100_000, surname="Блоков")
    activation = ask_block(app, "netbynet", facts["account_id"], days=14)
    operator = _console(app, tenant_client, "netbynet", Role.OPERATOR)

    page = _text(operator.get("/staff/reviews"))
    assert "Блоков" in page and facts["account"] in page and "Voluntary block" in page
    assert f'data-activation="{activation}"' in page and '<td data-label="Days">14</td>' in page

    approve = f"/staff/reviews/{activation}/approve"
    answer = operator.form(approve, {}, page="/staff/reviews")
    assert answer.status_code == 303
    assert _get(app, Activation, activation).status == Status.SCHEDULED  # it starts tomorrow
    page = _text(operator.get("/staff/reviews"))
    assert "«Voluntary block» is approved." in page and "Nothing waits for a decision." in page

    again = operator.form(approve, {}, page="/staff/reviews")
    assert again.status_code == 303
    assert "This request is already decided: nothing was changed." in _text(
        operator.get("/staff/reviews")
    )
    (entry,) = _audit(app, "netbynet", "reviews.approved")
    assert entry == ({"status": "requested"}, {"status": "scheduled", "reason": None})


def test_a_refusal_needs_a_reason_the_subscriber_then_reads(app, tenant_client, make_subscriber):
    facts = make_subscriber(
        tenant="netbynet",
        balance=100_000,
        password="Sunny-Garden-77",
        logins={"contract": "780007777"},
    )
    activation = ask_block(app, "netbynet", facts["account_id"])
    operator = _console(app, tenant_client, "netbynet", Role.OPERATOR)
    refuse = f"/staff/reviews/{activation}/refuse"

    operator.form(refuse, {"reason": "  "}, page="/staff/reviews")
    assert "Please write the reason the subscriber will read." in _text(
        operator.get("/staff/reviews")
    )
    assert _get(app, Activation, activation).status == Status.REQUESTED

    reason = "The contract is less than a month old."
    operator.form(refuse, {"reason": reason}, page="/staff/reviews")
    row = _get(app, Activation, activation)
    assert (row.status, row.decided_reason) == (Status.REFUSED, reason)
    assert _get(app, Account, facts["account_id"]).status == AccountStatus.ACTIVE
    decided = _text(operator.get("/staff/reviews"))
    assert f"Refused: {reason}" in decided
    (entry,) = _audit(app, "netbynet", "reviews.refused")
    assert entry == ({"status": "requested"}, {"status": "refused", "reason": reason})

    cabinet = tenant_client("netbynet.localhost")
    assert cabinet.login("780007777", "Sunny-Garden-77").status_code == 302
    mine = _text(cabinet.get("/my-services"))
    assert "Your request «Voluntary block» was refused." in mine and reason in mine


def test_each_queue_lists_only_this_tenants_requests(app, tenant_client, make_subscriber):
    netbynet = make_subscriber(tenant="netbynet", balance=100_000, surname="Нетов")
    iphome = make_subscriber(tenant="iphome", balance=100_000, surname="Айпишин", region="msk")
    block = ask_block(app, "netbynet", netbynet["account_id"])
    order = ask_option(app, "iphome", iphome["account_id"], "equipment", comment="Роутер")
    at_iphome = _console(app, tenant_client, "iphome", Role.OPERATOR, email="op@iphome.example")
    assert "Нетов" not in _text(at_iphome.get("/staff/reviews"))
    assert "Айпишин" in _text(at_iphome.get("/staff/orders"))
    assert (
        at_iphome.form(f"/staff/reviews/{block}/approve", {}, page="/staff/reviews").status_code
        == 404
    )
    at_netbynet = _console(app, tenant_client, "netbynet", Role.OPERATOR)
    assert "Нетов" in _text(at_netbynet.get("/staff/reviews"))
    assert "Айпишин" not in _text(at_netbynet.get("/staff/orders"))
    assert (
        at_netbynet.form(f"/staff/orders/{order}/done", {}, page="/staff/orders").status_code == 404
    )
    # An order is not a review: each queue decides its own kind only.
    assert (
        at_iphome.form(f"/staff/reviews/{order}/approve", {}, page="/staff/reviews").status_code
        == 404
    )
    assert _get(app, Activation, order).status == Status.REQUESTED
    assert _get(app, Activation, block).status == Status.REQUESTED


# Orders


def test_an_order_is_marked_done_or_refused(app, tenant_client, make_subscriber):
    facts = make_subscriber(
        tenant="iphome",
        balance=100_000,
        region="msk",
        phone="+79161234567",
        email="orders@example.com",
        locale="en",
    )
    first = ask_option(app, "iphome", facts["account_id"], "equipment", comment="A router, please")
    second = ask_option(app, "iphome", facts["account_id"], "equipment", comment="A cable")
    operator = _console(app, tenant_client, "iphome", Role.OPERATOR)
    page = _text(operator.get("/staff/orders"))
    assert "A router, please" in page and "A cable" in page and "+79161234567" in page

    assert operator.form(f"/staff/orders/{first}/done", {}, page="/staff/orders").status_code == 303
    assert _get(app, Activation, first).status == Status.ACTIVE
    operator.form(
        f"/staff/orders/{second}/refuse", {"reason": "Out of stock"}, page="/staff/orders"
    )
    assert _get(app, Activation, second).status == Status.REFUSED
    operator.form(f"/staff/orders/{first}/done", {}, page="/staff/orders")
    page = _text(operator.get("/staff/orders"))
    assert "This request is already decided" in page
    assert "Done" in page and "Refused: Out of stock" in page
    assert len(_audit(app, "iphome", "orders.done")) == 1
    # Told through the channel chosen for answers to requests, once per decision.
    told = _told(app, "orders@example.com")
    assert told == ["IP-Home: reply to your request «Order equipment»"] * 2, told
    assert len(_audit(app, "iphome", "orders.refused")) == 1


def test_an_accountant_sees_no_review_queue_and_an_auditor_changes_nothing(
    app, tenant_client, make_subscriber
):
    facts = make_subscriber(tenant="netbynet", balance=100_000)
    activation = ask_block(app, "netbynet", facts["account_id"])
    accountant = _console(app, tenant_client, "netbynet", Role.ACCOUNTANT)
    assert accountant.get("/staff/reviews").status_code == 403
    auditor = _console(app, tenant_client, "netbynet", Role.AUDITOR)
    page = _text(auditor.get("/staff/reviews"))
    assert f'data-activation="{activation}"' in page and "/approve" not in page
    assert (
        auditor.form(f"/staff/reviews/{activation}/approve", {}, page="/staff/reviews").status_code
        == 403
    )


# Transfers


def _two_accounts(make_subscriber, balance_wrong=200_000, balance_right=10_000):
    """The payer (whose account the money was meant for) and the holder it reached."""
    payer = make_subscriber(tenant="athome", balance=balance_right, surname="Плательщик")
    holder = make_subscriber(tenant="athome", balance=balance_wrong, surname="Получатель")
    return payer, holder


def _balances(app, *facts) -> list[int]:
    return [_get(app, Account, f["account_id"]).balance for f in facts]


def test_an_accountant_approves_a_transfer_and_the_money_moves_once(
    app, tenant_client, make_subscriber, uploads
):
    payer, holder = _two_accounts(make_subscriber)
    transfer = file_transfer(app, "athome", payer["id"], payer["account"], 150_050, uploads)
    accountant = _console(app, tenant_client, "athome", Role.ACCOUNTANT)
    page = _text(accountant.get("/staff/transfers"))
    assert "TR-000001" in page and "1,500.50" in page
    assert (
        f'name="target" id="target-{transfer}" class="field-input" maxlength="40" required' in page
    )

    approve = f"/staff/transfers/{transfer}/approve"
    data = {"source": holder["account"], "target": payer["account"], "note": "Moved."}
    assert accountant.form(approve, data, page="/staff/transfers").status_code == 303
    assert _balances(app, payer, holder) == [10_000 + 150_050, 200_000 - 150_050]
    filed = _get(app, TransferRequest, transfer)
    assert (filed.status, filed.staff_note) == (TransferStatus.DONE, "Moved.")
    assert "TR-000001 is done: the money moved from" in _text(accountant.get("/staff/transfers"))

    accountant.form(approve, data, page="/staff/transfers")
    assert "This request is already decided" in _text(accountant.get("/staff/transfers"))
    assert _balances(app, payer, holder) == [10_000 + 150_050, 200_000 - 150_050]
    with app.app_context():
        refs = db.session.scalars(
            sa.select(LedgerEntry.reference).where(LedgerEntry.reference.like("transfer-%"))
        ).all()
    assert sorted(refs) == [f"transfer-in:{transfer}", f"transfer-out:{transfer}"]
    (entry,) = _audit(app, "athome", "transfers.approved")
    assert entry[0] == {"status": "submitted"}
    assert entry[1]["status"] == "done" and entry[1]["amount"] == 150_050
    assert (entry[1]["from_account"], entry[1]["to_account"]) == (
        holder["account"],
        payer["account"],
    )


def test_a_transfer_lifts_a_debt_block_of_the_right_account(
    app, tenant_client, make_subscriber, uploads
):
    payer = make_subscriber(tenant="athome", status="blocked")
    holder = make_subscriber(tenant="athome", balance=50_000)
    transfer = file_transfer(app, "athome", payer["id"], payer["account"], 50_000, uploads)
    accountant = _console(app, tenant_client, "athome", Role.ACCOUNTANT)
    data = {"source": holder["account"], "target": payer["account"]}
    accountant.form(f"/staff/transfers/{transfer}/approve", data, page="/staff/transfers")
    assert _get(app, Account, payer["account_id"]).status == AccountStatus.ACTIVE


@pytest.mark.parametrize(
    ("source", "target", "message"),
    [
        ("999999", None, "There is no account 999999 in this ISP to take the money from."),
        (None, "999999", "There is no account 999999 in this ISP to put the money on."),
        ("payer", "payer", "The money would go to the account it is taken from"),
        ("", None, "Please give both account numbers."),
    ],
)
def test_a_transfer_between_accounts_that_do_not_fit_moves_nothing(
    app, tenant_client, make_subscriber, uploads, source, target, message
):
    payer, holder = _two_accounts(make_subscriber)
    named = {"payer": payer["account"], None: None}
    source = named.get(source, source) if source != "" else ""
    source = holder["account"] if source is None else source
    target = payer["account"] if target is None else named.get(target, target)
    transfer = file_transfer(app, "athome", payer["id"], payer["account"], 1_000, uploads)
    accountant = _console(app, tenant_client, "athome", Role.ACCOUNTANT)
    data = {"source": source, "target": target}
    accountant.form(f"/staff/transfers/{transfer}/approve", data, page="/staff/transfers")
    assert message in _text(accountant.get("/staff/transfers"))
    assert _get(app, TransferRequest, transfer).status == TransferStatus.SUBMITTED
    assert _balances(app, payer, holder) == [10_000, 200_000]


def test_another_tenants_account_is_not_one_to_move_money_from(
    app, tenant_client, make_subscriber, uploads
):
    payer = make_subscriber(tenant="athome", balance=10_000)
    elsewhere = make_subscriber(tenant="netbynet", balance=200_000)
    transfer = file_transfer(app, "athome", payer["id"], payer["account"], 1_000, uploads)
    accountant = _console(app, tenant_client, "athome", Role.ACCOUNTANT)
    data = {"source": elsewhere["account"], "target": payer["account"]}
    accountant.form(f"/staff/transfers/{transfer}/approve", data, page="/staff/transfers")
    assert "There is no account" in _text(accountant.get("/staff/transfers"))
    assert _balances(app, payer, elsewhere) == [10_000, 200_000]
    # And another tenant's accountant does not find the request at all.
    stranger = _console(app, tenant_client, "netbynet", Role.ACCOUNTANT, email="acc@nbn.example")
    assert "TR-000001" not in _text(stranger.get("/staff/transfers"))
    answer = stranger.form(f"/staff/transfers/{transfer}/approve", data, page="/staff/transfers")
    assert answer.status_code == 404
    assert stranger.get(f"/staff/transfers/{transfer}/receipt").status_code == 404


def test_a_refused_transfer_tells_the_subscriber_why(app, tenant_client, make_subscriber, uploads):
    payer = make_subscriber(
        tenant="athome",
        balance=10_000,
        password="Sunny-Garden-77",
        logins={"login": "payer_1"},
        email="payer@example.com",
        locale="en",
    )
    transfer = file_transfer(app, "athome", payer["id"], payer["account"], 1_000, uploads)
    accountant = _console(app, tenant_client, "athome", Role.ACCOUNTANT)
    refuse = f"/staff/transfers/{transfer}/refuse"
    accountant.form(refuse, {"reason": ""}, page="/staff/transfers")
    assert "Please write the reason" in _text(accountant.get("/staff/transfers"))
    reason = "No such payment reached us on that day."
    accountant.form(refuse, {"reason": reason}, page="/staff/transfers")
    assert _get(app, TransferRequest, transfer).status == TransferStatus.REJECTED
    accountant.form(refuse, {"reason": reason}, page="/staff/transfers")
    assert "This request is already decided" in _text(accountant.get("/staff/transfers"))
    assert len(_audit(app, "athome", "transfers.refused")) == 1
    assert len(_told(app, "payer@example.com")) == 1
    assert "TR-000001" in _told(app, "payer@example.com")[0]

    cabinet = tenant_client("athome.localhost")
    assert cabinet.login("payer_1", "Sunny-Garden-77").status_code == 302
    mine = _text(cabinet.get("/transfers/1"))
    assert 'data-status="rejected"' in mine and reason in mine


def test_an_operator_sees_the_transfer_queue_but_only_money_moves_it(
    app, tenant_client, make_subscriber, uploads
):
    payer, holder = _two_accounts(make_subscriber)
    transfer = file_transfer(app, "athome", payer["id"], payer["account"], 1_000, uploads)
    operator = _console(app, tenant_client, "athome", Role.OPERATOR)
    page = _text(operator.get("/staff/transfers"))
    assert "TR-000001" in page and "Only an accountant approves or refuses a transfer." in page
    assert "/approve" not in page
    data = {"source": holder["account"], "target": payer["account"]}
    answer = operator.form(f"/staff/transfers/{transfer}/approve", data, page="/staff/transfers")
    assert answer.status_code == 403
    assert _balances(app, payer, holder) == [10_000, 200_000]
    receipt = operator.get(f"/staff/transfers/{transfer}/receipt")
    assert receipt.status_code == 200 and receipt.headers["Content-Type"] == "image/png"
    assert "attachment" in receipt.headers["Content-Disposition"]


def test_the_command_line_moves_money_only_by_approving(app, make_subscriber, uploads):
    payer, holder = _two_accounts(make_subscriber)
    file_transfer(app, "athome", payer["id"], payer["account"], 5_000, uploads)
    runner = app.test_cli_runner()
    done = runner.invoke(args=["transfers", "set-status", "TR-000001", "done"])
    assert done.exit_code != 0 and "only approving it moves the money" in done.output
    moved = runner.invoke(
        args=[
            "transfers",
            "approve",
            "TR-000001",
            "--from",
            holder["account"],
            "--tenant",
            "athome",
        ]
    )
    assert moved.exit_code == 0, moved.output
    assert "is now done: 50.00 RUB moved" in moved.output
    assert _balances(app, payer, holder) == [15_000, 195_000]
    again = runner.invoke(args=["transfers", "approve", "TR-000001", "--from", holder["account"]])
    assert again.exit_code != 0 and "already decided" in again.output
    back = runner.invoke(args=["transfers", "set-status", "TR-000001", "in_review"])
    assert back.exit_code != 0 and "already decided" in back.output
    assert _balances(app, payer, holder) == [15_000, 195_000]
