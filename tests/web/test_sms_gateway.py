"""SMS.ru as the SMS gateway: a recovery code goes from the queue to a stand-in SMS.ru over
HTTP with the ISP's sender name; a text the gateway took is never sent twice; refusals are
retried with growing pauses and end in `flask outbox failed`; SMS.ru's delivery reports
reach the message's row only with the callback token; the text never reaches the logs."""

import logging
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.config import ConfigError, check_production
from app.extensions import db
from app.notify import queue
from app.notify.models import QueuedMessage, Status
from app.notify.service import queue_sms, send_reset_code
from app.notify.smsru import SmsRuProvider
from app.persistence import utcnow
from app.staff.roles import Role
from tests.conftest import ATHOME_PHONE
from tests.fakes.smsru import FakeSmsRu
from tests.web.staff_steps import log_in, make_member

TOKEN = "callback-secret-token-42"
CALLBACK = f"/notify/sms/status/smsru?token={TOKEN}"
NUMBER = ATHOME_PHONE.lstrip("+")


@pytest.fixture
def gateway(app, monkeypatch):
    """A stand-in SMS.ru the app sends through, half a second's patience per request."""
    fake = FakeSmsRu().start()
    provider = SmsRuProvider(
        {
            "SMSRU_API_URL": fake.url,
            "SMS_TIMEOUT": 0.5,
            "SMSRU_API_ID": "portal-wide-id",
            "SMSRU_TENANT_API_IDS": {"ATHOME": fake.api_id},
        }
    )
    monkeypatch.setitem(app.extensions, "notify.sms", provider)
    monkeypatch.setitem(app.config, "SMSRU_CALLBACK_TOKEN", TOKEN)
    yield fake
    fake.stop()


@pytest.fixture
def clock(monkeypatch):
    """The queue's clock, frozen and moved on by hand."""
    now = [utcnow()]
    monkeypatch.setattr(queue, "utcnow", lambda: now[0])

    def move(**delta):
        now[0] += timedelta(**delta)

    return move


def _rows(app) -> list[QueuedMessage]:
    with app.app_context():
        rows = db.session.scalars(sa.select(QueuedMessage).order_by(QueuedMessage.id)).all()
        db.session.expunge_all()
        return rows


def _queue_code(app, code: str = "731904") -> None:
    with app.app_context():
        send_reset_code(app.extensions["tenancy"].tenants["athome"], ATHOME_PHONE, code)
        db.session.commit()


def _queue_notice(app) -> None:
    """A text with no code in it, so no lifetime: it is tried until its last try."""
    with app.app_context():
        queue_sms(app.extensions["tenancy"].tenants["athome"], ATHOME_PHONE, "Баланс: 12 ₽")
        db.session.commit()


def _deliver(app) -> int:
    with app.app_context():
        return queue.deliver()


def test_a_recovery_code_reaches_the_gateway_with_the_isps_sender(
    app, tenant_client, athome, gateway
):
    client = tenant_client("athome.localhost")
    response = client.form(
        "/recover/via/identity",
        {
            "surname": "Петров",
            "first_name": "Иван",
            "contract_or_account": athome["contract"],
            "delivery": "sms_code",
        },
    )
    assert response.headers["Location"] == "/recover/code"
    (taken,) = gateway.messages
    assert (taken["to"], taken["from"]) == (NUMBER, "AtHome")
    assert "Эт Хоум" in taken["msg"]
    (row,) = _rows(app)
    assert (row.status, row.provider_id, row.body) == (Status.SENT, taken["sms_id"], "")
    code = re.search(r"\b(\d{6})\b", taken["msg"]).group(1)
    assert client.form("/recover/code", {"code": code}).headers["Location"] == "/recover/password"


