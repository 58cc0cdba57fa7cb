"""E-mail through a real local SMTP server (and dead ones); SMS through the outbox provider."""

import logging
import socket
import threading
import time
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from app.config import ConfigError
from app.extensions import db
from app.notify import delivery as service
from app.notify.delivery import DeliveryError, send_email, send_sms, sms_outbox

SUBJECT = "Восстановление пароля"
TEXT = "Ссылка для нового пароля: https://athome.localhost/reset/abc123"
HTML = '<p>Ссылка: <a href="https://athome.localhost/reset/abc123">сменить пароль</a></p>'


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """aiosmtpd handler: keeps what arrives; MAIL FROM may be answered from a queue first."""

    def __init__(self):
        self.messages = []
        self.mail_replies: list[str] = []
        self.mail_commands = 0

    async def handle_MAIL(self, server, session, envelope, address, options):
        self.mail_commands += 1
        if self.mail_replies:
            return self.mail_replies.pop(0)
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, options):
        if address.startswith("nobody@"):
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 OK"


def start_smtp(inbox: Inbox, port: int) -> Controller:
    # server_hostname: aiosmtpd's default getfqdn() can wait on DNS.
    controller = Controller(inbox, hostname="127.0.0.1", port=port, server_hostname="localhost")
    controller.start()
    return controller


class Listener:
    """A TCP port that accepts connections and counts them, then hangs up or stays silent."""

    def __init__(self, silent: bool):
        self.silent = silent
        self.connections = 0
        self.held: list[socket.socket] = []
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.05)
        self.port = self.sock.getsockname()[1]
        self.running = True
        self.thread = threading.Thread(target=self._serve)
        self.thread.start()

    def _serve(self):
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            self.connections += 1
            if self.silent:
                self.held.append(conn)  # a hung relay: connected, never greets
            else:
                conn.close()

    def close(self):
        self.running = False
        self.thread.join()
        for conn in self.held:
            conn.close()
        self.sock.close()


@pytest.fixture
def ctx(app, monkeypatch):
    """An app context with SMTP settings the tests control, whatever the environment says."""
    for key, value in {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_SECURITY": "none",
        "SMTP_USERNAME": None,
        "SMTP_TIMEOUT": 2.0,
        "SMTP_RETRIES": 1,
        "MAIL_DEFAULT_SENDER": "noreply@localhost",
        "SMS_PROVIDER": "outbox",
    }.items():
        monkeypatch.setitem(app.config, key, value)
    with app.app_context():
        yield app


@pytest.fixture
def inbox(ctx, monkeypatch):
    box = Inbox()
    port = free_port()
    controller = start_smtp(box, port)
    monkeypatch.setitem(ctx.config, "SMTP_PORT", port)
    yield box
    controller.stop()


@pytest.fixture
def notify_log(caplog, monkeypatch):
    """What app.notify logs at INFO and above."""
    # The migrations' fileConfig() disables loggers that existed before it ran.
    monkeypatch.setattr(logging.getLogger("app.notify"), "disabled", False)
    caplog.set_level(logging.INFO, logger="app.notify")
    return caplog


def tenant(app, slug: str):
    return app.extensions["tenancy"].tenants[slug]


def test_email_arrives_from_the_tenant_with_text_and_html(ctx, inbox, notify_log):
    send_email(tenant(ctx, "athome"), "ivan@example.com", SUBJECT, TEXT, HTML)

    [(mail_from, rcpt_tos, message)] = inbox.messages
    assert (mail_from, rcpt_tos) == ("noreply@at-home.ru", ["ivan@example.com"])
    [sender] = message["From"].addresses
    assert (sender.display_name, sender.addr_spec) == ("Эт Хоум", "noreply@at-home.ru")
    assert message["To"] == "ivan@example.com"
    assert message["Subject"] == SUBJECT
    assert message["Message-ID"].endswith("@at-home.ru>")
    assert message["Date"].datetime.tzinfo is not None
    assert message.get_body(("plain",)).get_content().strip() == TEXT
    assert message.get_body(("html",)).get_content().strip() == HTML
    assert "mail sent: tenant=athome" in notify_log.text
    assert "abc123" not in notify_log.text and "ivan@" not in notify_log.text


def test_text_only_email_and_default_sender_under_the_tenant_name(ctx, inbox):
    send_email(tenant(ctx, "acme"), "petr@example.com", "Код", "Ваш код: 123456")

    [(mail_from, _, message)] = inbox.messages
    [sender] = message["From"].addresses
    assert (sender.display_name, sender.addr_spec) == ("Акме Телеком", "noreply@localhost")
    assert mail_from == "noreply@localhost"
    assert not message.is_multipart()
    assert message.get_content().strip() == "Ваш код: 123456"
    with pytest.raises(ValueError, match="linefeed"):  # no header injection through To
        send_email(tenant(ctx, "acme"), "petr@example.com\r\nBcc: x@example.com", "Код", "1")
    assert len(inbox.messages) == 1


