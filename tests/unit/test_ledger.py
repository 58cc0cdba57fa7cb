"""The ledger keeps the cached balance equal to the sum of its entries."""

import pytest
import sqlalchemy as sa

from app.core.ledger import EntryKind, LedgerEntry, balance_mismatches, post_entry
from app.core.subscribers import Account
from app.extensions import db


@pytest.fixture
def account(app, make_subscriber):
    facts = make_subscriber()
    with app.app_context():
        yield facts["account_id"]


def balance(account_id: int) -> int:
    db.session.expire_all()
    return db.session.get(Account, account_id).balance


def test_entries_move_the_balance(account):
    post_entry("acme", account, 50000, EntryKind.PAYMENT, "pay-1")
    post_entry("acme", account, -2000, EntryKind.CHARGE, "charge-1")
    db.session.commit()
    assert balance(account) == 48000
    assert balance_mismatches() == []


def test_the_same_reference_credits_once(account):
    first = post_entry("acme", account, 50000, EntryKind.PAYMENT, "gateway:42")
    again = post_entry("acme", account, 50000, EntryKind.PAYMENT, "gateway:42")
    db.session.commit()
    assert again.id == first.id
    assert balance(account) == 50000
    count = db.session.scalar(sa.select(sa.func.count()).select_from(LedgerEntry))
    assert count == 1


def test_amounts_are_integer_kopecks(account):
    with pytest.raises(TypeError):
        post_entry("acme", account, 500.0, EntryKind.PAYMENT, "float")


def test_another_tenants_account_cannot_be_posted_to(account):
    with pytest.raises(LookupError):
        post_entry("tomtel", account, 100, EntryKind.PAYMENT, "cross")


def test_a_cached_balance_edited_behind_the_ledger_is_detected(account):
    post_entry("acme", account, 1000, EntryKind.PAYMENT, "p")
    db.session.execute(sa.update(Account).where(Account.id == account).values(balance=999))
    db.session.commit()
    assert balance_mismatches() == [("acme", db.session.get(Account, account).number, 999, 1000)]


def test_a_credit_that_clears_the_debt_lifts_the_block_and_says_so(app, make_subscriber):
    from app.core.ledger import credit
    from app.core.signals import account_status_changed

    facts = make_subscriber(balance=-5000, status="blocked")
    heard = []

    def listener(tenant, account_id, old, new, cause):
        heard.append((tenant.slug, account_id, old, new, cause))

    with app.app_context(), account_status_changed.connected_to(listener):
        acme = app.extensions["tenancy"].tenants["acme"]
        credit(acme, facts["account_id"], 2000, EntryKind.PAYMENT, "pay-small")
        assert heard == []  # still in debt: still blocked
        credit(acme, facts["account_id"], 9000, EntryKind.PAYMENT, "pay-rest")
        db.session.commit()
        assert db.session.get(Account, facts["account_id"]).status == "active"
    assert heard == [("acme", facts["account_id"], "blocked", "active", "payment")]


def test_an_account_without_entries_agrees_with_its_zero_balance(app, make_subscriber):
    make_subscriber()
    with app.app_context():
        assert balance_mismatches() == []


def test_a_balance_without_any_entry_is_a_mismatch(app, make_subscriber):
    facts = make_subscriber()
    with app.app_context():
        db.session.execute(sa.update(Account).values(balance=700))
        db.session.commit()
        assert balance_mismatches() == [("acme", facts["account"], 700, 0)]


def test_mismatches_can_be_asked_for_one_tenant(app, make_subscriber):
    acme = make_subscriber(tenant="acme", balance=1000)
    tomtel = make_subscriber(tenant="tomtel", balance=2000)
    with app.app_context():
        db.session.execute(sa.update(Account).values(balance=Account.balance + 1))
        db.session.commit()
        assert balance_mismatches("acme") == [("acme", acme["account"], 1001, 1000)]
        assert balance_mismatches("tomtel") == [("tomtel", tomtel["account"], 2001, 2000)]
        assert len(balance_mismatches()) == 2


def test_entry_kinds_have_translated_names_and_an_unknown_one_shows_its_code(app):
    from flask_babel import force_locale

    from app.core.ledger import kind_label

    with app.test_request_context(), force_locale("en"):
        assert kind_label("payment") == "Payment"
        assert kind_label("promised_repayment") == "Promised payment repaid"
        assert kind_label("bonus") == "bonus"


def test_locking_finds_exactly_the_tenants_account(app, make_subscriber):
    from app.core.ledger import lock_account

    make_subscriber()
    second = make_subscriber()
    with app.app_context():
        assert lock_account("acme", second["account_id"]).id == second["account_id"]
        assert lock_account("tomtel", second["account_id"]) is None


def test_locking_reads_the_balance_afresh(app, make_subscriber):
    from app.core.ledger import lock_account

    facts = make_subscriber(balance=-5000)
    with app.app_context():
        stale = db.session.get(Account, facts["account_id"])
        assert stale.balance == -5000
        with db.engine.begin() as other:  # another request paid meanwhile
            other.execute(
                sa.update(Account).where(Account.id == facts["account_id"]).values(balance=100)
            )
        assert lock_account("acme", facts["account_id"]).balance == 100
        db.session.rollback()


def test_a_credit_must_be_at_least_a_kopeck_and_reaching_the_threshold_unblocks(
    app, make_subscriber
):
    from app.core.ledger import credit

    facts = make_subscriber(tenant="athome", balance=-1, status="blocked", logins={})
    with app.app_context():
        athome = app.extensions["tenancy"].tenants["athome"]  # suspends below 0
        with pytest.raises(ValueError, match=r"^a credit must be a positive number of kopecks$"):
            credit(athome, facts["account_id"], 0, EntryKind.PAYMENT, "nothing")
        entry = credit(athome, facts["account_id"], 1, EntryKind.PAYMENT, "one-kopeck")
        db.session.commit()
        assert entry.description == ""  # none given
        account_row = db.session.get(Account, facts["account_id"])
        assert (account_row.balance, account_row.status) == (0, "active")


def test_refusals_name_their_reason(account):
    with pytest.raises(TypeError, match=r"^ledger amounts are integer kopecks$"):
        post_entry("acme", account, True, EntryKind.PAYMENT, "bool")
    with pytest.raises(LookupError, match=rf"^no account {account} in tenant tomtel$"):
        post_entry("tomtel", account, 100, EntryKind.PAYMENT, "cross")


def test_an_entry_posted_without_words_has_none(account):
    entry = post_entry("acme", account, 100, EntryKind.PAYMENT, "no-words")
    assert entry.description == ""


def test_a_kind_is_named_in_the_tenants_words_outside_a_request(app):
    from flask_babel import force_locale

    from app.core.ledger import kind_label

    tenants = app.extensions["tenancy"].tenants
    with app.app_context(), force_locale("en"):
        assert kind_label(EntryKind.PROMISED_CREDIT, tenants["tomtel"]) == "Trust payment"
        assert kind_label(EntryKind.PROMISED_CREDIT, tenants["athome"]) == "Promised payment"
