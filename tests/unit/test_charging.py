"""The daily run: each active account pays a day's part of its monthly fees, exactly once."""

import calendar
import dataclasses
import time
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from app.billing import promised
from app.billing.charging import run_tenant
from app.billing.models import PromisedPayment
from app.core.ledger import EntryKind, LedgerEntry, balance_mismatches, credit
from app.core.signals import daily_run
from app.core.subscribers import Account, AccountStatus, ServicePoint
from app.extensions import db
from app.persistence import UTCDateTime

pytestmark = pytest.mark.usefixtures("without_autopay")

BASIC, FAST = 60000, 93050  # the acme test tenant's tariffs, in kopecks


def tenant(app, slug: str = "acme"):
    return app.extensions["tenancy"].tenants[slug]


def account(account_id: int) -> Account:
    db.session.expire_all()
    return db.session.get(Account, account_id)


def charges(account_id: int) -> list[tuple[str, int]]:
    rows = db.session.execute(
        sa.select(LedgerEntry.reference, LedgerEntry.amount)
        .where(LedgerEntry.account_id == account_id, LedgerEntry.kind == EntryKind.CHARGE)
        .order_by(LedgerEntry.id)
    )
    return [tuple(row) for row in rows]


def test_a_day_charges_each_points_daily_part(app, make_subscriber, ctx):
    facts = make_subscriber(balance=100000, tariffs=("basic", "fast"))
    report = run_tenant(tenant(app), date(2025, 3, 10))
    part = BASIC // 31 + FAST // 31
    assert charges(facts["account_id"]) == [(f"charge:{facts['account_id']}:2025-03-10", -part)]
    assert account(facts["account_id"]).balance == 100000 - part
    assert (report.charged, report.kopecks, report.suspended) == (1, part, 0)


def test_running_twice_charges_once_and_balances_verify(app, make_subscriber, ctx):
    first = make_subscriber(balance=50000)
    second = make_subscriber(balance=50000, tariffs=("fast",))
    runner = app.test_cli_runner()
    once = runner.invoke(args=["billing", "run", "--date", "2025-03-10", "--tenant", "acme"])
    again = runner.invoke(args=["billing", "run", "--date", "2025-03-10", "--tenant", "acme"])
    assert "charged 2 account(s)" in once.output
    assert "charged 0 account(s), 0.00 RUB" in again.output
    for facts in (first, second):
        assert len(charges(facts["account_id"])) == 1
    assert account(first["account_id"]).balance == 50000 - BASIC // 31
    assert balance_mismatches() == []
    verify = runner.invoke(args=["billing", "verify"])
    assert verify.exit_code == 0, verify.output
    assert "All balances match" in verify.output


@pytest.mark.parametrize(
    "year, month", [(2025, 1), (2025, 4), (2024, 2), (2025, 2)], ids=["31", "30", "29", "28"]
)
def test_a_whole_month_sums_exactly_to_the_fee(app, make_subscriber, ctx, year, month):
    facts = make_subscriber(balance=1_000_000, tariffs=("basic", "fast"))
    db.session.execute(sa.update(ServicePoint).values(active_since=date(2020, 1, 1)))
    db.session.commit()
    days = calendar.monthrange(year, month)[1]
    for day in range(1, days + 1):
        run_tenant(tenant(app), date(year, month, day))
    amounts = [amount for _, amount in charges(facts["account_id"])]
    assert len(amounts) == days
    assert -sum(amounts) == BASIC + FAST
    assert account(facts["account_id"]).balance == 1_000_000 - BASIC - FAST


def test_utc_plus_7_region_is_charged_for_its_own_date(app, make_subscriber, ctx):
    facts = make_subscriber(balance=100000, region="south")  # Asia/Novosibirsk, UTC+7
    late_evening_utc = datetime(2025, 3, 31, 23, 30, tzinfo=UTC)  # already 1 April there
    run_tenant(tenant(app), now=late_evening_utc)
    # April has 30 days: 600 ₽ / 30; the 31st of March would have charged 19.50 ₽.
    assert charges(facts["account_id"]) == [(f"charge:{facts['account_id']}:2025-04-01", -2000)]