def test_a_5xx_rejection_is_not_retried(ctx, inbox, notify_log):
    with pytest.raises(DeliveryError, match=r"SMTPRecipientsRefused: 550 5\.1\.1 No such mailbox"):
        send_email(tenant(ctx, "athome"), "nobody@example.com", SUBJECT, TEXT)
    assert inbox.mail_commands == 1
    assert inbox.messages == []
    assert "attempt=1/2" in notify_log.text and "nobody@" not in notify_log.text


def test_a_temporary_4xx_answer_is_retried_once(ctx, inbox):
    inbox.mail_replies = ["421 4.3.0 Try again later"]
    send_email(tenant(ctx, "athome"), "ivan@example.com", SUBJECT, TEXT)
    assert inbox.mail_commands == 2
    assert len(inbox.messages) == 1


def test_a_relay_that_comes_back_during_the_pause_gets_the_message(ctx, monkeypatch):
    port = free_port()  # nothing listens yet: the first connection is refused
    monkeypatch.setitem(ctx.config, "SMTP_PORT", port)
    box, started = Inbox(), []
    monkeypatch.setattr(service, "_pause", lambda: started.append(start_smtp(box, port)))
    try:
        send_email(tenant(ctx, "tomtel"), "ivan@example.com", SUBJECT, TEXT)
    finally:
        for controller in started:
            controller.stop()
    assert len(started) == 1
    assert len(box.messages) == 1


@pytest.mark.parametrize("silent", [False, True], ids=["hangs-up", "never-greets"])
def test_a_dead_server_fails_after_two_attempts_in_bounded_time(ctx, monkeypatch, silent):
    listener = Listener(silent)
    timeout = 0.5
    monkeypatch.setitem(ctx.config, "SMTP_PORT", listener.port)
    monkeypatch.setitem(ctx.config, "SMTP_TIMEOUT", timeout)
    began = time.monotonic()
    try:
        with pytest.raises(DeliveryError, match="2 attempt"):
            send_email(tenant(ctx, "athome"), "ivan@example.com", SUBJECT, TEXT)
    finally:
        listener.close()
    assert time.monotonic() - began < timeout * 2 + 1
    assert listener.connections == 2


def test_a_closed_port_fails_with_delivery_error(ctx, monkeypatch):
    monkeypatch.setitem(ctx.config, "SMTP_PORT", free_port())
    with pytest.raises(DeliveryError, match="ConnectionRefusedError"):
        send_email(tenant(ctx, "athome"), "ivan@example.com", SUBJECT, TEXT)


def test_sms_goes_to_the_outbox_newest_first(ctx, notify_log):
    send_sms(tenant(ctx, "tomtel"), "+7 913 123-45-67", "Код для входа: 111111")
    send_sms(tenant(ctx, "tomtel"), "8 (913) 123-45-67", "Код для входа: 222222")
    send_sms(tenant(ctx, "athome"), "+79161234567", "Код для входа: 333333")
    db.session.commit()

    messages = sms_outbox("tomtel")
    assert [(m.phone, m.text) for m in messages] == [
        ("+79131234567", "Код для входа: 222222"),
        ("+79131234567", "Код для входа: 111111"),
    ]
    assert messages[0].created_at.tzinfo is not None
    assert [m.tenant for m in sms_outbox(phone="+79161234567")] == ["athome"]
    assert len(sms_outbox(limit=2)) == 2
    assert "sms stored in outbox: tenant=tomtel" in notify_log.text
    assert "111111" not in notify_log.text


def test_outbox_show_prints_the_texts(ctx):
    send_sms(tenant(ctx, "tomtel"), "+79131234567", "Код: 111111")
    send_sms(tenant(ctx, "athome"), "+79161234567", "Код: 333333")
    db.session.commit()
    runner = ctx.test_cli_runner()

    result = runner.invoke(args=["outbox", "show"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].endswith("+00:00  athome  +79161234567  Код: 333333")
    assert lines[1].endswith("+00:00  tomtel  +79131234567  Код: 111111")

    result = runner.invoke(
        args=["outbox", "show", "--tenant", "tomtel", "--phone", "8 913 123 45 67"]
    )
    assert result.output.splitlines() == [lines[1]]
    assert runner.invoke(args=["outbox", "show", "--tenant", "acme"]).output.strip() == (
        "The SMS outbox is empty."
    )
    assert runner.invoke(args=["outbox", "show", "--tenant", "nosuch"]).exit_code == 2


def test_sms_refuses_long_texts_and_bad_numbers(ctx):
    tomtel = tenant(ctx, "tomtel")
    send_sms(tomtel, "+79131234567", "я" * 335)
    with pytest.raises(ValueError, match="at most 335"):
        send_sms(tomtel, "+79131234567", "я" * 336)
    with pytest.raises(ValueError, match="phone"):
        send_sms(tomtel, "12345", "Код: 1")
    assert len(sms_outbox("tomtel")) == 1


@pytest.mark.parametrize(
    ("setting", "value", "error"),
    [
        ("SMS_PROVIDER", "pigeon", "SMS_PROVIDER 'pigeon' is unknown; choose one of: outbox"),
        ("SMTP_SECURITY", "tls", "SMTP_SECURITY must be one of none, starttls, ssl"),
    ],
)
def test_bad_delivery_settings_stop_start_up(make_app, setting, value, error):
    with pytest.raises(ConfigError, match=error):
        make_app(**{setting: value})
