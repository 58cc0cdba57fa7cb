"""The provisioning outbox: a service change is written with its transaction, posted signed
after the response, retried with growing pauses, given up, and listed by `flask provisioning`."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Blueprint

from app.core.signals import service_changed
from app.extensions import db
from app.persistence import utcnow
from app.provisioning import outbox, webhook
from app.provisioning.models import ProvisioningEvent, Status
from app.tenancy.network_schema import Provisioning
from tests import network_receiver

network = network_receiver.network  # the fixture, for this module's tests

DETAILS = {"tariff": "fast", "speed_mbps": 500}


@pytest.fixture
def tenant(app):
    return app.extensions["tenancy"].tenants["athome"]


@pytest.fixture
def customer(make_subscriber):
    return make_subscriber(tenant="athome", password="Sunny-Garden-77")


@pytest.fixture
def clock(monkeypatch):
    """The outbox's clock, frozen and moved on by hand."""
    now = [utcnow()]
    monkeypatch.setattr(outbox, "utcnow", lambda: now[0])

    def move(**delta):
        now[0] += timedelta(**delta)

    return move


def events(app) -> list[ProvisioningEvent]:
    with app.app_context():
        rows = db.session.scalars(sa.select(ProvisioningEvent).order_by(ProvisioningEvent.id)).all()
        db.session.expunge_all()
        return rows


def change(tenant, customer, event="tariff-changed", point_id=None):
    service_changed.send(
        tenant, account_id=customer["account_id"], point_id=point_id, event=event, details=DETAILS
    )


def test_delivered_once_signed_with_its_event_id(app, tenant, customer, network):
    with app.app_context():
        change(tenant, customer)
        db.session.commit()
        assert outbox.deliver() == 1
        assert outbox.deliver() == 0
    (arrival,) = network.arrivals
    assert arrival.verified and arrival.path == "/athome"
    (row,) = events(app)
    assert arrival.headers["X-Portal-Event-Id"] == row.event_id == arrival.event["id"]
    assert arrival.event["event"] == "tariff-changed"
    assert arrival.event["account"] == customer["account"]
    assert arrival.event["details"] == DETAILS
    assert (row.status, row.attempts, row.last_error) == (Status.DELIVERED, 1, None)
    assert row.delivered_at is not None


def test_the_event_rolls_back_with_its_transaction(app, tenant, customer, network):
    with app.app_context():
        change(tenant, customer)
        db.session.rollback()
        assert outbox.deliver() == 0
    assert events(app) == [] and network.arrivals == []


@pytest.fixture
def changing_app(make_app):
    """An app with one extra page that changes a service, and then fails if asked to."""
    application = make_app()
    pages = Blueprint("test_changes", __name__)

    @pages.route("/test-change/<int:account_id>/<int:fail>")
    def change_service(account_id: int, fail: int):
        tenant = application.extensions["tenancy"].tenants["athome"]
        service_changed.send(
            tenant, account_id=account_id, point_id=None, event="block-start", details={}
        )
        return ("failed", 500) if fail else "changed"

    application.register_blueprint(pages)
    return application


def test_posted_after_the_response_and_not_when_the_request_fails(changing_app, customer, network):
    client = changing_app.test_client()
    url = f"http://athome.localhost/test-change/{customer['account_id']}"
    response = client.get(f"{url}/1")
    assert response.status_code == 500
    assert events(changing_app) == [] and network.arrivals == []
    response = client.get(f"{url}/0", buffered=False)
    assert response.status_code == 200
    assert network.arrivals == []  # the answer is out before anything talks to the network
    response.close()
    (row,) = events(changing_app)
    assert row.status == Status.DELIVERED
    assert network.event_ids() == [row.event_id]


def test_retried_with_growing_pauses_then_given_up(app, tenant, customer, network, clock):
    network.answers = [503] * 10
    with app.app_context():
        change(tenant, customer)
        db.session.commit()
        for n, pause in enumerate(outbox.RETRY_DELAYS, 1):
            assert outbox.deliver() == 0
            assert events(app)[0].attempts == n
            clock(seconds=pause.total_seconds() - 1)
            assert outbox.deliver() == 0  # not yet due: no try
            assert len(network.arrivals) == n
            clock(seconds=1)
        assert outbox.deliver() == 0
        clock(days=2)
        assert outbox.deliver() == 0  # given up: never tried again
    (row,) = events(app)
    tries = len(outbox.RETRY_DELAYS) + 1
    assert (row.status, row.attempts) == (Status.FAILED, tries)
    assert row.last_error.startswith("HTTP 503")
    assert len(network.arrivals) == tries
    assert set(network.event_ids()) == {row.event_id}  # one id, for the ISP to apply once
    network.answers = []
    result = app.test_cli_runner().invoke(args=["provisioning", "retry"])
    assert "1 event(s) due again." in result.output
    with app.app_context():
        assert outbox.deliver() == 1
    assert events(app)[0].status == Status.DELIVERED


