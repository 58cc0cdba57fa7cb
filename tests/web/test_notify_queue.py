"""The outbox queue: written in the request's transaction, sent after its response, retried
with growing pauses, given up after the last try, its body blanked once done."""

import logging
import socket
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.notify import queue
from app.notify.models import QueuedMessage, Status
from app.notify.service import queue_email, queue_sms, send_reset_code
from app.persistence import utcnow
from tests.conftest import ATHOME_EMAIL, ATHOME_PASSWORD, ATHOME_PHONE

HOST = "athome.localhost"
PASSWORD = ATHOME_PASSWORD
PHONE = ATHOME_PHONE
EMAIL = ATHOME_EMAIL


@pytest.fixture
def tenant(app):
    return app.extensions["tenancy"].tenants["athome"]


@pytest.fixture
def clock(monkeypatch):
    """The queue's clock, frozen and moved on by hand."""
    now = [utcnow()]
    monkeypatch.setattr(queue, "utcnow", lambda: now[0])

    def move(**delta):
        now[0] += timedelta(**delta)

    return move


@pytest.fixture
def smtp_down(app, monkeypatch):
    """A port nothing listens on, and no second try inside one delivery."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", port)
    monkeypatch.setitem(app.config, "SMTP_RETRIES", 0)


def ask_for_link(client, **kwargs):
    return client.form(
        "/recover/via/identity",
        {
            "surname": "Петров",
            "first_name": "Иван",
            "contract_or_account": "",
            "delivery": "email_link",
            **kwargs.pop("data", {}),
        },
        **kwargs,
    )


def queued(app) -> list[QueuedMessage]:
    with app.app_context():
        rows = db.session.scalars(sa.select(QueuedMessage).order_by(QueuedMessage.id)).all()
        db.session.expunge_all()
        return rows


def test_queued_in_the_transaction_and_rolled_back_with_it(app, tenant, mailbox):
    with app.app_context():
        queue_email(tenant, EMAIL, "Тема", "Текст")
        db.session.rollback()
        assert queue.deliver() == 0
        queue_email(tenant, EMAIL, "Тема", "Текст")
        assert mailbox.to(EMAIL) == []  # queued only: nothing talks to SMTP
        db.session.commit()
    (message,) = queued(app)
    assert (message.status, message.body) == (Status.PENDING, "Текст")
    with app.app_context():
        assert queue.deliver() == 1
    assert len(mailbox.to(EMAIL)) == 1


def test_a_failed_request_sends_nothing(app, tenant_client, athome, mailbox, monkeypatch):
    from app.recovery import routes

    def fail_after_queueing(prepared):
        real(prepared)
        raise RuntimeError("the request fails after its message was queued")

    real = routes._queue_message
    monkeypatch.setattr(routes, "_queue_message", fail_after_queueing)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    client = tenant_client(HOST)
    response = ask_for_link(client, data={"contract_or_account": athome["contract"]})
    assert response.status_code == 500
    assert queued(app) == [] and mailbox.to(EMAIL) == []


def test_sent_after_the_response_and_its_body_blanked(app, tenant_client, athome, mailbox):
    client = tenant_client(HOST)
    response = ask_for_link(
        client, data={"contract_or_account": athome["contract"]}, buffered=False
    )
    assert response.status_code == 302
    (message,) = queued(app)
    assert message.status == Status.PENDING and "/recover/link/" in message.body
    assert mailbox.arrived(EMAIL) == []  # the answer is out before anything talks to SMTP
    response.close()
    assert len(mailbox.to(EMAIL)) == 1
    (message,) = queued(app)
    assert (message.status, message.attempts, message.body, message.html) == (
        Status.SENT,
        1,
        "",
        None,
    )
    assert message.sent_at is not None


def test_retried_with_growing_pauses_then_given_up(app, tenant, smtp_down, clock, caplog):
    with app.app_context():
        queue_email(tenant, EMAIL, "Код", "Ваш код: 123456", valid_for=timedelta(days=1))
        db.session.commit()
        tried = []
        for pause in queue.RETRY_DELAYS:
            assert queue.deliver() == 0
            tried.append(queued(app)[0].attempts)
            clock(seconds=pause.total_seconds() - 1)
            assert queue.deliver() == 0  # not yet due: no try
            assert queued(app)[0].attempts == tried[-1]
            clock(seconds=1)
        assert tried == [1, 2, 3]
        with caplog.at_level(logging.ERROR, logger="app.notify"):
            assert queue.deliver() == 0
    (message,) = queued(app)
    assert (message.status, message.attempts, message.body) == (Status.FAILED, 4, "")
    assert "ConnectionRefusedError" in message.last_error
    assert "given up" in caplog.text and "123456" not in caplog.text
    with app.app_context():
        clock(days=1)
        assert queue.deliver() == 0
    assert queued(app)[0].attempts == 4  # never tried again


def test_a_retry_delivers_once_the_server_is_back(
    app, tenant, smtp_down, clock, _smtp_server, monkeypatch
):
    with app.app_context():
        queue_email(tenant, EMAIL, "Квитанция", "Платёж получен")
        db.session.commit()
        assert queue.deliver() == 0
    mailbox, port = _smtp_server
    mailbox.messages.clear()
    monkeypatch.setitem(app.config, "SMTP_PORT", port)
    clock(minutes=1)
    with app.app_context():
        assert queue.deliver() == 1
    assert len(mailbox.to(EMAIL)) == 1
    (message,) = queued(app)
    assert (message.status, message.attempts, message.body) == (Status.SENT, 2, "")


def test_a_code_is_not_sent_after_its_lifetime(app, tenant, clock, monkeypatch, sms):
    provider = app.extensions["notify.sms"]
    real = provider.send

    def down(*args):
        raise OSError("gateway down")

    monkeypatch.setattr(provider, "send", down)
    with app.app_context():
        send_reset_code(tenant, PHONE, "123456")
        db.session.commit()
        assert queue.deliver() == 0
        monkeypatch.setattr(provider, "send", real)
        clock(minutes=tenant.config.recovery.code_minutes)
        assert queue.deliver() == 0
    assert sms(PHONE) == []
    (message,) = queued(app)
    assert (message.status, message.body) == (Status.FAILED, "")
    assert "expired" in message.last_error


def test_claimed_once(app, tenant):
    with app.app_context():
        queue_sms(tenant, PHONE, "Код: 111111")
        db.session.commit()
        first = queue.claim()
        assert len(first) == 1
        assert queue.claim() == []  # another deliverer finds it taken


def test_a_claim_left_by_a_dead_deliverer_is_taken_again(app, tenant, clock, sms):
    with app.app_context():
        queue_sms(tenant, PHONE, "Код: 222222")
        db.session.commit()
        assert len(queue.claim()) == 1  # and then the deliverer died
        clock(seconds=queue.STALE_CLAIM.total_seconds() - 1)
        assert queue.deliver() == 0
        clock(seconds=1)
        assert queue.deliver() == 1
    assert sms(PHONE) == ["Код: 222222"]


def test_bad_messages_are_refused_when_queued(app, tenant):
    with app.app_context():
        with pytest.raises(ValueError):
            queue_email(tenant, f"{EMAIL}\r\nBcc: x@example.com", "Тема", "Текст")
        with pytest.raises(ValueError):
            queue_sms(tenant, "12345", "Код: 1")
        with pytest.raises(ValueError):
            queue_sms(tenant, PHONE, "я" * 336)


def test_the_deliver_command(app, tenant, sms):
    with app.app_context():
        queue_sms(tenant, PHONE, "Код: 333333")
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["notify", "deliver"])
    assert result.exit_code == 0, result.output
    assert "1 message(s) sent." in result.output
    assert sms(PHONE) == ["Код: 333333"]


class RefusingServer:
    """An SMTP server that refuses one mailbox for good (550) and another for now (450)."""

    def __init__(self):
        self.received = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("gone@"):
            return "550 5.1.1 no such mailbox"
        if address.startswith("full@"):
            return "452 4.2.2 mailbox full, try later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append(envelope.rcpt_tos)
        return "250 OK"


@pytest.fixture
def refusing_smtp(app, monkeypatch):
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = RefusingServer()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", port)
    monkeypatch.setitem(app.config, "SMTP_SECURITY", "none")
    monkeypatch.setitem(app.config, "SMTP_USERNAME", "")
    monkeypatch.setitem(app.config, "SMTP_RETRIES", 0)
    yield handler
    controller.stop()


def test_a_mailbox_refused_for_good_is_not_tried_again(app, tenant, refusing_smtp, clock):
    with app.app_context():
        queue_email(
            tenant, "gone@example.ru", "Код", "Ваш код: 123456", valid_for=timedelta(days=1)
        )
        queue_email(tenant, "full@example.ru", "Код", "Ваш код: 654321")
        db.session.commit()
        assert queue.deliver() == 0
    gone, full = queued(app)
    assert (gone.status, gone.attempts, gone.body) == (Status.FAILED, 1, "")
    assert "550" in gone.last_error
    # «Try later» is tried later.
    assert (full.status, full.attempts) == (Status.PENDING, 1)
    assert "452" in full.last_error
    with app.app_context():
        clock(seconds=queue.RETRY_DELAYS[0].total_seconds())
        assert queue.deliver() == 0
    gone, full = queued(app)
    assert (gone.attempts, full.attempts) == (1, 2)


def test_given_up_a_message_without_a_lifetime_keeps_its_text_to_be_sent_again(
    app, tenant, refusing_smtp, clock
):
    # No code in it (codes come with their lifetime): staff may send it again from the outbox.
    with app.app_context():
        queue_email(tenant, "gone@example.ru", "Квитанция", "Платёж получен")
        db.session.commit()
        assert queue.deliver() == 0
    (gone,) = queued(app)
    assert (gone.status, gone.body) == (Status.FAILED, "Платёж получен")
