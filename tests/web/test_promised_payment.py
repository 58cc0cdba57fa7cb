"""The promised payment: each launch ISP's rule from its YAML, the page, the SMS code."""

import dataclasses
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from app.billing import promised
from app.billing.models import PromisedPayment
from app.billing.promised import Refusal
from app.core.calendar import LocalDates
from app.core.ledger import EntryKind, LedgerEntry, balance_mismatches, post_entry
from app.core.subscribers import Account, AccountStatus
from app.extensions import db

PASSWORD = "Sunny-Garden-77"
PHONE = "+79135551234"
NOW = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)
RULED = ["athome", "iphome", "novotelecom", "tomtel"]  # netbynet has no promised payment
LOGINS = {
    "athome": ({"login": "ivanov_spb"}, "ivanov_spb", {}),
    "iphome": ({"login": "eg-10234"}, "eg-10234", {"region": "msk"}),
    "novotelecom": ({"contract": "1077001"}, "1077001", {}),
    "tomtel": ({"account": "701000111"}, "701000111", {}),
    "netbynet": ({"contract": "780000111"}, "780000111", {}),
}


def tenant(app, slug):
    return app.extensions["tenancy"].tenants[slug]


def rule(app, slug):
    return tenant(app, slug).config.billing.promised_payment


def expected_amount(app, slug) -> int:
    config = tenant(app, slug).config
    r = config.billing.promised_payment
    return r.fixed_amount if r.amount == "fixed" else config.catalogue.tariffs[0].monthly_fee


@pytest.fixture
def subscriber(make_subscriber):
    """A subscriber of a launch ISP with the given balance; returns the account id."""

    def make(slug: str, balance: int, status: str = "active", **fields):
        logins, _, extra = LOGINS[slug]
        fields.setdefault("phone", PHONE)
        if "region" in extra:
            fields.setdefault("region", extra["region"])
        facts = make_subscriber(
            tenant=slug, password=PASSWORD, balance=balance, status=status, logins=logins, **fields
        )
        return facts["account_id"]

    return make


@pytest.fixture
def ctx(app):
    """An app context for calling the service directly (web requests must run without one:
    they would share its `g`, and with it the logged-in user)."""
    with app.app_context():
        yield


@dataclass(frozen=True)
class Seen:
    number: str
    balance: int
    status: str


def account(app, account_id: int) -> Seen:
    """The account as stored now, read in a context of its own."""
    with app.app_context():
        row = db.session.get(Account, account_id)
        return Seen(row.number, row.balance, row.status)


def promises(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(PromisedPayment))


def borrow_and_repay(app, slug, account_id, when):
    """Take a promise, then let it fall due and be written off."""
    taken = promised.take(tenant(app, slug), account_id, now=when)
    assert isinstance(taken, PromisedPayment), taken
    promised.repay(tenant(app, slug), taken, when)
    db.session.commit()


# -- each ISP's rule, read from its YAML ---------------------------------------------------


@pytest.mark.parametrize("slug", RULED)
def test_a_debt_at_the_limit_gets_the_promise(app, ctx, subscriber, slug):
    r = rule(app, slug)
    account_id = subscriber(slug, -r.max_debt, status="blocked")
    taken = promised.take(tenant(app, slug), account_id, now=NOW)
    db.session.commit()
    amount = expected_amount(app, slug)
    assert (taken.amount, taken.fee) == (amount, r.fee)
    assert account(app, account_id).balance == -r.max_debt + amount - r.fee
    assert account(app, account_id).status == AccountStatus.ACTIVE  # access is back at once
    zone = ZoneInfo(tenant(app, slug).config.timezone)
    assert taken.due_at.astimezone(zone).date() == NOW.astimezone(zone).date() + timedelta(r.days)
    entries = db.session.execute(
        sa.select(LedgerEntry.kind, LedgerEntry.amount).where(
            LedgerEntry.account_id == account_id, LedgerEntry.kind != EntryKind.PAYMENT
        )
    ).all()
    expected = [(EntryKind.PROMISED_CREDIT, amount)]
    expected += [(EntryKind.CHARGE, -r.fee)] if r.fee else []
    assert sorted(entries) == sorted(expected)
    assert balance_mismatches() == []


BALANCE_CASES = [
    pytest.param(lambda r: 0, Refusal.NOT_NEGATIVE, id="zero balance"),
    pytest.param(lambda r: 100, Refusal.NOT_NEGATIVE, id="money on the balance"),
    pytest.param(lambda r: -(r.max_debt + 1), Refusal.DEBT_TOO_BIG, id="a kopeck over the limit"),
]