def test_a_retry_delivers_once_the_network_answers(app, tenant, customer, network, clock):
    network.answers = [500]
    with app.app_context():
        change(tenant, customer)
        db.session.commit()
        assert outbox.deliver() == 0
        assert events(app)[0].status == Status.PENDING
        clock(minutes=1)
        assert outbox.deliver() == 1
    (row,) = events(app)
    assert (row.status, row.attempts, row.last_error) == (Status.DELIVERED, 2, None)
    assert [a.verified for a in network.arrivals] == [True, True]


def test_an_unreachable_network_is_a_failed_try(app, tenant, customer, monkeypatch):
    monkeypatch.setenv("ATHOME_PROVISIONING_URL", "http://127.0.0.1:9/athome")
    with app.app_context():
        change(tenant, customer)
        db.session.commit()
        assert outbox.deliver() == 0
    (row,) = events(app)
    assert row.status == Status.PENDING and "Connection" in row.last_error


def test_a_tenant_without_a_link_keeps_its_events_as_skipped(app, make_subscriber):
    acme = app.extensions["tenancy"].tenants["acme"]
    assert acme.config.provisioning is None
    customer = make_subscriber(tenant="acme")
    with app.app_context():
        change(acme, customer)
        db.session.commit()
        assert outbox.deliver() == 0
    (row,) = events(app)
    assert (row.status, row.attempts, row.last_error) == (Status.SKIPPED, 0, outbox.NOT_CONFIGURED)


def test_the_operator_sees_deliveries_and_failures(app, tenant, customer, make_subscriber, network):
    network.answers = [502]
    acme_customer = make_subscriber(tenant="acme")
    with app.app_context():
        change(tenant, customer, event="option-on")
        change(tenant, customer, event="pause-start")
        change(app.extensions["tenancy"].tenants["acme"], acme_customer, event="block-start")
        db.session.commit()
        outbox.deliver()
    runner = app.test_cli_runner()
    everything = runner.invoke(args=["provisioning", "show"]).output
    failed = runner.invoke(args=["provisioning", "show", "--failed"]).output
    assert "delivered" in everything and "option-on" in failed and "HTTP 502" in failed
    assert "pause-start" in everything and "pause-start" not in failed
    assert "skipped" in failed and outbox.NOT_CONFIGURED in failed
    only = runner.invoke(args=["provisioning", "show", "--tenant", "acme"]).output
    assert "block-start" in only and "athome" not in only
    assert runner.invoke(args=["provisioning", "show", "--tenant", "nobody"]).exit_code != 0


def test_the_deliver_command_posts_what_is_due(app, tenant, customer, network):
    with app.app_context():
        change(tenant, customer)
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["provisioning", "deliver"])
    assert "1 event(s) delivered." in result.output
    assert len(network.arrivals) == 1


def test_production_refuses_plain_http_and_a_missing_secret(monkeypatch):
    config = Provisioning(url="http://127.0.0.1:8026/x", secret_env="X_SECRET", url_env="X_URL")
    monkeypatch.delenv("X_SECRET", raising=False)
    assert webhook.link_of(config, production=False).secret == webhook.DEV_SECRET.encode()
    with pytest.raises(webhook.NotSent, match="X_SECRET"):
        webhook.link_of(config, production=True)
    monkeypatch.setenv("X_SECRET", "s")
    with pytest.raises(webhook.NotSent, match="https"):
        webhook.link_of(config, production=True)
    monkeypatch.setenv("X_URL", "https://network.example/hooks")
    assert webhook.link_of(config, production=True).url == "https://network.example/hooks"


def test_the_signature_covers_the_timestamp_and_the_exact_body():
    signed = webhook.signature(b"k", "1700000000", b'{"a":1}')
    assert signed != webhook.signature(b"k", "1700000001", b'{"a":1}')
    assert signed != webhook.signature(b"k", "1700000000", b'{"a": 1}')
    assert signed.startswith("sha256=") and len(signed) == 7 + 64


@pytest.mark.parametrize(
    "wrong",
    [
        {"url": "ftp://network.example/"},
        {"secret_env": "lower_case"},
        {"timeout_seconds": 0},
        {"timeout_seconds": 31},
        {"usage_token": "the token itself"},
    ],
)
def test_the_schema_refuses_a_link_that_cannot_work(wrong):
    from pydantic import ValidationError

    config = {"url": "https://network.example/hooks", "secret_env": "X_SECRET", **wrong}
    with pytest.raises(ValidationError):
        Provisioning(**config)