def test_each_tenant_charges_the_date_of_its_own_timezone(app, make_subscriber, ctx):
    siberia = make_subscriber(balance=100000)  # acme: Asia/Krasnoyarsk
    moscow = make_subscriber(tenant="athome", balance=100000, logins={"login": "moscow1"})
    evening = datetime(2025, 3, 31, 20, 30, tzinfo=UTC)  # 03:30 on 1 April / 23:30 on 31 March
    run_tenant(tenant(app), now=evening)
    run_tenant(tenant(app, "athome"), now=evening)
    assert charges(siberia["account_id"])[0][0].endswith(":2025-04-01")
    assert charges(moscow["account_id"])[0][0].endswith(":2025-03-31")


def test_regions_on_different_dates_are_each_charged_their_own(app, make_subscriber, ctx):
    acme = tenant(app)
    # Move the «south» region to Moscow time: at 19:30 UTC it is still 31 March there,
    # while Krasnoyarsk (the tenant's own zone and «north») is already on 1 April.
    regions = tuple(
        r.model_copy(update={"timezone": "Europe/Moscow"}) if r.code == "south" else r
        for r in acme.config.regions
    )
    split = dataclasses.replace(acme, config=acme.config.model_copy(update={"regions": regions}))
    people = {
        region: make_subscriber(balance=100000, region=region)["account_id"]
        for region in ("north", "south", None, "closed-region")
    }
    run_tenant(split, now=datetime(2025, 3, 31, 19, 30, tzinfo=UTC))
    days = {region: [ref[-10:] for ref, _ in charges(a)] for region, a in people.items()}
    assert days == {
        "north": ["2025-04-01"],
        "south": ["2025-03-31"],
        None: ["2025-04-01"],
        "closed-region": ["2025-04-01"],  # a region the tenant no longer has: its own zone
    }


def test_paused_and_blocked_accounts_are_not_charged(app, make_subscriber, ctx):
    paused = make_subscriber(balance=100000, status="paused")
    blocked = make_subscriber(balance=-5000, status="blocked")
    report = run_tenant(tenant(app), date(2025, 3, 10))
    assert charges(paused["account_id"]) == charges(blocked["account_id"]) == []
    assert report.charged == 0


def test_a_point_is_charged_from_the_day_it_becomes_active(app, make_subscriber, ctx):
    facts = make_subscriber(balance=100000)
    point = db.session.scalar(
        sa.select(ServicePoint).where(ServicePoint.account_id == facts["account_id"])
    )
    point.active_since = date(2025, 3, 11)
    db.session.commit()
    run_tenant(tenant(app), date(2025, 3, 10))
    run_tenant(tenant(app), date(2025, 3, 11))
    assert [ref[-10:] for ref, _ in charges(facts["account_id"])] == ["2025-03-11"]


def test_falling_below_the_threshold_suspends_and_a_payment_resumes(app, make_subscriber, ctx):
    poor = make_subscriber(balance=1000)  # 10 ₽, less than a day of 600 ₽ a month
    rich = make_subscriber(balance=100000)
    report = run_tenant(tenant(app), date(2025, 3, 10))
    assert report.suspended == 1
    assert account(poor["account_id"]).status == AccountStatus.BLOCKED
    assert account(poor["account_id"]).balance == 1000 - BASIC // 31
    assert account(rich["account_id"]).status == AccountStatus.ACTIVE

    run_tenant(tenant(app), date(2025, 3, 11))  # blocked: access is off, nothing charged
    assert len(charges(poor["account_id"])) == 1

    credit(tenant(app), poor["account_id"], 50000, EntryKind.PAYMENT, "bank:1")
    db.session.commit()
    assert account(poor["account_id"]).status == AccountStatus.ACTIVE
    run_tenant(tenant(app), date(2025, 3, 12))
    assert len(charges(poor["account_id"])) == 2
    assert balance_mismatches() == []


