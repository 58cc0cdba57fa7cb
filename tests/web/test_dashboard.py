"""What the dashboard tells a subscriber about their money."""

import dataclasses
import re
from datetime import UTC, datetime

import pytest

from app.core.subscribers import Account
from app.extensions import db

PASSWORD = "Sunny-Garden-77"


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def test_dashboard_shows_numbers_balance_tariff_and_days_left(client, make_subscriber):
    subscriber = make_subscriber(password=PASSWORD, balance=45000, tariffs=("basic",))
    client.login(subscriber["account"], PASSWORD)
    page = _text(client.get("/"))
    assert subscriber["account"] in page
    assert subscriber["contract"] in page
    assert "450,00 ₽" in page
    assert "Базовый" in page  # tariff name from the tenant's YAML
    assert "600,00 ₽" in page  # its monthly price
    # 450 of a 600-a-month tariff: 22 or 23 days depending on this month's length.
    days = int(re.search(r'data-testid="days-left">\s*(\d+)', page).group(1))
    assert days in (21, 22, 23)


def test_balance_formatting_follows_the_language(client, make_subscriber):
    subscriber = make_subscriber(password=PASSWORD, balance=123456789)
    client.login(subscriber["account"], PASSWORD)
    client.set_cookie("lang", "en", domain="acme.localhost")
    assert "RUB" in _text(client.get("/")) or "₽" in _text(client.get("/"))
    assert "1,234,567.89" in _text(client.get("/"))
    client.set_cookie("lang", "hi", domain="acme.localhost")
    assert "12,34,567.89" in _text(client.get("/"))  # Indian digit grouping


def test_two_service_points_and_their_total(client, make_subscriber):
    subscriber = make_subscriber(password=PASSWORD, balance=100000, tariffs=("basic", "fast"))
    client.login(subscriber["account"], PASSWORD)
    page = _text(client.get("/"))
    assert "Базовый" in page and "Быстрый" in page
    assert "1 530,50 ₽" in page.replace("\xa0", " ")


def test_negative_balance_shows_blocked_and_zero_days(client, make_subscriber):
    subscriber = make_subscriber(password=PASSWORD, balance=-15000, status="blocked")
    client.login(subscriber["account"], PASSWORD)
    page = _text(client.get("/"))
    assert "-150,00 ₽" in page.replace("\xa0", " ").replace("−", "-")
    assert "status-blocked" in page
    assert "balance-negative" in page


def test_update_time_is_shown_in_the_regions_timezone(app, tenant_client, make_subscriber):
    subscriber = make_subscriber(password=PASSWORD, balance=1000)
    with app.app_context():
        account = db.session.get(Account, subscriber["account_id"])
        account.balance_updated_at = datetime(2026, 3, 1, 20, 30, tzinfo=UTC)
        db.session.commit()
    # The acme tenant's default timezone is Asia/Krasnoyarsk (UTC+7); its south region is UTC+7
    # too but Novosibirsk-named, so compare against the tenant zone: 2 March, 03:30.
    client = tenant_client("acme.localhost")
    client.login(subscriber["account"], PASSWORD)
    page = _text(client.get("/"))
    assert "2 мар. 2026" in page and "03:30" in page
    assert 'datetime="2026-03-01T20:30:00+00:00"' in page


def test_another_tenants_subscriber_is_invisible(tenant_client, make_subscriber):
    mine = make_subscriber(password=PASSWORD, balance=77700)
    theirs = make_subscriber(tenant="tomtel", password=PASSWORD, logins={"account": "987654321"})
    client = tenant_client("acme.localhost")
    client.login(mine["account"], PASSWORD)
    page = _text(client.get("/"))
    assert "987654321" not in page and theirs["contract"] not in page


def test_menu_shows_only_built_sections(client, make_subscriber):
    subscriber = make_subscriber(password=PASSWORD)
    client.login(subscriber["account"], PASSWORD)
    page = client.get("/").get_data(as_text=True)
    menu = re.search(r'<nav class="main-menu".*?</nav>', page, re.S).group(0)
    links = re.findall(r'href="([^"]+)"', menu)
    assert links == [
        "/",
        "/services/",
        "/statement",
        "/news/",
        "/help/requests",
        "/profile/",
        "/recover/contacts",
        "/notifications/",
        "/security/",
        "/password",
        "/help/contacts",
    ]
    for link in links:
        assert client.get(link).status_code == 200
    # «My services» is reached from «Tariffs and services», its old address still works.
    assert client.get("/my-services").status_code == 200