@pytest.mark.parametrize("slug", RULED)
@pytest.mark.parametrize(("balance", "refusal"), BALANCE_CASES)
def test_the_balance_rules(app, ctx, subscriber, slug, balance, refusal):
    account_id = subscriber(slug, balance(rule(app, slug)))
    assert promised.take(tenant(app, slug), account_id, now=NOW) == refusal
    db.session.rollback()
    assert promises(app) == 0


@pytest.mark.parametrize("slug", RULED)
def test_not_while_the_previous_one_is_unpaid(app, ctx, subscriber, slug):
    account_id = subscriber(slug, -10000)
    promised.take(tenant(app, slug), account_id, now=NOW)
    db.session.commit()
    post_entry(slug, account_id, -100000, EntryKind.CORRECTION, "spent")  # in debt again
    db.session.commit()
    assert promised.take(tenant(app, slug), account_id, now=NOW + timedelta(hours=1)) == (
        Refusal.OPEN
    )


@pytest.mark.parametrize("slug", RULED)
def test_only_so_many_times_per_period(app, ctx, subscriber, slug):
    r = rule(app, slug)
    account_id = subscriber(slug, -10000)
    for n in range(r.times):
        borrow_and_repay(app, slug, account_id, NOW + timedelta(days=n))
    later = NOW + timedelta(days=r.times)
    assert promised.take(tenant(app, slug), account_id, now=later) == Refusal.USED_UP
    db.session.rollback()
    # The next calendar month, or once the rolling window has passed, it is possible again.
    fresh = (
        NOW + timedelta(days=r.window_days + 1)
        if r.window_days
        else datetime(2025, 4, 1, 9, tzinfo=UTC)
    )
    assert isinstance(promised.take(tenant(app, slug), account_id, now=fresh), PromisedPayment)


def test_the_calendar_month_is_the_subscribers_local_month(app, ctx, subscriber):
    account_id = subscriber("tomtel", -10000)  # Asia/Tomsk, UTC+7
    borrow_and_repay(app, "tomtel", account_id, datetime(2025, 3, 31, 16, 30, tzinfo=UTC))
    # 17:30 UTC on 31 March is already 1 April in Tomsk: a new month.
    april = datetime(2025, 3, 31, 17, 30, tzinfo=UTC)
    assert isinstance(promised.take(tenant(app, "tomtel"), account_id, now=april), PromisedPayment)


def test_a_paused_account_has_no_access_to_restore(app, ctx, subscriber):
    account_id = subscriber("athome", -10000, status="paused")
    assert promised.take(tenant(app, "athome"), account_id, now=NOW) == Refusal.PAUSED


# -- the page ------------------------------------------------------------------------------


def text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True)).replace("\xa0", " ")


def cabinet(tenant_client, slug):
    client = tenant_client(f"{slug}.localhost")
    _, login, extra = LOGINS[slug]
    assert client.login(login, PASSWORD, **extra).status_code == 302
    client.set_cookie("lang", "en", domain=f"{slug}.localhost")
    return client


def test_menu_and_page_only_where_the_isp_has_the_rule(app, tenant_client, subscriber):
    subscriber("athome", 0)
    subscriber("netbynet", 0)
    athome, netbynet = cabinet(tenant_client, "athome"), cabinet(tenant_client, "netbynet")
    assert 'href="/promised-payment"' in athome.get("/").text
    assert 'href="/promised-payment"' not in netbynet.get("/").text
    assert netbynet.get("/promised-payment").status_code == 404


def test_the_page_explains_the_rule_in_plain_words(app, tenant_client, subscriber):
    subscriber("novotelecom", -20000)
    page = text(cabinet(tenant_client, "novotelecom").get("/promised-payment"))
    rule_block = page.split('data-testid="rule"')[1].split("</dl>")[0]
    assert "₽300.00" in rule_block  # a fixed amount
    assert "3 days" in rule_block
    assert "free of charge" in rule_block
    assert "up to 2 times in any 30 days" in rule_block
    assert "₽500.00" in rule_block  # the debt limit
    assert "Take Payment deferral: ₽300.00" in page  # Электронный город's own name for it


