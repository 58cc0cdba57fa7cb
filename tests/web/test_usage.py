"""Usage records: the ISP's accounting imports them (bearer token, its own points only,
idempotent), and the subscriber reads them on the «Traffic» page."""

import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from app.core.subscribers import ServicePoint
from app.extensions import db
from app.usage.models import UsageRecord

PAGE_LANG = "en"
HOST = "athome.localhost"
TOKEN = "usage-test-token"
PASSWORD = "Sunny-Garden-77"


@pytest.fixture(autouse=True)
def tokens(monkeypatch):
    monkeypatch.setenv("ATHOME_USAGE_TOKEN", TOKEN)
    monkeypatch.setenv("TOMTEL_USAGE_TOKEN", "tomtel-token")


@pytest.fixture
def today():
    return datetime.now(ZoneInfo("Europe/Moscow")).date() - timedelta(days=1)


def point_of(app, customer) -> int:
    with app.app_context():
        return db.session.scalar(
            sa.select(ServicePoint.id).where(ServicePoint.account_id == customer["account_id"])
        )


def stored(app) -> list[tuple]:
    with app.app_context():
        rows = db.session.execute(
            sa.select(
                UsageRecord.tenant,
                UsageRecord.point_id,
                UsageRecord.day,
                UsageRecord.bytes_in,
                UsageRecord.bytes_out,
            ).order_by(UsageRecord.day)
        ).all()
        return [tuple(r) for r in rows]


def post(client, body, token=TOKEN, content_type="application/json"):
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    data = (
        json.dumps(body)
        if content_type == "application/json" and not isinstance(body, str)
        else body
    )
    return client.post("/usage/import", data=data, headers=headers, content_type=content_type)


@pytest.fixture
def customer(make_subscriber):
    return make_subscriber(tenant="athome", password=PASSWORD, logins={"login": "traffic_reader"})


def test_imported_once_and_replaced_by_a_reimport(app, tenant_client, customer, today):
    point = point_of(app, customer)
    records = [
        {"point": point, "date": today.isoformat(), "bytes_in": 5_000_000_000, "bytes_out": 1}
    ]
    client = tenant_client(HOST)
    for _ in range(2):
        response = post(client, {"records": records})
        assert response.status_code == 200 and response.json == {"stored": 1}
    assert stored(app) == [("athome", point, today, 5_000_000_000, 1)]
    records[0]["bytes_in"] = 7
    assert post(client, records).status_code == 200
    assert stored(app) == [("athome", point, today, 7, 1)]


def test_csv_by_account_number_and_address(app, tenant_client, make_subscriber, today):
    customer = make_subscriber(tenant="athome", tariffs=("basic", "basic"))
    with app.app_context():
        points = db.session.scalars(
            sa.select(ServicePoint).where(ServicePoint.account_id == customer["account_id"])
        ).all()
        points[1].address = "ул. Вторая, 2"
        db.session.commit()
        second = points[1].id
    day = today.isoformat()
    client = tenant_client(HOST)
    ambiguous = f"account,date,bytes_in,bytes_out\n{customer['account']},{day},1,2\n"
    response = post(client, ambiguous, content_type="text/csv")
    assert response.status_code == 422 and "several points" in response.json["problems"][0]
    header = "account;address;date;bytes_in;bytes_out"
    csv = f"{header}\n{customer['account']};ул. Вторая, 2;{day};10;20\n"
    assert post(client, csv, content_type="text/csv").json == {"stored": 1}
    assert stored(app) == [("athome", second, today, 10, 20)]


def test_the_token_is_checked(app, tenant_client, customer, today):
    body = [
        {"point": point_of(app, customer), "date": today.isoformat(), "bytes_in": 1, "bytes_out": 1}
    ]
    client = tenant_client(HOST)
    for token in (None, "wrong", "tomtel-token", ""):
        response = post(client, body, token=token)
        assert response.status_code == 401, token
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    response = client.post(
        "/usage/import",
        data=json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Basic {TOKEN}"},
    )
    assert response.status_code == 401
    assert stored(app) == []


def test_a_tenant_without_a_token_imports_nothing(app, tenant_client, make_subscriber, monkeypatch):
    monkeypatch.delenv("ATHOME_USAGE_TOKEN")
    response = post(tenant_client(HOST), [], token="anything")
    assert response.status_code == 403
    acme = tenant_client("acme.localhost")
    assert post(acme, [], token="anything").status_code == 403