def test_a_stalled_gateway_is_tried_later_and_a_taken_text_is_not_sent_again(app, gateway, clock):
    gateway.stall = 1
    _queue_code(app)
    assert _deliver(app) == 0
    (row,) = _rows(app)
    assert (row.status, row.attempts) == (Status.PENDING, 1)
    assert "no answer within 0.5 s" in row.last_error
    clock(seconds=queue.RETRY_DELAYS[0].total_seconds())
    assert _deliver(app) == 1
    assert len(gateway.messages) == 1
    # The same message's job run again, as a retried job or a second worker would.
    with app.app_context():
        queue.deliver(ids=[row.id])
        clock(minutes=60)
        assert queue.deliver() == 0
    assert len(gateway.messages) == 1 and gateway.requests == 2


def test_a_worker_dying_after_the_gateway_took_the_text_does_not_send_it_twice(
    app, gateway, monkeypatch
):
    _queue_code(app)

    def killed(*_args):
        raise SystemExit("the worker is killed")

    sent = queue._sent
    monkeypatch.setattr(queue, "_sent", killed)
    with app.app_context(), pytest.raises(SystemExit):
        queue.deliver()
    monkeypatch.setattr(queue, "_sent", sent)
    monkeypatch.setattr(queue, "utcnow", lambda: utcnow() + queue.STALE_CLAIM)
    (row,) = _rows(app)
    assert row.status == Status.SENDING and row.provider_id == gateway.messages[0]["sms_id"]
    assert _deliver(app) == 1  # the stale claim is taken again, and found already sent
    assert len(gateway.messages) == 1 and gateway.requests == 1
    assert _rows(app)[0].status == Status.SENT


def test_a_refusal_is_retried_with_growing_pauses_then_listed_as_failed(app, gateway, clock):
    gateway.refuse_with = 201  # not enough money: the operator tops the account up
    _queue_notice(app)
    attempts = []
    for pause in queue.RETRY_DELAYS:
        assert _deliver(app) == 0
        attempts.append(_rows(app)[0].attempts)
        clock(seconds=pause.total_seconds() - 1)
        assert _deliver(app) == 0
        clock(seconds=1)
    assert attempts == [1, 2, 3]
    assert _deliver(app) == 0
    (row,) = _rows(app)
    assert (row.status, row.attempts, row.body) == (Status.FAILED, 4, "Баланс: 12 ₽")
    assert "status_code=201" in row.last_error
    listed = app.test_cli_runner().invoke(args=["outbox", "failed"])
    assert listed.exit_code == 0
    assert f"{row.id}  athome  sms" in listed.output and "status_code=201" in listed.output
    assert NUMBER not in listed.output and gateway.messages == []


def test_a_number_refused_for_good_is_not_tried_again(app, gateway, clock):
    gateway.refuse_with = 207  # this number may not receive messages
    _queue_code(app)
    assert _deliver(app) == 0
    clock(days=1)
    assert _deliver(app) == 0
    (row,) = _rows(app)
    assert (row.status, row.attempts) == (Status.FAILED, 1)
    assert gateway.requests == 1


def test_a_wrong_api_id_is_the_operators_to_fix_and_retried(app, gateway):
    gateway.api_id = "another-account"
    _queue_code(app)
    assert _deliver(app) == 0
    (row,) = _rows(app)
    assert row.status == Status.PENDING and "status_code=200" in row.last_error


def test_delivery_reports_update_the_row_on_any_host(app, tenant_client, gateway):
    _queue_code(app)
    _deliver(app)
    sms_id = gateway.messages[0]["sms_id"]
    # SMS.ru's callback is one URL per account: it need not be an ISP's host.
    caller = tenant_client("callback.example.net")
    answer = gateway.report(caller, CALLBACK, sms_id, 102)
    assert (answer.status_code, answer.get_data(as_text=True)) == (200, "100")
    assert _rows(app)[0].delivery_status == "in_transit"
    assert gateway.report(caller, CALLBACK, sms_id, 103).get_data(as_text=True) == "100"
    (row,) = _rows(app)
    assert row.delivery_status == "delivered" and row.delivered_at is not None
    # A late «on its way», the same report again, an id the portal never sent: no change.
    gateway.report(caller, CALLBACK, sms_id, 102)
    gateway.report(caller, CALLBACK, sms_id, 103)
    assert gateway.report(caller, CALLBACK, "000999-999999", 104).get_data(as_text=True) == "100"
    again = _rows(app)[0]
    assert (again.delivery_status, again.delivered_at) == ("delivered", row.delivered_at)