def _take_promise(app, tenant_slug: str, account_id: int):
    from app.billing import promised

    with app.app_context():
        taken = promised.take(app.extensions["tenancy"].tenants[tenant_slug], account_id)
        db.session.commit()
        return taken.amount


def _tomsk_month_days() -> int:
    import calendar
    from zoneinfo import ZoneInfo

    today = datetime.now(ZoneInfo("Asia/Tomsk")).date()
    return calendar.monthrange(today.year, today.month)[1]


def _days_left(page: str) -> int:
    return int(re.search(r'data-testid="days-left">\s*(\d+)', page).group(1))


def test_days_left_count_the_promised_payments_write_off(app, tenant_client, make_subscriber):
    # Tomtel lends the monthly fee (490 ₽ on «Старт 100») for 3 days, for a 10 ₽ fee.
    subscriber = make_subscriber(
        tenant="tomtel",
        password=PASSWORD,
        balance=-10000,
        status="blocked",
        tariffs=("start-100",),
        logins={"account": "701458321"},
    )
    assert _take_promise(app, "tomtel", subscriber["account_id"]) == 49000
    client = tenant_client("tomtel.localhost")
    client.login("701458321", PASSWORD)
    client.set_cookie("lang", "en", domain="tomtel.localhost")
    page = _text(client.get("/"))
    # 380 ₽ on the balance would last some 23 days, but 490 ₽ of it goes back in 3 days:
    # the money lasts until the write-off, and not a day longer.
    assert "₽380.00" in page
    assert _days_left(page) == 3
    assert re.search(r'data-testid="repayment">₽490.00, to be written off on \w+ \d+, \d{4}<', page)

    # A top-up of 980 ₽ outlasts the write-off: what remains after it is 870 ₽.
    from app.core.ledger import EntryKind, post_entry

    with app.app_context():
        post_entry("tomtel", subscriber["account_id"], 98000, EntryKind.PAYMENT, "top-up")
        db.session.commit()
    page = _text(client.get("/"))
    assert "₽1,360.00" in page
    assert _days_left(page) == 87000 * _tomsk_month_days() // 49000


def _dashboard_statements(app, client) -> list[str]:
    import sqlalchemy as sa

    with app.app_context():
        engine = db.engine
    seen: list[str] = []

    def listener(conn, cursor, statement, *args):
        seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        assert client.get("/").status_code == 200
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    return seen


def test_the_promised_payment_costs_the_dashboard_one_query_at_most(
    app, tenant_client, make_subscriber
):
    make_subscriber(tenant="tomtel", password=PASSWORD, logins={"account": "701458321"})
    tomtel = tenant_client("tomtel.localhost")
    tomtel.login("701458321", PASSWORD)
    statements = _dashboard_statements(app, tomtel)
    assert sum("promised_payment" in s for s in statements) == 1
    # NetByNet has no promised payment: not a single query about one.
    make_subscriber(tenant="netbynet", password=PASSWORD, logins={"contract": "780000111"})
    netbynet = tenant_client("netbynet.localhost")
    netbynet.login("780000111", PASSWORD)
    assert not any("promised_payment" in s for s in _dashboard_statements(app, netbynet))


# 20:00 UTC on 1 December: 23:00 of the 1st in Moscow, already 03:00 on the 2nd in Tomsk.
EVENING_UTC = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)
UPDATED_UTC = datetime(2026, 12, 1, 19, 30, tzinfo=UTC)  # 02:30 on 2 December in Tomsk


@pytest.fixture
def evening_in_utc(monkeypatch):
    """The dashboard and its chart see EVENING_UTC as the present moment."""

    class Frozen(datetime):
        @classmethod
        def now(cls, tz=None):
            return EVENING_UTC.astimezone(tz) if tz else EVENING_UTC.replace(tzinfo=None)

    monkeypatch.setattr("app.account.routes.datetime", Frozen)
    monkeypatch.setattr("app.statements.routes.datetime", Frozen)