def test_another_tenants_point_is_refused_and_nothing_stored(
    app, tenant_client, customer, make_subscriber, today
):
    other = make_subscriber(tenant="tomtel")
    day = today.isoformat()
    body = [
        {"point": point_of(app, customer), "date": day, "bytes_in": 1, "bytes_out": 1},
        {"point": point_of(app, other), "date": day, "bytes_in": 1, "bytes_out": 1},
        {"account": other["account"], "date": day, "bytes_in": 1, "bytes_out": 1},
    ]
    response = post(tenant_client(HOST), body)
    assert response.status_code == 422
    assert response.json["problems"] == [
        f"line 2: no service point {point_of(app, other)}",
        f"line 3: no account '{other['account']}'",
    ]
    assert stored(app) == []


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        ("{not json", "application/json", 400),
        ("[1, 2]", "application/json", 422),
        ('{"records": "x"}', "application/json", 422),
        (
            '[{"point": 1, "date": "2026-13-01", "bytes_in": 1, "bytes_out": 1}]',
            "application/json",
            422,
        ),
        (
            '[{"point": true, "date": "2026-01-01", "bytes_in": 1, "bytes_out": 1}]',
            "application/json",
            422,
        ),
        (
            '[{"point": 1, "date": "2026-01-01", "bytes_in": -1, "bytes_out": 1}]',
            "application/json",
            422,
        ),
        (
            '[{"point": 1, "date": "9999-12-31", "bytes_in": 1, "bytes_out": 1}]',
            "application/json",
            422,
        ),
        (
            '[{"point": 1, "date": "2026-01-01", "bytes_in": 1e400, "bytes_out": 1}]',
            "application/json",
            422,
        ),
        ("[" * 100000 + "]" * 100000, "application/json", 400),
        ("", "application/json", 400),
        ("point,date\n1,2026-01-01\n", "text/csv", 422),
        ("point,date,bytes_in,bytes_out\n1,2026-01-01,1,2,3\n", "text/csv", 422),
        ("point,date,bytes_in,bytes_out\n\x00,2026-01-01,1,2\n", "text/csv", 422),
        ("point,date,bytes_in,bytes_out\n", "text/csv", 422),
        ('point,date,bytes_in,bytes_out\n"' + "x" * 200_000 + '",1,1,1\n', "text/csv", 422),
        ("point=1", "application/x-www-form-urlencoded", 415),
    ],
)
def test_malformed_input_is_a_clear_4xx(app, tenant_client, body, content_type, status):
    response = post(tenant_client(HOST), body, content_type=content_type)
    assert response.status_code == status, response.json
    assert response.json["error"]
    assert stored(app) == []


def test_undecodable_bytes_are_a_bad_request(app, tenant_client):
    response = post(tenant_client(HOST), b"\xff\xfe\xfa", content_type="text/csv")
    assert response.status_code == 400


def test_the_command_imports_a_file(app, customer, today, tmp_path):
    point = point_of(app, customer)
    good = tmp_path / "usage.csv"
    good.write_text(f"point,date,bytes_in,bytes_out\n{point},{today},100,200\n", encoding="utf-8")
    runner = app.test_cli_runner()
    for _ in range(2):
        result = runner.invoke(args=["usage", "import", str(good), "--tenant", "athome"])
        assert result.exit_code == 0 and "1 record(s) stored" in result.output
    assert stored(app) == [("athome", point, today, 100, 200)]
    result = runner.invoke(args=["usage", "import", str(good), "--tenant", "tomtel"])
    assert result.exit_code == 1 and f"no service point {point}" in result.output
    as_json = tmp_path / "usage.json"
    as_json.write_text(
        json.dumps([{"point": point, "date": str(today), "bytes_in": 5, "bytes_out": 6}])
    )
    assert (
        runner.invoke(args=["usage", "import", str(as_json), "--tenant", "athome"]).exit_code == 0
    )
    assert stored(app) == [("athome", point, today, 5, 6)]


def test_the_traffic_page_shows_the_imported_days(app, tenant_client, customer, today):
    point = point_of(app, customer)
    earlier = today - timedelta(days=3)
    client = tenant_client(HOST)
    post(
        client,
        [
            {
                "point": point,
                "date": today.isoformat(),
                "bytes_in": 5_370_000_000,
                "bytes_out": 402_000_000,
            },
            {
                "point": point,
                "date": earlier.isoformat(),
                "bytes_in": 1_000_000_000,
                "bytes_out": 0,
            },
        ],
    )
    assert client.login("traffic_reader", PASSWORD).status_code == 302
    html = client.get("/usage/").get_data(as_text=True)
    assert "Traffic" in html and 'href="/usage/"' in html
    assert f'data-day="{today.isoformat()}"' in html
    assert "5.37 GB" in html and "0.4 GB" in html
    assert 'data-testid="total-in">6.37 GB' in html
    assert "<svg" in html and "<table" in html
    client.set_cookie("lang", "ru", domain=HOST)
    html = client.get("/usage/").get_data(as_text=True)
    assert "Трафик" in html and "5,37 ГБ" in html and "Последние 30 дней" in html


def test_a_month_without_records_says_so(app, tenant_client, customer, today):
    client = tenant_client(HOST)
    client.login("traffic_reader", PASSWORD)
    month = (today.replace(day=1) - timedelta(days=40)).strftime("%Y-%m")
    html = client.get(f"/usage/?period={month}").get_data(as_text=True)
    assert 'data-testid="no-usage"' in html


def test_another_subscribers_point_is_not_found(app, tenant_client, customer, make_subscriber):
    neighbour = make_subscriber(tenant="athome")
    post(
        tenant_client(HOST),
        [
            {
                "point": point_of(app, neighbour),
                "date": date.today().isoformat(),
                "bytes_in": 7,
                "bytes_out": 7,
            }
        ],
    )
    client = tenant_client(HOST)
    client.login("traffic_reader", PASSWORD)
    for query in (
        f"point={point_of(app, neighbour)}",
        "point=99999999999999999999",
        "period=1999-01",
    ):
        assert client.get(f"/usage/?{query}").status_code == 404, query


def test_a_subscriber_of_another_tenant_does_not_log_in_here(app, tenant_client, customer):
    client = tenant_client("tomtel.localhost")
    client.login("traffic_reader", PASSWORD)
    assert client.get("/usage/").status_code in (302, 401)


def test_demo_seed_gives_the_demo_subscribers_traffic(app):
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(UsageRecord)) > 100
    again = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert again.exit_code == 0