def test_an_undelivered_text_shows_so_in_the_staff_outbox(app, tenant_client, gateway):
    _queue_code(app)
    _deliver(app)
    gateway.report(tenant_client("localhost"), CALLBACK, gateway.messages[0]["sms_id"], 104)
    (row,) = _rows(app)
    assert row.delivery_status == "not_delivered"
    client = tenant_client("athome.localhost")
    client.set_cookie("lang", "en", domain=client.host)
    log_in(app, client, make_member(app, "athome", Role.OPERATOR))
    page = client.get("/staff/outbox").get_data(as_text=True)
    assert re.search(rf'data-testid="delivery-{row.id}">not delivered to the phone', page)


@pytest.mark.parametrize(
    "path", ["/notify/sms/status/smsru", "/notify/sms/status/smsru?token=wrong-token-42"]
)
def test_a_report_without_the_token_is_refused_and_changes_nothing(
    app, tenant_client, gateway, path
):
    _queue_code(app)
    _deliver(app)
    answer = gateway.report(tenant_client("localhost"), path, gateway.messages[0]["sms_id"], 103)
    assert answer.status_code == 404
    assert _rows(app)[0].delivery_status is None


def test_without_a_configured_token_no_report_is_taken(app, tenant_client, gateway, monkeypatch):
    monkeypatch.setitem(app.config, "SMSRU_CALLBACK_TOKEN", None)
    _queue_code(app)
    _deliver(app)
    sms_id = gateway.messages[0]["sms_id"]
    answer = gateway.report(
        tenant_client("localhost"), "/notify/sms/status/smsru?token=", sms_id, 103
    )
    assert answer.status_code == 404 and _rows(app)[0].delivery_status is None


def test_the_text_never_reaches_the_logs(app, gateway, clock, caplog):
    with caplog.at_level(logging.DEBUG):
        _queue_code(app, "558213")
        gateway.stall = 1
        _deliver(app)
        clock(minutes=1)
        _deliver(app)
        gateway.refuse_with = 207
        _queue_code(app, "558214")
        _deliver(app)
    assert "sms taken by smsru" in caplog.text and "status_code=207" in caplog.text
    assert "558213" not in caplog.text and "558214" not in caplog.text
    assert NUMBER not in caplog.text and "password recovery code" not in caplog.text


def test_the_smsru_provider_is_chosen_by_its_name(make_app, gateway):
    built = make_app(SMS_PROVIDER="smsru", SMSRU_API_ID="x", SMSRU_API_URL=gateway.url)
    assert isinstance(built.extensions["notify.sms"], SmsRuProvider)


def test_production_with_smsru_needs_an_api_id():
    settings = {
        "SECRET_KEY": "Jx7-q2Vt9LmZr4Wc8Hn3Bd6Ks1Pf5Ya0",
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
        "SMS_PROVIDER": "smsru",
        "SMSRU_API_ID": None,
        "SMSRU_TENANT_API_IDS": {},
    }
    with pytest.raises(ConfigError, match="SMSRU_API_ID"):
        check_production(settings)
    check_production({**settings, "SMSRU_TENANT_API_IDS": {"SOMEISP": "id"}})
    check_production({**settings, "SMSRU_API_ID": "id"})


def test_an_isps_own_account_is_read_from_its_variable(monkeypatch):
    from app.config import load_settings

    monkeypatch.setenv("SMSRU_API_ID", "shared")
    monkeypatch.setenv("SMSRU_SOME_ISP_API_ID", "own")
    settings = load_settings()
    assert settings["SMSRU_TENANT_API_IDS"] == {"SOME_ISP": "own"}
    provider = SmsRuProvider(settings)
    assert provider.api_id_for("some-isp") == "own"
    assert provider.api_id_for("another") == "shared"