def test_taking_it_restores_access_and_a_second_one_is_refused(app, tenant_client, subscriber):
    account_id = subscriber("athome", -500, status="blocked")
    client = cabinet(tenant_client, "athome")
    number = account(app, account_id).number
    response = client.form("/promised-payment", {"account": number})
    assert response.status_code == 302
    page = text(client.get("/promised-payment"))
    assert "₽450.00 is credited to account" in page
    assert "₽445.00" in page and "status-active" in page
    assert account(app, account_id).status == AccountStatus.ACTIVE
    again = client.form("/promised-payment", {"account": number}, page="/promised-payment")
    assert again.status_code == 409
    assert "The previous promised payment is not repaid yet." in text(again)


REFUSALS = [
    (
        0,
        "not_negative",
        "There is money on the balance: a promised payment is only possible when the "
        "balance is negative.",
    ),
    (
        -100001,
        "debt_too_big",
        "The debt of ₽1,000.01 is too big: a promised payment is possible for a debt "
        "of at most ₽1,000.00. Please top up the balance.",
    ),
]


@pytest.mark.parametrize(("balance", "reason", "message"), REFUSALS)
def test_a_refusal_names_the_rule(app, tenant_client, subscriber, balance, reason, message):
    subscriber("athome", balance)
    page = text(cabinet(tenant_client, "athome").get("/promised-payment"))
    assert f'data-reason="{reason}"' in page
    assert message in page
    assert "Take a promised payment" not in page  # no button when the rules say no


USED_UP = [
    ("athome", "Already used this month: the promised payment can be taken 1 time a month."),
    ("novotelecom", "Already used: the promised payment can be taken 2 times in any 30 days."),
]


@pytest.mark.parametrize(("slug", "message"), USED_UP)
def test_used_up_names_the_period(app, tenant_client, subscriber, slug, message):
    account_id = subscriber(slug, -10000)
    with app.app_context():
        for _ in range(rule(app, slug).times):
            borrow_and_repay(app, slug, account_id, datetime.now(UTC))
    page = text(cabinet(tenant_client, slug).get("/promised-payment"))
    assert 'data-reason="used_up"' in page
    assert message in page


def test_someone_elses_account_cannot_be_used(app, tenant_client, subscriber, make_subscriber):
    subscriber("athome", -500)
    other = make_subscriber(tenant="athome", balance=-500, logins={"login": "petrov_spb"})
    client = cabinet(tenant_client, "athome")
    response = client.form("/promised-payment", {"account": other["account"]})
    assert response.status_code == 404
    assert promises(app) == 0


def test_posting_without_the_form_token_changes_nothing(app, tenant_client, subscriber):
    account_id = subscriber("athome", -500)
    client = cabinet(tenant_client, "athome")
    response = client.post("/promised-payment", data={"account": account(app, account_id).number})
    assert response.status_code == 400
    assert account(app, account_id).balance == -500


# -- Tomtel: a trust payment is confirmed by an SMS code -------------------------------------


def code_from(sms) -> str:
    return re.search(r"\b(\d{6})\b", sms(PHONE)[0]).group(1)


def test_tomtel_asks_for_the_code_sent_to_the_phone_on_record(app, tenant_client, subscriber, sms):
    account_id = subscriber("tomtel", -10000, status="blocked")
    client = cabinet(tenant_client, "tomtel")
    number = account(app, account_id).number
    response = client.form("/promised-payment", {"account": number})
    assert response.headers["Location"] == "/promised-payment/confirm"
    assert account(app, account_id).status == AccountStatus.BLOCKED  # nothing until the code
    assert "₽490.00" in sms(PHONE)[0] and number in sms(PHONE)[0]

    wrong = client.form("/promised-payment/confirm", {"code": "000000"})
    assert "The code is incorrect" in text(wrong)
    assert promises(app) == 0

    right = client.form("/promised-payment/confirm", {"code": code_from(sms)})
    assert right.headers["Location"] == "/promised-payment"
    assert account(app, account_id).status == AccountStatus.ACTIVE
    assert account(app, account_id).balance == -10000 + 49000 - 1000  # the fee of 10 ₽ at once
    code = {"code": code_from(sms)}
    reused = client.form("/promised-payment/confirm", code, page="/promised-payment")
    assert reused.headers["Location"] == "/promised-payment"  # the code is spent
    assert promises(app) == 1


def test_tomtel_without_a_phone_on_record_is_told_to_call(app, tenant_client, subscriber, sms):
    account_id = subscriber("tomtel", -10000, phone=None)
    client = cabinet(tenant_client, "tomtel")
    response = client.form("/promised-payment", {"account": account(app, account_id).number})
    assert response.status_code == 409
    assert "There is no mobile phone on record" in text(response)
    assert sms(PHONE) == []


