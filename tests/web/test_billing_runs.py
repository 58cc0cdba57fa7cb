"""The daily run split by account range across jobs, the operator's dry run, progress and
the list of runs."""

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.billing import charging, ranges, schedule
from app.billing.models import BillingRun
from app.core.ledger import LedgerEntry
from app.core.subscribers import Account, AccountStatus
from app.extensions import db
from app.persistence import utcnow


@pytest.fixture
def ranges_of_two(app, monkeypatch):
    monkeypatch.setitem(app.config, "PORTAL_BILLING_RANGE", 2)


def _charges(tenant: str = "acme") -> list[str]:
    return db.session.scalars(
        sa.select(LedgerEntry.reference).where(
            LedgerEntry.tenant == tenant, LedgerEntry.reference.like("charge:%")
        )
    ).all()


def _acme(app):
    return app.extensions["tenancy"].tenants["acme"]


def test_ranges_cover_every_active_account_once(app, make_subscriber):
    made = [make_subscriber(balance=10_000) for _ in range(5)]
    make_subscriber(status="blocked")
    with app.app_context():
        spans = ranges.account_ranges("acme", 2)
        assert len(spans) == 3
        assert spans[-1][1] is None  # open-ended: an account added meanwhile is charged
        covered = [
            account_id
            for first, last in spans
            for account_id in (m["account_id"] for m in made)
            if first <= account_id and (last is None or account_id <= last)
        ]
    assert sorted(covered) == sorted(m["account_id"] for m in made)


def test_a_tenant_run_fans_out_by_range_and_finishes_once(app, make_subscriber, ranges_of_two):
    made = [make_subscriber(balance=100_000) for _ in range(5)]
    with app.app_context():
        said = schedule.run_tenant_job("acme")  # immediate queue: the ranges run inside
        run = db.session.scalars(sa.select(BillingRun)).one()
        assert "3 range(s) queued" in said
        assert (run.ranges, run.ranges_done, run.charged) == (3, 3, 5)
        assert run.finished_at is not None
        assert run.summary.startswith("acme (") and "charged 5 account(s)" in run.summary
        assert "option fees" in run.summary  # the day's jobs ran, after every range
        charges = _charges()
        assert len(charges) == len(set(charges)) == 5
        balances = db.session.scalars(
            sa.select(Account.balance).where(Account.id.in_([m["account_id"] for m in made]))
        ).all()
        assert run.kopecks == sum(100_000 - b for b in balances) > 0
        # The next hourly run finds the day charged: a new run, nothing charged twice.
        schedule.run_tenant_job("acme")
        assert len(_charges()) == 5
        latest = schedule.recent_runs()[0]
        assert latest.id != run.id and latest.charged == 0 and latest.finished_at is not None


def test_an_unfinished_run_keeps_the_next_one_away_until_it_is_abandoned(
    app, make_subscriber, ranges_of_two
):
    make_subscriber(balance=100_000)
    with app.app_context():
        going = BillingRun(tenant="acme", started_at=utcnow() - timedelta(minutes=30), ranges=4)
        db.session.add(going)
        db.session.commit()
        assert schedule.run_tenant_job("acme") is None
        assert _charges() == []
        going.started_at = utcnow() - schedule.ABANDONED_AFTER - timedelta(minutes=1)
        db.session.commit()
        assert "range(s) queued" in schedule.run_tenant_job("acme")
        db.session.refresh(going)
        assert going.finished_at is not None and going.summary.startswith("abandoned")
        assert len(_charges()) == 1


def test_a_range_of_a_finished_run_does_nothing(app, make_subscriber):
    make_subscriber(balance=100_000)
    with app.app_context():
        run = BillingRun(tenant="acme", started_at=utcnow(), ranges=1, finished_at=utcnow())
        db.session.add(run)
        db.session.commit()
        assert schedule.run_range_job("acme", run.id, 1, None) is None
        assert _charges() == []


def test_a_dry_run_says_what_it_would_do_and_writes_nothing(app, make_subscriber):
    rich = make_subscriber(balance=100_000)
    poor = make_subscriber(balance=0)
    result = app.test_cli_runner().invoke(
        args=["billing", "run", "--tenant", "acme", "--dry-run", "--json"]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    (acme,) = summary["tenants"]
    assert summary["dry_run"] is True and acme["dry_run"] is True
    assert acme["charged"] == 2 and acme["kopecks"] > 0 and acme["suspended"] == 1
    assert acme["jobs"] == []  # no reminders, no autopay in a dry run
    with app.app_context():
        assert _charges() == []
        statuses = db.session.scalars(
            sa.select(Account.status).where(
                Account.id.in_([rich["account_id"], poor["account_id"]])
            )
        ).all()
        assert set(statuses) == {AccountStatus.ACTIVE}
    text = app.test_cli_runner().invoke(args=["billing", "run", "--tenant", "acme", "--dry-run"])
    assert "DRY RUN" in text.output
    # The real run afterwards charges exactly what the dry run said.
    real = app.test_cli_runner().invoke(args=["billing", "run", "--tenant", "acme", "--json"])
    (done,) = json.loads(real.output)["tenants"]
    assert (done["charged"], done["kopecks"], done["suspended"]) == (2, acme["kopecks"], 1)


def test_progress_hears_of_every_account(app, make_subscriber):
    for _ in range(5):
        make_subscriber(balance=100_000)
    heard = []
    with app.app_context():
        charging.run_tenant(_acme(app), batch_size=2, progress=heard.append)
    assert heard == [2, 2, 1]


def test_the_operator_can_queue_the_run_and_list_the_runs(app, make_subscriber, ranges_of_two):
    for _ in range(3):
        make_subscriber(balance=100_000)
    runner = app.test_cli_runner()
    queued = runner.invoke(args=["billing", "run", "--tenant", "acme", "--queue"])
    assert queued.exit_code == 0, queued.output
    assert "billing queued for 1 tenant(s)" in queued.output
    listed = runner.invoke(args=["billing", "runs"])
    assert "acme" in listed.output and "finished, 2/2 range(s), charged 3" in listed.output
    (run,) = json.loads(runner.invoke(args=["billing", "runs", "--json"]).output)
    assert run["tenant"] == "acme" and run["ranges_done"] == 2 and run["summary"]
    refused = runner.invoke(args=["billing", "run", "--queue", "--dry-run"])
    assert refused.exit_code != 0 and "do not go together" in refused.output