@pytest.fixture
def acme_south_in_tomsk(app, monkeypatch):
    """acme on Moscow time, its «south» region on Tomsk time: the subscriber's region and
    the tenant disagree about the date in the evening UTC."""
    registry = app.extensions["tenancy"]
    acme = registry.tenants["acme"]
    regions = tuple(
        r.model_copy(update={"timezone": "Asia/Tomsk"}) if r.code == "south" else r
        for r in acme.config.regions
    )
    config = acme.config.model_copy(update={"timezone": "Europe/Moscow", "regions": regions})
    moved = dataclasses.replace(acme, config=config)
    monkeypatch.setitem(registry.tenants, "acme", moved)
    for host, site in list(registry.sites.items()):
        if site.tenant is acme:
            region = moved.region(site.region.code) if site.region else None
            monkeypatch.setitem(
                registry.sites, host, dataclasses.replace(site, tenant=moved, region=region)
            )


def _updated_and_last_chart_day(response) -> tuple[str, str]:
    page = _text(response)
    updated = re.search(r'<time datetime="[^"]+">([^<]*)</time>', page).group(1)
    last_day = re.search(r'class="chart-axis"[^>]*><span>[^<]*</span><span>([^<]*)<', page)
    return updated, last_day.group(1)


@pytest.mark.parametrize(
    ("host", "subscriber"),
    [
        ("tomtel.localhost", {"tenant": "tomtel", "logins": {"account": "701458321"}}),
        ("acme.localhost", {"tenant": "acme", "region": "south"}),  # the tenant is on Moscow time
    ],
    ids=["tomtel", "acme-region-in-tomsk"],
)
@pytest.mark.usefixtures("evening_in_utc", "acme_south_in_tomsk")
def test_update_time_and_the_charts_last_day_are_both_tomsk_dates(
    app, tenant_client, make_subscriber, host, subscriber
):
    facts = make_subscriber(password=PASSWORD, **subscriber)
    with app.app_context():
        account = db.session.get(Account, facts["account_id"])
        account.balance_updated_at = UPDATED_UTC
        db.session.commit()
    client = tenant_client(host)
    login = subscriber.get("logins", {}).get("account", facts["account"])
    assert client.login(login, PASSWORD).status_code == 302
    updated, last_day = _updated_and_last_chart_day(client.get("/"))
    # In UTC (or Moscow) it is still 1 December; in Tomsk both say 2 December.
    assert updated.startswith("2 дек. 2026") and "02:30" in updated
    assert last_day == "02.12.2026"


@pytest.mark.usefixtures("evening_in_utc")
def test_a_chart_ends_on_the_day_its_balance_was_last_updated(app, tenant_client, make_subscriber):
    """Nothing has changed the balance yet on 2 December in Tomsk (the day's charge is still
    to come): the chart stops at 1 December, the day «Updated» names, not at «today»."""
    facts = make_subscriber(tenant="tomtel", password=PASSWORD, logins={"account": "701458322"})
    with app.app_context():
        account = db.session.get(Account, facts["account_id"])
        account.balance_updated_at = datetime(2026, 11, 30, 20, 0, tzinfo=UTC)  # 1 Dec, 03:00
        db.session.commit()
    client = tenant_client("tomtel.localhost")
    assert client.login("701458322", PASSWORD).status_code == 302
    updated, last_day = _updated_and_last_chart_day(client.get("/"))
    assert updated.startswith("1 дек. 2026") and "03:00" in updated
    assert last_day == "01.12.2026"


def _chart_summary(response) -> str:
    return re.search(r'data-testid="chart-summary">(.*?)</figcaption>', _text(response), re.S)[1]


def test_the_chart_is_drawn_once_until_the_ledger_moves_the_balance(
    app, tenant_client, make_subscriber
):
    from app.core.ledger import EntryKind, post_entry

    subscriber = make_subscriber(
        tenant="tomtel", password=PASSWORD, logins={"account": "701458321"}, balance=10_000
    )
    client = tenant_client("tomtel.localhost")
    client.login("701458321", PASSWORD)
    first = _dashboard_statements(app, client)
    assert sum("ledger_entry" in s for s in first) == 1
    again = _dashboard_statements(app, client)
    # Nothing moved the balance: the chart kept from the first request, one query fewer.
    assert not any("ledger_entry" in s for s in again) and len(again) == len(first) - 1
    before = _chart_summary(client.get("/"))
    with app.app_context():
        post_entry("tomtel", subscriber["account_id"], 25_000, EntryKind.PAYMENT, "top-up")
        db.session.commit()
    assert sum("ledger_entry" in s for s in _dashboard_statements(app, client)) == 1
    after = _chart_summary(client.get("/"))
    assert after != before and "350" in after.split("today")[-1]
