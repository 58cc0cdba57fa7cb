"""Prepay: its price and refusals, the days the daily run leaves out, the refund when the
tariff changes, the statement's words and the dashboard's days left. The acme test tenant
lives in UTC+7 (Krasnoyarsk), so local dates and UTC ones differ at night."""

import dataclasses
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

import app.services.service as services
from app.account.service import account_overview, with_prepaid
from app.billing.charging import run_tenant
from app.core.ledger import LedgerEntry, balance_mismatches
from app.core.subscribers import Account, AccountStatus, ServicePoint, subscriber_of
from app.extensions import db
from app.options import service
from app.options.models import Status
from app.options.prepay import prepay_refund
from app.options.rules import Refusal, Request
from app.tenancy.schema import ChangeTiming, TariffChange

pytestmark = pytest.mark.usefixtures("without_autopay")

NOW = datetime(2026, 3, 10, 3, 0, tzinfo=UTC)  # 10:00 on 10 March in Krasnoyarsk
BASIC, FAST = 60000, 93050


@pytest.fixture
def acme(app):
    return app.extensions["tenancy"].tenants["acme"]


def tenant_with(acme, regions=None, rules=None, **option):
    """acme with the season option's rules changed, other region prices or change rules."""
    catalogue = acme.config.catalogue
    options = tuple(
        o.model_copy(update=option) if o.code == "season" else o for o in catalogue.options
    )
    update = {"options": options}
    if rules is not None:
        update["tariff_change"] = TariffChange.model_validate(rules)
    config = acme.config.model_copy(update={"catalogue": catalogue.model_copy(update=update)})
    if regions is not None:
        config = config.model_copy(update={"regions": regions})
    return dataclasses.replace(acme, config=config)


@pytest.fixture
def account(ctx, make_subscriber):
    def make(balance: int = 1_000_000, **fields) -> Account:
        facts = make_subscriber(tenant="acme", balance=balance, **fields)
        return db.session.get(Account, facts["account_id"])

    return make


def _charge(account_id: int, day: date) -> int | None:
    return db.session.scalar(
        sa.select(LedgerEntry.amount).where(
            LedgerEntry.reference == f"charge:{account_id}:{day.isoformat()}"
        )
    )


def _entries(account_id: int) -> list[tuple[str, int]]:
    rows = db.session.execute(
        sa.select(LedgerEntry.reference, LedgerEntry.amount)
        .where(LedgerEntry.account_id == account_id, LedgerEntry.reference.like("option%"))
        .order_by(LedgerEntry.id)
    )
    return [tuple(row) for row in rows]


def test_price_is_the_months_fees_less_the_discount_from_the_first_of_next_month(acme, account):
    acct = account()
    terms = service.quote(acme, acct, "season", Request(months=3), NOW)
    assert terms.refusal is None
    assert terms.price == BASIC * 3 * 90 // 100
    assert (terms.params["first_day"], terms.params["last_day"]) == ("2026-04-01", "2026-06-30")
    # Local midnights in UTC+7.
    assert terms.starts_at == datetime(2026, 3, 31, 17, tzinfo=UTC)
    assert terms.ends_at == datetime(2026, 6, 30, 17, tzinfo=UTC)


def test_every_point_at_its_region_price_rounded_down_to_the_kopeck(acme, account):
    regions = tuple(
        r.model_copy(update={"prices": {"fast": 45001}}) if r.code == "south" else r
        for r in acme.config.regions
    )
    tenant = tenant_with(acme, regions=regions)
    acct = account(tariffs=("fast", "basic"), region="south")
    terms = service.quote(tenant, acct, "season", Request(months=3), NOW)
    # (450.01 + 600) × 3 = 3150.03 roubles; less 10 % = 2835.027: the subscriber pays 2835.02.
    assert terms.params["full_price"] == 315003
    assert terms.price == 283502


def test_a_period_ending_in_the_next_year_and_a_promo_ending_in_it(acme, account):
    acct = account()
    terms = service.quote(
        acme, acct, "season", Request(months=6), datetime(2026, 11, 5, tzinfo=UTC)
    )
    assert (terms.params["first_day"], terms.params["last_day"]) == ("2026-12-01", "2027-05-31")
    assert terms.price == BASIC * 6 * 85 // 100