def test_a_payment_that_leaves_a_debt_does_not_resume(app, make_subscriber, ctx):
    facts = make_subscriber(balance=-10000, status="blocked")
    credit(tenant(app), facts["account_id"], 5000, EntryKind.PAYMENT, "bank:2")
    db.session.commit()
    assert account(facts["account_id"]).status == AccountStatus.BLOCKED


def test_an_open_promised_payment_keeps_access_until_due_then_is_written_off(
    app, make_subscriber, ctx
):
    facts = make_subscriber(
        tenant="athome", balance=-90000, status="blocked", logins={"login": "a1"}
    )
    athome = tenant(app, "athome")
    taken = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)
    promise = promised.take(athome, facts["account_id"], now=taken)
    db.session.commit()
    assert promise.amount == 45000  # the monthly fee of «Прогулка»
    assert account(facts["account_id"]).status == AccountStatus.ACTIVE  # still -450 ₽

    for day in range(10, 15):  # five days of access although the balance is negative
        report = run_tenant(athome, date(2025, 3, day))
        assert report.suspended == 0 and report.repaid == 0
    assert account(facts["account_id"]).status == AccountStatus.ACTIVE

    report = run_tenant(athome, date(2025, 3, 15))
    assert report.repaid == 1
    repayment = db.session.scalar(
        sa.select(LedgerEntry).where(LedgerEntry.reference == f"promised-repay:{promise.id}")
    )
    assert (repayment.kind, repayment.amount) == (EntryKind.PROMISED_REPAYMENT, -45000)
    assert db.session.get(PromisedPayment, promise.id).closed_at is not None
    assert account(facts["account_id"]).status == AccountStatus.BLOCKED
    assert run_tenant(athome, date(2025, 3, 15)).repaid == 0  # written off once
    assert balance_mismatches() == []


def test_daily_jobs_run_after_charging_and_report(app, make_subscriber, ctx):
    calls = []

    def job(tenant, local_date):
        calls.append((tenant.slug, local_date))
        return "reminders 3 sent"

    make_subscriber(balance=100000)
    with daily_run.connected_to(job):
        result = app.test_cli_runner().invoke(
            args=["billing", "run", "--date", "2025-03-10", "--tenant", "acme"]
        )
    assert calls == [("acme", date(2025, 3, 10))]
    assert "reminders 3 sent" in result.output
    assert result.exit_code == 0, result.output


def test_a_failing_job_keeps_the_charges_and_fails_the_command(app, make_subscriber, ctx):
    facts = make_subscriber(balance=100000)

    def job(tenant, local_date):
        raise RuntimeError("gateway down\nmore")

    with daily_run.connected_to(job):
        result = app.test_cli_runner().invoke(
            args=["billing", "run", "--date", "2025-03-10", "--tenant", "acme"]
        )
    assert result.exit_code == 1
    assert "FAILED (RuntimeError: gateway down)" in result.output
    assert len(charges(facts["account_id"])) == 1


def test_the_run_works_without_any_daily_job(app, make_subscriber, ctx):
    facts = make_subscriber(balance=100000)
    result = app.test_cli_runner().invoke(
        args=["billing", "run", "--date", "2025-03-10", "--tenant", "acme"]
    )
    assert result.exit_code == 0, result.output
    assert "autopay" not in result.output
    assert len(charges(facts["account_id"])) == 1


def test_an_unknown_tenant_is_refused(app):
    result = app.test_cli_runner().invoke(args=["billing", "run", "--tenant", "nope"])
    assert result.exit_code != 0
    assert "no tenant 'nope'" in result.output


# -- 100,000 accounts --------------------------------------------------------------------

ACCOUNTS = 100_000
FIRST_ID = 1_000_001  # far above what the sequences of other tests hand out


