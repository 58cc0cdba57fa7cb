"""A scheduled tariff change that the daily run applies days after its effective day: the
prepay is given back from the day after the effective day, not from the day it was applied,
and each of those days is paid once, at the new tariff. The acme tenant is in UTC+7, and
the change takes effect on 1 January, across a month (and year) end."""

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.billing.charging import run_tenant
from app.core.calendar import daily_part
from app.core.ledger import EntryKind, balance_mismatches, post_entry
from app.core.subscribers import Account, ServicePoint, subscriber_of
from app.extensions import db
from app.options import service
from app.options.models import Activation, Status
from app.options.rules import Request
from app.services import service as services
from app.services.models import ChangeStatus, TariffChange
from app.tenancy.schema import ChangeTiming

from .test_options_prepay import BASIC, FAST, _charge, _entries, tenant_with

pytestmark = pytest.mark.usefixtures("without_autopay")

BOUGHT = datetime(2026, 11, 10, 3, tzinfo=UTC)  # 10:00 on 10 November in Krasnoyarsk
ORDERED = datetime(2026, 12, 10, 3, tzinfo=UTC)
EFFECTIVE = date(2027, 1, 1)


@pytest.fixture
def acme(app):
    with app.app_context():
        yield app.extensions["tenancy"].tenants["acme"]


@pytest.fixture
def account(acme, make_subscriber):
    def make(balance: int = 1_000_000) -> Account:
        facts = make_subscriber(tenant="acme", balance=balance)
        return db.session.get(Account, facts["account_id"])

    return make


def _midnight_run(tenant, day: date):
    """The run at 00:30 local time in Krasnoyarsk: 17:30 UTC the day before."""
    now = datetime(day.year, day.month, day.day, 0, 30, tzinfo=UTC) - timedelta(hours=7)
    return run_tenant(tenant, day, now=now)


def _order_next_month(tenant, account_id: int):
    point = db.session.scalar(sa.select(ServicePoint).where(ServicePoint.account_id == account_id))
    holder = db.session.get(Account, account_id).contract.subscriber_id
    subscriber = subscriber_of(tenant, holder)
    change = services.order(tenant, subscriber, point.id, "fast", ChangeTiming.NEXT_MONTH, ORDERED)
    db.session.commit()
    return change


def test_applied_late_the_refund_counts_from_the_day_after_the_effective_day(acme, account):
    acct = account()
    row = service.activate(acme, acct.id, "season", Request(months=3), BOUGHT)
    db.session.commit()
    price = BASIC * 3 * 90 // 100  # 1 December … 28 February: 31 + 31 + 28 = 90 days
    change = _order_next_month(acme, acct.id)
    assert change.effective_on == EFFECTIVE
    _midnight_run(acme, date(2026, 12, 31))
    # The run misses 1, 2 and 3 January and comes back on the 4th.
    _midnight_run(acme, date(2027, 1, 4))
    db.session.refresh(change)
    db.session.refresh(row)
    assert change.status == ChangeStatus.APPLIED
    # 1 January stays covered; 2 January … 28 February (58 days) are given back, not only
    # the 55 from the 5th.
    refund = -(-price * 58 // 90)
    assert _entries(acct.id) == [(f"option:{row.id}", -price), (f"option-unused:{row.id}", refund)]
    assert row.status == Status.ENDED
    assert row.params["ended_on"] == "2027-01-02"
    assert row.ends_at == datetime(2027, 1, 1, 17, tzinfo=UTC)  # 2 January, local midnight


def test_the_days_between_are_charged_once_at_the_new_tariff(acme, account):
    acct = account()
    row = service.activate(acme, acct.id, "season", Request(months=3), BOUGHT)
    db.session.commit()
    _order_next_month(acme, acct.id)
    _midnight_run(acme, date(2027, 1, 4))
    # The operator runs the missed days afterwards, and one of them twice.
    for day in (date(2027, 1, 1), date(2027, 1, 2), date(2027, 1, 3), date(2027, 1, 3)):
        _midnight_run(acme, day)
    assert _charge(acct.id, date(2026, 12, 31)) is None  # covered, before the change
    assert _charge(acct.id, date(2027, 1, 1)) is None  # the effective day: still covered
    for day in (date(2027, 1, 2), date(2027, 1, 3), date(2027, 1, 4)):
        assert _charge(acct.id, day) == -daily_part(FAST, day)
    refunded = db.session.get(Activation, row.id).params["refunded"]
    balance = db.session.get(Account, acct.id).balance
    assert balance == 1_000_000 - row.price + refunded - 3 * daily_part(FAST, date(2027, 1, 2))
    assert balance_mismatches("acme") == []


def test_a_change_refused_for_money_leaves_the_prepay_running(acme, account):
    tenant = tenant_with(acme, rules={"timing": ["next_month"], "fee": {"up": 100}})
    acct = account(balance=BASIC * 3 * 90 // 100 + 10000)
    row = service.activate(tenant, acct.id, "season", Request(months=3), BOUGHT)
    db.session.commit()
    change = _order_next_month(tenant, acct.id)
    assert isinstance(change, TariffChange)
    post_entry("acme", acct.id, -1, EntryKind.CORRECTION, "test-spend")
    db.session.commit()
    _midnight_run(tenant, date(2027, 1, 4))
    db.session.refresh(change)
    db.session.refresh(row)
    assert change.status == ChangeStatus.REFUSED and change.missing == 1
    assert row.status == Status.ACTIVE
    assert _entries(acct.id) == [(f"option:{row.id}", -row.price)]
    assert _charge(acct.id, date(2027, 1, 4)) is None  # still prepaid
