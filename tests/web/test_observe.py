"""What operators watch: request ids, the request log line, health checks and metrics."""

import json
import logging
import re
import secrets

import pytest
from prometheus_client import REGISTRY

from app.extensions import db
from app.notify.delivery import send_sms
from app.observe import logs
from app.observe.logs import JsonLines, RequestContext, StderrHandler
from app.observe.metrics import PAYMENT_OUTCOMES
from tests.web.test_payments_callback import URL, body, pending_payment, signed

PASSWORD = "Sunny-Garden-77"
WRONG_PASSWORD = "Rainy-Cellar-13"
PHONE = "+79135551234"
GENERATED = re.compile(r"[0-9a-f]{16}")
TOKEN = "metrics-token-for-the-tests"


class Records(logging.Handler):
    """Every record of the app and the libraries, formatted as production writes them."""

    def __init__(self):
        super().__init__()
        self.addFilter(RequestContext())
        self.setFormatter(JsonLines())
        self.records: list[logging.LogRecord] = []
        self.lines: list[str] = []

    def emit(self, record):
        self.records.append(record)
        self.lines.append(self.format(record))

    def requests(self) -> list[dict]:
        return [json.loads(line) for line in self.lines if '"logger": "app.request"' in line]


@pytest.fixture
def captured():
    handler = Records()
    root = logging.getLogger()
    root.addHandler(handler)
    yield handler
    root.removeHandler(handler)


def test_a_request_gets_an_id_in_its_answer(client):
    first = client.get("/login").headers["X-Request-ID"]
    second = client.get("/login").headers["X-Request-ID"]
    assert GENERATED.fullmatch(first) and GENERATED.fullmatch(second) and first != second


def test_the_proxys_id_is_kept(client):
    response = client.get("/login", headers={"X-Request-ID": "edge-42.a_B"})
    assert response.headers["X-Request-ID"] == "edge-42.a_B"


@pytest.mark.parametrize("offered", ["has space", "x" * 65, "semi;colon", "кириллица", ""])
def test_a_strange_id_is_replaced(client, offered):
    response = client.get("/login", headers={"X-Request-ID": offered})
    assert GENERATED.fullmatch(response.headers["X-Request-ID"])


@pytest.mark.parametrize(
    ("lang", "label"),
    [
        (None, "Код запроса для службы поддержки: support-404"),
        ("en", "Request code for support: support-404"),
        ("hi", "सहायता टीम के लिए अनुरोध कोड: support-404"),
    ],
)
def test_the_not_found_page_shows_the_id_in_the_subscribers_language(client, lang, label):
    if lang:
        client.set_cookie("lang", lang, domain=client.host)
    response = client.get("/no-such-page", headers={"X-Request-ID": "support-404"})
    assert response.status_code == 404
    assert label in response.get_data(as_text=True)


def test_an_unknown_hosts_page_shows_the_id_too(tenant_client):
    response = tenant_client("nobody.example").get("/login", headers={"X-Request-ID": "r-400"})
    assert response.status_code == 400 and response.headers["X-Request-ID"] == "r-400"
    assert "r-400" in response.get_data(as_text=True)


def test_a_server_error_page_shows_the_id_and_logs_it(app, client, monkeypatch, captured):
    def broken():
        raise RuntimeError("the view broke")

    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    monkeypatch.setitem(app.view_functions, "auth.login", broken)
    response = client.get("/login", headers={"X-Request-ID": "support-500"})
    assert response.status_code == 500 and response.headers["X-Request-ID"] == "support-500"
    assert "Код запроса для службы поддержки: support-500" in response.get_data(as_text=True)
    failure = next(r for r in captured.records if r.exc_info)
    assert failure.request_id == "support-500" and failure.tenant == "acme"
    (line,) = captured.requests()
    assert line["status"] == 500 and line["endpoint"] == "auth.login"


def test_the_request_line_says_who_and_what_but_no_secret(client, make_subscriber, captured):
    subscriber = make_subscriber(password=PASSWORD, logins={"phone": PHONE})
    client.get("/login?code=918273&token=very-secret-token")
    assert client.login(PHONE, WRONG_PASSWORD).status_code == 200
    response = client.login(PHONE, PASSWORD)
    assert response.status_code == 302
    lines = captured.requests()
    assert [(line["method"], line["status"]) for line in lines] == [
        ("GET", 200),
        ("GET", 200),
        ("POST", 200),
        ("GET", 200),
        ("POST", 302),
    ]
    login = lines[-1]
    assert login["request_id"] == response.headers["X-Request-ID"]
    assert login["tenant"] == "acme" and login["endpoint"] == "auth.login"
    assert login["route"] == "/login" and login["subscriber_id"] == subscriber["id"]
    assert isinstance(login["duration_ms"], float) and login["staff_id"] is None
    assert lines[2]["subscriber_id"] is None  # the failed try is nobody's
    everything = "\n".join(captured.lines)
    for secret in (PASSWORD, WRONG_PASSWORD, "9135551234", "918273", "very-secret-token"):
        assert secret not in everything
    for record in captured.records:
        assert PASSWORD not in repr(record.__dict__)


def test_records_outside_a_request_carry_no_request():
    record = logging.LogRecord("app.x", logging.INFO, __file__, 1, "job done", None, None)
    RequestContext().filter(record)
    assert record.request_id is None and record.tenant is None