def test_tomtel_code_sending_is_rate_limited(app, tenant_client, subscriber, sms):
    account_id = subscriber("tomtel", -10000)
    client = cabinet(tenant_client, "tomtel")
    number = account(app, account_id).number
    statuses = [
        client.form("/promised-payment", {"account": number}, page="/promised-payment").status_code
        for _ in range(4)
    ]
    assert statuses == [302, 302, 302, 429]  # tomtel allows 3 codes an hour per account
    assert len(sms(PHONE)) == 3


# -- falling due, region by region ---------------------------------------------------------

VLADIVOSTOK, KRASNOYARSK = ZoneInfo("Asia/Vladivostok"), ZoneInfo("Asia/Krasnoyarsk")


def acme_with_a_far_east_region(app):
    """The test tenant (Krasnoyarsk, UTC+7) with its south region moved to UTC+10, so a
    region's local date differs from the tenant's."""
    acme = tenant(app, "acme")
    north, south = acme.config.regions
    regions = [north, south.model_copy(update={"timezone": "Asia/Vladivostok"})]
    return dataclasses.replace(acme, config=acme.config.model_copy(update={"regions": regions}))


def promise_row(account_id: int, due_at: datetime, slug: str = "acme", **fields):
    promise = PromisedPayment(
        tenant=slug,
        account_id=account_id,
        amount=30000,
        fee=0,
        taken_at=due_at - timedelta(days=3),
        due_at=due_at,
        reference=f"promised:{uuid.uuid4().hex}",
        **fields,
    )
    db.session.add(promise)
    db.session.commit()
    return promise


def midnight(day: int, zone: ZoneInfo) -> datetime:
    return datetime(2025, 3, day, tzinfo=zone).astimezone(UTC)


def test_each_promise_falls_due_on_its_own_regions_date(app, ctx, make_subscriber):
    acme = acme_with_a_far_east_region(app)
    east = make_subscriber(tenant="acme", region="south")["account_id"]
    west = make_subscriber(tenant="acme", region="north")["account_id"]
    moved = make_subscriber(tenant="acme", region="dropped")["account_id"]  # region unknown now
    tomtel = make_subscriber(tenant="tomtel", logins={})["account_id"]
    east_due = promise_row(east, midnight(11, VLADIVOSTOK))
    west_due = promise_row(west, midnight(11, KRASNOYARSK))
    # Due by Vladivostok's date, but its subscriber now counts by the tenant's own one.
    moved_due = promise_row(moved, midnight(11, VLADIVOSTOK))
    closed = promise_row(west, midnight(1, KRASNOYARSK), closed_at=datetime(2025, 3, 1, tzinfo=UTC))
    elsewhere = promise_row(tomtel, midnight(1, KRASNOYARSK), slug="tomtel")
    # 15:30 UTC: 11 March from 01:30 in Vladivostok, still 10 March (22:30) in Krasnoyarsk.
    now = datetime(2025, 3, 10, 15, 30, tzinfo=UTC)
    assert promised.due_on(acme, east_due) == date(2025, 3, 11)
    assert promised.due_on(acme, west_due) == date(2025, 3, 11)

    assert promised.repay_due(acme, LocalDates(acme, now), now) == 1
    db.session.commit()  # the caller commits
    assert db.session.get(PromisedPayment, east_due.id).closed_at == now
    for waiting in (west_due, moved_due, elsewhere):
        assert db.session.get(PromisedPayment, waiting.id).closed_at is None
    assert db.session.get(PromisedPayment, closed.id).closed_at == datetime(2025, 3, 1, tzinfo=UTC)
    (entry,) = db.session.scalars(
        sa.select(LedgerEntry).where(LedgerEntry.kind == EntryKind.PROMISED_REPAYMENT)
    )
    assert (entry.account_id, entry.amount) == (east, -30000)
    assert (entry.reference, entry.created_at) == (f"promised-repay:{east_due.id}", now)

    # Three hours later it is 11 March in Krasnoyarsk too.
    later = now + timedelta(hours=3)
    assert promised.repay_due(acme, LocalDates(acme, later), later) == 2
    assert promised.repay_due(acme, LocalDates(acme, later), later) == 0
    db.session.commit()  # the caller commits
    assert db.session.get(PromisedPayment, elsewhere.id).closed_at is None