@pytest.mark.parametrize(
    ("setup", "asked", "rule"),
    [
        ({}, Request(months=4), "period"),
        ({}, Request(), "period"),
        ({"balance": 1000}, Request(months=3), "balance"),
        ({"status": "blocked"}, Request(months=3), "blocked"),
        ({"status": "paused"}, Request(months=3), "paused"),
        ({"tariffs": ()}, Request(months=3), "nothing_to_prepay"),
    ],
)
def test_refusals_name_their_rule(acme, account, setup, asked, rule):
    acct = account(**setup)
    refusal = service.activate(acme, acct.id, "season", asked, NOW)
    assert isinstance(refusal, Refusal) and refusal.rule == rule


def test_yaml_may_let_the_balance_go_below_zero(acme, account):
    acct = account(balance=1000)
    row = service.activate(
        tenant_with(acme, allow_debt=True), acct.id, "season", Request(months=3), NOW
    )
    assert row.status == Status.ACTIVE
    assert db.session.get(Account, acct.id).balance == 1000 - BASIC * 3 * 90 // 100


def test_a_second_prepay_over_the_same_days_is_refused(acme, account):
    acct = account()
    row = service.activate(acme, acct.id, "season", Request(months=3), NOW)
    db.session.commit()
    again = service.activate(acme, acct.id, "season", Request(months=6), NOW)
    assert again == Refusal("prepay_open", {"until": date(2026, 6, 30)})
    assert _entries(acct.id) == [(f"option:{row.id}", -BASIC * 3 * 90 // 100)]


def test_the_daily_run_skips_the_covered_days_and_charges_from_the_day_after(acme, account):
    acct, other = account(), account()
    service.activate(acme, acct.id, "season", Request(months=3), NOW)
    db.session.commit()
    days = [date(2026, 3, 31), date(2026, 4, 1), date(2026, 6, 30), date(2026, 7, 1)]
    for day in days:
        # 00:30 local time in Krasnoyarsk is the day before in UTC.
        run_tenant(acme, day, now=datetime.combine(day, datetime.min.time(), UTC))
    run_tenant(acme, date(2026, 6, 30), now=datetime(2026, 6, 30, 1, tzinfo=UTC))  # again
    db.session.commit()
    assert _charge(acct.id, date(2026, 3, 31)) == -(BASIC // 31 + BASIC % 31)
    assert _charge(acct.id, date(2026, 4, 1)) is None
    assert _charge(acct.id, date(2026, 6, 30)) is None
    assert _charge(acct.id, date(2026, 7, 1)) == -(BASIC // 31)
    assert _charge(other.id, date(2026, 4, 1)) == -(BASIC // 30)
    assert balance_mismatches("acme") == []


def _order_immediately(tenant, account_id: int, to_code: str, now: datetime):
    point = db.session.scalar(sa.select(ServicePoint).where(ServicePoint.account_id == account_id))
    contract_subscriber = db.session.get(Account, account_id).contract.subscriber_id
    subscriber = subscriber_of(tenant, contract_subscriber)
    return services.order(tenant, subscriber, point.id, to_code, ChangeTiming.IMMEDIATELY, now)


def test_a_tariff_change_ends_the_prepay_and_refunds_the_unused_days(acme, account):
    tenant = tenant_with(acme, rules={"timing": ["immediately"]})
    acct = account()
    row = service.activate(tenant, acct.id, "season", Request(months=3), NOW)
    db.session.commit()
    price = BASIC * 3 * 90 // 100
    # 10 May, 09:00 local: 10 May stays covered, 11 May … 30 June (51 of 91 days) return.
    changed = _order_immediately(tenant, acct.id, "fast", datetime(2026, 5, 10, 2, tzinfo=UTC))
    assert not isinstance(changed, services.Quote)
    db.session.commit()
    refund = -(-price * 51 // 91)
    assert _entries(acct.id) == [(f"option:{row.id}", -price), (f"option-unused:{row.id}", refund)]
    db.session.refresh(row)
    assert row.status == Status.ENDED
    assert row.ends_at == datetime(2026, 5, 10, 17, tzinfo=UTC)
    run_tenant(tenant, date(2026, 5, 10), now=datetime(2026, 5, 10, 3, tzinfo=UTC))
    run_tenant(tenant, date(2026, 5, 11), now=datetime(2026, 5, 11, 3, tzinfo=UTC))
    assert _charge(acct.id, date(2026, 5, 10)) is None
    assert _charge(acct.id, date(2026, 5, 11)) == -(FAST // 31)
    assert balance_mismatches("acme") == []


def test_refund_rules(acme, account):
    acct = account()
    row = service.activate(acme, acct.id, "season", Request(months=3), NOW)
    price = row.price
    assert prepay_refund(row, date(2026, 3, 20), "unused_days") == price  # not begun yet
    assert prepay_refund(row, date(2026, 7, 1), "unused_days") == 0
    assert prepay_refund(row, date(2026, 6, 30), "unused_days") == -(-price // 91)
    assert prepay_refund(row, date(2026, 5, 1), "none") == 0


def test_a_change_with_refund_none_gives_nothing_back(acme, account):
    tenant = tenant_with(acme, rules={"timing": ["immediately"]}, refund="none")
    acct = account()
    row = service.activate(tenant, acct.id, "season", Request(months=3), NOW)
    _order_immediately(tenant, acct.id, "fast", datetime(2026, 5, 10, 2, tzinfo=UTC))
    assert _entries(acct.id) == [(f"option:{row.id}", -row.price)]
    assert row.status == Status.ENDED


def test_a_running_prepay_is_not_cancellable_unless_the_yaml_says(acme, account):
    acct = account()
    row = service.activate(acme, acct.id, "season", Request(months=3), NOW)
    assert service.stop(acme, row.id, [acct.id], NOW) == Refusal("prepay_fixed")
    assert row.status == Status.ACTIVE
    tenant = tenant_with(acme, cancellable=True)
    assert service.stop(tenant, row.id, [acct.id], NOW) is row
    assert row.status == Status.ENDED
    assert _entries(acct.id)[-1] == (f"option-unused:{row.id}", row.price)


@pytest.mark.parametrize(
    ("locale", "bought", "returned"),
    [
        (
            "ru",
            "Абонемент на 3 месяца, скидка 10\u00a0%",
            "Абонемент: возвращены неиспользованные дни с 11 мая 2026\u202fг.",
        ),
        (
            "en",
            "Season ticket for 3 months, 10\u00a0% off",
            "Season ticket: the unused days from May 11, 2026 returned",
        ),
    ],
)
def test_statement_words(acme, account, app, locale, bought, returned):
    tenant = tenant_with(acme, rules={"timing": ["immediately"]})
    acct = account()
    row = service.activate(tenant, acct.id, "season", Request(months=3), NOW)
    _order_immediately(tenant, acct.id, "fast", datetime(2026, 5, 10, 2, tzinfo=UTC))
    refs = [f"option:{row.id}", f"option-unused:{row.id}"]
    with app.test_request_context(), force_locale(locale):
        words = service.entry_words(tenant, refs, locale)
    assert words == {refs[0]: bought, refs[1]: returned}


def test_days_left_count_the_prepaid_days():
    today = date(2026, 3, 10)
    prepaid = (date(2026, 4, 1), date(2026, 6, 30))
    assert with_prepaid(25, today, prepaid) == 25 + 91
    assert with_prepaid(10, today, prepaid) == 10  # the money ends before the 1st
    assert with_prepaid(5, date(2026, 5, 1), prepaid) == 5 + 61
    assert with_prepaid(None, today, prepaid) is None
    assert with_prepaid(5, date(2026, 7, 1), prepaid) == 5


def test_the_dashboard_shows_the_prepaid_days(acme, account, monkeypatch):
    acct = account(balance=BASIC * 3 * 90 // 100 + BASIC)
    service.activate(acme, acct.id, "season", Request(months=3), NOW)
    db.session.commit()
    monkeypatch.setattr("app.account.service.utcnow", lambda: NOW)
    subscriber_id = db.session.get(Account, acct.id).contract.subscriber_id
    (view,) = account_overview(acme, subscriber_id, None, date(2026, 3, 10))
    # 600 roubles left last 31 days of March, of which 22 are before the prepay.
    assert view.standing.prepaid == (date(2026, 4, 1), date(2026, 6, 30))
    assert view.days_left == 31 + 91
    assert view.status == AccountStatus.ACTIVE