# Generated inside the database (INSERT … SELECT over a counter), so seeding takes about
# as long as the run itself. Odd accounts start with 500 ₽ from an opening payment, even
# ones with nothing; regions alternate north, south and none; tariffs basic and fast.
SERIES = (
    "WITH RECURSIVE n(i) AS "
    "(SELECT CAST(:first AS INTEGER) UNION ALL SELECT i + 1 FROM n WHERE i < :last) "
)

SEED = [
    "INSERT INTO subscriber (id, tenant, kind, region, created_at) "
    "SELECT i, 'acme', 'person', CASE i % 3 WHEN 0 THEN 'north' WHEN 1 THEN 'south' END, "
    ":now FROM n",
    "INSERT INTO contract (id, tenant, subscriber_id, number, signed_on) "
    "SELECT i, 'acme', i, 'B' || CAST(i AS VARCHAR), :signed FROM n",
    "INSERT INTO account (id, tenant, contract_id, number, balance, status, balance_updated_at) "
    "SELECT i, 'acme', i, CAST(i AS VARCHAR), 50000 * (i % 2), 'active', :now FROM n",
    "INSERT INTO service_point (id, tenant, account_id, address, tariff_code, active_since) "
    "SELECT i, 'acme', i, '-', CASE i % 2 WHEN 0 THEN 'basic' ELSE 'fast' END, :signed FROM n",
    "INSERT INTO ledger_entry "
    "(tenant, account_id, amount, kind, reference, description, created_at) "
    "SELECT 'acme', i, 50000, 'payment', 'seed:' || CAST(i AS VARCHAR), '', :now "
    "FROM n WHERE i % 2 = 1",
]
TYPED = [sa.bindparam("now", type_=UTCDateTime), sa.bindparam("signed", type_=sa.Date)]


def _seed(count: int) -> None:
    """Bulk-insert subscribers, contracts, accounts, points and opening payments."""
    values = {
        "first": FIRST_ID,
        "last": FIRST_ID + count - 1,
        "now": datetime(2025, 3, 1, tzinfo=UTC),
        "signed": date(2025, 1, 1),
    }
    if db.engine.dialect.name == "postgresql":
        # The rows are consistent by construction; skipping 400,000 foreign-key checks
        # halves the seeding time. Only for this transaction.
        db.session.execute(sa.text("SET LOCAL session_replication_role = replica"))
    for sql in SEED:
        typed = [bind for bind in TYPED if f":{bind.key}" in sql]
        statement = sa.text(SERIES + sql).bindparams(*typed)
        db.session.execute(statement, {k: v for k, v in values.items() if f":{k}" in SERIES + sql})
    db.session.commit()
    # A production database has planner statistics; a freshly filled one must gather them.
    db.session.execute(sa.text("ANALYZE"))
    db.session.commit()


@pytest.fixture
def big_tables(ctx):
    """Empty the seeded tables at once afterwards: row-by-row clean-up of 100,000 accounts
    (and their foreign-key checks) would take longer than the test."""
    yield
    db.session.remove()  # end this test's transaction: TRUNCATE waits for every reader
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(sa.text("TRUNCATE subscriber, ledger_entry CASCADE"))


def test_100k_accounts_are_charged_in_seconds(app, ctx, big_tables):
    started = time.perf_counter()
    _seed(ACCOUNTS)
    seeded = time.perf_counter()
    report = run_tenant(tenant(app), date(2025, 3, 10))
    elapsed = time.perf_counter() - seeded
    print(
        f"\nflask billing run: {ACCOUNTS} accounts charged in {elapsed:.2f} s "
        f"on {db.engine.dialect.name} (seeded in {seeded - started:.2f} s)"
    )
    assert report.charged == ACCOUNTS
    assert report.kopecks == ACCOUNTS // 2 * (BASIC // 31 + FAST // 31)
    assert report.suspended == ACCOUNTS // 2  # the half that had no money
    assert elapsed < 30
    assert balance_mismatches("acme") == []