def test_a_promise_is_never_repaid_before_its_moment(app, ctx, make_subscriber):
    # Taken while the south region still counted by Krasnoyarsk's clock: due at 17:00 UTC,
    # which is 03:00 of 11 March in Vladivostok, where the region counts now.
    acme = acme_with_a_far_east_region(app)
    east = make_subscriber(tenant="acme", region="south")["account_id"]
    taken_earlier = promise_row(east, midnight(11, KRASNOYARSK))
    # 15:30 UTC: 11 March has begun in Vladivostok, the promise's moment has not come.
    now = datetime(2025, 3, 10, 15, 30, tzinfo=UTC)
    assert promised.repay_due(acme, LocalDates(acme, now), now) == 0
    db.session.commit()
    assert db.session.get(PromisedPayment, taken_earlier.id).closed_at is None
    # It goes back when the next local day begins after its moment: 12 March there.
    before, at = midnight(12, VLADIVOSTOK) - timedelta(minutes=1), midnight(12, VLADIVOSTOK)
    assert promised.repay_due(acme, LocalDates(acme, before), before) == 0
    assert promised.repay_due(acme, LocalDates(acme, at), at) == 1
    db.session.commit()
    assert db.session.get(PromisedPayment, taken_earlier.id).closed_at == at


def test_due_promises_are_repaid_in_account_order(app, ctx, make_subscriber):
    # The accounts are locked one by one as they are repaid; in id order, like the charging
    # batches, so two runs never hold each other's next account.
    acme = tenant(app, "acme")
    first, second, third = (make_subscriber(tenant="acme")["account_id"] for _ in range(3))
    for account_id in (third, first, second):
        promise_row(account_id, midnight(5, KRASNOYARSK))
    now = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)
    assert promised.repay_due(acme, LocalDates(acme, now), now) == 3
    db.session.commit()
    entries = db.session.scalars(
        sa.select(LedgerEntry.account_id)
        .where(LedgerEntry.kind == EntryKind.PROMISED_REPAYMENT)
        .order_by(LedgerEntry.id)
    )
    assert list(entries) == [first, second, third]


def test_repaying_twice_keeps_the_first_closing_time(app, ctx, subscriber):
    account_id = subscriber("tomtel", -10000)
    taken = promised.take(tenant(app, "tomtel"), account_id, now=NOW)
    first, second = NOW + timedelta(days=5), NOW + timedelta(days=6)
    promised.repay(tenant(app, "tomtel"), taken, first)
    promised.repay(tenant(app, "tomtel"), taken, second)
    db.session.commit()
    assert taken.closed_at == first
    assert balance_mismatches() == []


def test_open_promises_lists_what_goes_back_and_when(app, ctx, subscriber, make_subscriber):
    slug = "tomtel"
    account_id = subscriber(slug, -10000)
    other = make_subscriber(tenant=slug, balance=-10000, logins={})["account_id"]
    taken = promised.take(tenant(app, slug), account_id, now=NOW)
    db.session.commit()
    found = promised.open_promises(tenant(app, slug), [account_id, other])
    assert found == {account_id: promised.OpenPromise(taken.amount, taken.due_at)}
    assert promised.open_promises(tenant(app, slug), []) == {}
    promised.repay(tenant(app, slug), taken, NOW + timedelta(days=5))
    db.session.commit()
    assert promised.open_promises(tenant(app, slug), [account_id]) == {}


def test_an_isp_that_dropped_the_rule_shows_no_open_promise(app, ctx, subscriber):
    account_id = subscriber("netbynet", -10000)
    promise_row(account_id, midnight(20, KRASNOYARSK), slug="netbynet")  # from before
    assert promised.open_promises(tenant(app, "netbynet"), [account_id]) == {}


def with_rule(tenant_, **changes):
    """The tenant with its promised-payment rule changed, e.g. a fee of one kopeck."""
    billing = tenant_.config.billing
    changed = billing.promised_payment.model_copy(update=changes)
    billing = billing.model_copy(update={"promised_payment": changed})
    return dataclasses.replace(
        tenant_, config=tenant_.config.model_copy(update={"billing": billing})
    )


def test_the_due_date_is_counted_in_the_subscribers_region(app, ctx, make_subscriber):
    rule_ = rule(app, "tomtel")  # three days
    acme = acme_with_a_far_east_region(app)
    acme = dataclasses.replace(
        acme,
        config=acme.config.model_copy(
            update={"billing": acme.config.billing.model_copy(update={"promised_payment": rule_})}
        ),
    )
    east = make_subscriber(tenant="acme", region="south", balance=-10000)["account_id"]
    # 11 March from 01:30 in Vladivostok, while it is still 10 March in Krasnoyarsk.
    now = datetime(2025, 3, 10, 15, 30, tzinfo=UTC)
    terms = promised.offer(acme, db.session.get(Account, east), now)
    assert terms.due_on == date(2025, 3, 14)
    taken = promised.take(acme, east, now=now)
    assert taken.due_at == midnight(14, VLADIVOSTOK)
    assert promised.due_on(acme, taken) == date(2025, 3, 14)