def test_production_writes_json_lines_to_stderr(monkeypatch, make_app, capsys):
    # check_production refuses memory:// and `immediate`; the format is what this tests.
    monkeypatch.setattr("app.config.check_production", lambda settings: None)
    application = make_app(PORTAL_ENV="production", SECRET_KEY=secrets.token_urlsafe(32))
    try:
        handler = next(h for h in logging.getLogger().handlers if isinstance(h, StderrHandler))
        assert isinstance(handler.formatter, JsonLines)
        capsys.readouterr()
        response = application.test_client().get(
            "/healthz", base_url="https://acme.localhost", headers={"X-Request-ID": "json-1"}
        )
        assert response.status_code == 200
        lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    finally:
        logs.configure("text")
    (line,) = [line for line in lines if line["logger"] == "app.request"]
    assert line["request_id"] == "json-1" and line["endpoint"] == "healthz"
    assert line["status"] == 200 and line["level"] == "INFO" and line["time"].endswith("+00:00")


@pytest.mark.parametrize("host", ["nobody.example", "acme.localhost", "10.0.0.7"])
def test_health_and_readiness_answer_on_any_host(tenant_client, host):
    browser = tenant_client(host)
    health = browser.get("/healthz")
    assert (health.status_code, health.get_data(as_text=True)) == (200, "ok\n")
    ready = browser.get("/readyz")
    assert ready.status_code == 200 and ready.get_json() == {"status": "ready"}
    for response in (health, ready):
        assert "Set-Cookie" not in response.headers and "X-Request-ID" in response.headers


def test_not_ready_names_the_failing_checks_only(make_app, tmp_path):
    broken = make_app(
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/missing-folder/portal.sqlite3",
        PORTAL_CHAT_REDIS_URL="redis://127.0.0.1:1/7",
    )
    response = broken.test_client().get("/readyz", base_url="http://nobody.example")
    assert response.status_code == 503
    assert response.get_json() == {"status": "not ready", "failed": ["database", "redis"]}
    assert "127.0.0.1" not in response.get_data(as_text=True)
    assert broken.test_client().get("/healthz").status_code == 200


def _sample(text: str, name: str) -> float:
    match = re.search(rf"^{re.escape(name)} (\S+)$", text, re.MULTILINE)
    assert match, f"{name} not in the metrics"
    return float(match.group(1))


def test_metrics_are_not_served_without_a_token(client, tenant_client):
    assert client.get("/metrics").status_code == 404
    assert tenant_client("nobody.example").get("/metrics").status_code == 404


def test_metrics_need_the_token_and_count_logins(
    app, client, tenant_client, make_subscriber, monkeypatch
):
    monkeypatch.setitem(app.config, "PORTAL_METRICS_TOKEN", TOKEN)
    scraper = tenant_client("nobody.example")
    assert scraper.get("/metrics").status_code == 401
    wrong = scraper.get("/metrics", headers={"Authorization": "Bearer guessed"})
    assert wrong.status_code == 401 and wrong.headers["WWW-Authenticate"] == "Bearer"
    assert scraper.get("/metrics", headers={"Authorization": TOKEN}).status_code == 401
    bearer = {"Authorization": f"Bearer {TOKEN}"}
    success = 'portal_logins_total{outcome="success"}'
    failed = 'portal_logins_total{outcome="bad_password"}'
    before = scraper.get("/metrics", headers=bearer)
    assert before.status_code == 200 and "Set-Cookie" not in before.headers
    subscriber = make_subscriber(password=PASSWORD)
    assert client.login(subscriber["account"], WRONG_PASSWORD).status_code == 200
    assert client.login(subscriber["account"], PASSWORD).status_code == 302
    after = scraper.get("/metrics", headers=bearer).get_data(as_text=True)
    assert _sample(after, success) == _sample(before.text, success) + 1
    assert _sample(after, failed) == _sample(before.text, failed) + 1
    assert 'portal_request_duration_seconds_count{endpoint="auth.login",tenant="acme"}' in after
    assert _sample(after, 'portal_outbox_due{outbox="messages"}') == 0
    assert _sample(after, "portal_jobs_queued") == 0


def _count(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_payment_notifications_are_counted_by_outcome(app, make_subscriber, tenant_client):
    account = make_subscriber(tenant="athome")["account_id"]
    bank = tenant_client("athome.localhost")
    name = "portal_payment_notifications_total"
    before = {outcome: _count(name, outcome=outcome) for outcome in PAYMENT_OUTCOMES}
    paid = body(pending_payment(app, account))
    for _ in range(2):
        assert bank.post(URL, data=paid, headers=signed(app, paid)).status_code == 200
    declined = body(
        pending_payment(app, account), status="failed", failure_reason="insufficient_funds"
    )
    assert bank.post(URL, data=declined, headers=signed(app, declined)).status_code == 200
    unsigned = bank.post(URL, data=paid, headers={"Content-Type": "application/json"})
    assert unsigned.status_code == 400
    counted = {outcome: _count(name, outcome=outcome) - before[outcome] for outcome in before}
    assert counted == {"credited": 1, "duplicate": 1, "failed": 1, "rejected": 1, "deferred": 0}


def test_texts_are_counted_as_sent(app):
    sent = _count("portal_messages_total", channel="sms", outcome="sent")
    with app.app_context():
        send_sms(app.extensions["tenancy"].tenants["acme"], PHONE, "Код: 1")
        db.session.rollback()
    assert _count("portal_messages_total", channel="sms", outcome="sent") == sent + 1
