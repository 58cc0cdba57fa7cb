"""Load-test data made inside PostgreSQL: every login kind works, balances match their
ledgers, and the portal goes on making rows after it."""

import os

import pytest
import sqlalchemy as sa

from app.auth import service as auth
from app.core.ledger import LedgerEntry, balance_mismatches
from app.core.subscribers import Account
from app.demo import scale
from app.extensions import db
from app.tenancy.schema import IdentifierKind

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgresql"),
        reason="scale data is made inside PostgreSQL",
    ),
]


def test_scale_subscribers_log_in_by_every_kind_and_their_balances_add_up(
    app, make_subscriber, tenant_client
):
    registry = app.extensions["tenancy"]
    tomtel = registry.tenants["tomtel"]
    result = app.test_cli_runner().invoke(
        args=[
            "demo",
            "seed",
            "--scale",
            "30",
            "--entries",
            "5",
            "--deep",
            "40",
            "--tenant",
            "tomtel",
            "--tenant",
            "netbynet",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "30 subscriber(s), 190 ledger entries" in result.output
    with app.app_context():
        assert balance_mismatches() == []
        accounts = db.session.scalars(
            sa.select(Account).where(Account.tenant == "tomtel", Account.number.like("8%"))
        ).all()
        assert len(accounts) == 15
        deep = max(accounts, key=lambda a: a.id)
        assert (
            db.session.scalar(sa.select(sa.func.count()).where(LedgerEntry.account_id == deep.id))
            == 45
        )
        subscriber_id = db.session.scalar(
            sa.select(sa.text("subscriber_id FROM contract WHERE id = :id")).params(id=deep.id)
        )
        for identifier in tomtel.config.login.identifiers:
            typed = scale.sample_identifier(identifier.kind, subscriber_id)
            if identifier.kind == IdentifierKind.PHONE:
                typed = "8" + typed.removeprefix("+7")  # as a subscriber types it
            assert auth.find_subscriber_id(tomtel, typed) == subscriber_id, identifier.kind
    # The sequences moved past the explicit ids: the portal's own rows still insert.
    made = make_subscriber(tenant="tomtel", logins={"account": "123456789"})
    client = tenant_client("tomtel.localhost")
    answer = client.login(
        scale.sample_identifier(IdentifierKind.ACCOUNT, subscriber_id), scale.SCALE_PASSWORD
    )
    assert answer.status_code == 302, answer.get_data(as_text=True)[:2000]
    assert "Нагрузочный" in client.get("/").get_data(as_text=True)
    assert made["account_id"] > deep.id


def test_scale_data_refuses_login_rules_it_cannot_meet(app, monkeypatch):
    tomtel = app.extensions["tenancy"].tenants["tomtel"]
    monkeypatch.setattr(scale, "sample_identifier", lambda kind, subscriber_id=0: "x")
    with pytest.raises(scale.ScaleError, match="tomtel: generated account logins"):
        scale.check_tenant(tomtel)