def test_the_month_starts_at_local_midnight_on_the_first(app, ctx, subscriber):
    tomtel = tenant(app, "tomtel")  # once per calendar month, Asia/Tomsk
    account_id = subscriber("tomtel", -10000)
    first_moment = datetime(2025, 4, 1, tzinfo=ZoneInfo("Asia/Tomsk"))
    borrow_and_repay(app, "tomtel", account_id, first_moment)
    later_that_day = first_moment + timedelta(hours=10)
    terms = promised.offer(tomtel, db.session.get(Account, account_id), later_that_day)
    assert (terms.used, terms.refusal) == (1, Refusal.USED_UP)


def test_a_rolling_window_does_not_restart_with_the_month(app, ctx, subscriber):
    r = rule(app, "novotelecom")  # twice in 30 days
    account_id = subscriber("novotelecom", -10000)
    for n in range(r.times):
        borrow_and_repay(app, "novotelecom", account_id, datetime(2025, 3, 25 + n, tzinfo=UTC))
    april = datetime(2025, 4, 2, tzinfo=UTC)
    assert promised.take(tenant(app, "novotelecom"), account_id, now=april) == Refusal.USED_UP


def test_one_accounts_promise_does_not_count_for_another(app, ctx, subscriber, make_subscriber):
    tomtel = tenant(app, "tomtel")
    first = subscriber("tomtel", -10000)
    second = make_subscriber(tenant="tomtel", balance=-10000, logins={})["account_id"]
    assert isinstance(promised.take(tomtel, first, now=NOW), PromisedPayment)
    db.session.commit()
    assert isinstance(promised.take(tomtel, second, now=NOW), PromisedPayment)
    db.session.commit()
    assert account(app, second).balance == -10000 + expected_amount(app, "tomtel") - 1000
    assert account(app, first).balance == -10000 + expected_amount(app, "tomtel") - 1000


def test_another_tenants_account_cannot_take_a_promise(app, ctx, subscriber):
    athome_account = subscriber("athome", -10000)
    with pytest.raises(LookupError, match=f"no account {athome_account} in tenant tomtel"):
        promised.take(tenant(app, "tomtel"), athome_account, now=NOW)
    with pytest.raises(LookupError, match="tenant netbynet offers no promised payment"):
        promised.offer(tenant(app, "netbynet"), db.session.get(Account, athome_account), NOW)


def test_nothing_is_lent_on_a_zero_fee_but_a_single_kopeck_is(app, ctx, subscriber):
    no_tariff = subscriber("athome", -10000, tariffs=())
    terms = promised.offer(tenant(app, "athome"), db.session.get(Account, no_tariff), NOW)
    assert (terms.amount, terms.refusal) == (0, Refusal.NOTHING_TO_LEND)
    one_kopeck = with_rule(tenant(app, "novotelecom"), fixed_amount=1)
    debtor = subscriber("novotelecom", -10000)
    terms = promised.offer(one_kopeck, db.session.get(Account, debtor), NOW)
    assert (terms.amount, terms.refusal) == (1, None)


def test_a_fee_of_one_kopeck_is_charged(app, ctx, subscriber):
    account_id = subscriber("tomtel", -10000)
    taken = promised.take(with_rule(tenant(app, "tomtel"), fee=1), account_id, now=NOW)
    db.session.commit()
    fee = db.session.scalar(
        sa.select(LedgerEntry.amount).where(LedgerEntry.reference == f"promised-fee:{taken.id}")
    )
    assert fee == -1


def test_restoring_access_tells_the_listeners_which_isp(app, ctx, subscriber):
    from app.core.signals import account_status_changed

    r = rule(app, "tomtel")
    account_id = subscriber("tomtel", -r.max_debt, status="blocked")
    heard = []

    def listener(sender, account_id, old, new, cause):
        heard.append((sender.slug, account_id, old, new, cause))

    with account_status_changed.connected_to(listener):
        promised.take(tenant(app, "tomtel"), account_id, now=NOW)
    assert heard == [("tomtel", account_id, "blocked", "active", "promised")]
