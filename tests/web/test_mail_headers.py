"""What mail servers and mail clients read in the portal's e-mail: a DKIM signature that
verifies against the published key, and on a reminder (not on a code) the one-click
unsubscribe of RFC 8058, which turns that notice off in the subscriber's notification centre."""

import re
from base64 import b64encode
from datetime import date
from urllib.parse import urlsplit

import dkim
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from app.billing.charging import run_tenant
from app.core.scoped import get_owned
from app.core.subscribers import Subscriber
from app.extensions import db
from app.notify import preferences, queue
from app.notify.service import queue_email, send_contact_code

EMAIL = "reminded@example.ru"
SELECTOR = "portal2026"


@pytest.fixture
def dkim_key(app, tmp_path, monkeypatch):
    """A fresh RSA key the worker signs with; its DNS record's text."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    path = tmp_path / "dkim.pem"
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    monkeypatch.setitem(app.config, "DKIM_SELECTOR", SELECTOR)
    monkeypatch.setitem(app.config, "DKIM_PRIVATE_KEY_FILE", str(path))
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return b"v=DKIM1; k=rsa; p=" + b64encode(public)


def _dns(records: dict[bytes, bytes]):
    def lookup(name: bytes, timeout: int = 5) -> bytes | None:
        return records.get(name)

    return lookup


def _send(app, slug: str, to: str = EMAIL) -> None:
    with app.app_context():
        queue_email(app.extensions["tenancy"].tenants[slug], to, "Проверка подписи", "Текст")
        db.session.commit()
        assert queue.deliver() == 1


def test_a_sent_message_carries_a_dkim_signature_that_verifies(app, mailbox, dkim_key):
    _send(app, "athome")
    (message,) = mailbox.to(EMAIL)
    signature = message["DKIM-Signature"]
    assert "d=at-home.ru" in signature and f"s={SELECTOR}" in signature
    assert message["Message-ID"].endswith("@at-home.ru>") and message["Date"]
    assert message.get_content_type() == "text/plain" and message["MIME-Version"] == "1.0"
    records = {f"{SELECTOR}._domainkey.at-home.ru.".encode(): dkim_key}
    assert dkim.verify(message.raw, dnsfunc=_dns(records))
    # Changed on the way, it no longer verifies.
    tampered = message.raw.replace(b"Subject:", b"Subject: Re:", 1)
    assert not dkim.verify(tampered, dnsfunc=_dns(records))


def test_dkim_domain_signs_for_another_domain(app, mailbox, dkim_key, monkeypatch):
    monkeypatch.setitem(app.config, "DKIM_DOMAIN", "mail.portal.example")
    _send(app, "tomtel")
    (message,) = mailbox.to(EMAIL)
    assert "d=mail.portal.example" in message["DKIM-Signature"]
    records = {f"{SELECTOR}._domainkey.mail.portal.example.".encode(): dkim_key}
    assert dkim.verify(message.raw, dnsfunc=_dns(records))


def test_without_dkim_settings_nothing_is_signed(app, mailbox):
    _send(app, "athome")
    assert mailbox.to(EMAIL)[0]["DKIM-Signature"] is None


def test_dkim_half_configured_stops_start_up(make_app, tmp_path):
    from app.config import ConfigError

    with pytest.raises(ConfigError, match="DKIM_SELECTOR"):
        make_app(DKIM_SELECTOR="portal")
    with pytest.raises(ConfigError, match="cannot be read"):
        make_app(DKIM_SELECTOR="portal", DKIM_PRIVATE_KEY_FILE=str(tmp_path / "missing.pem"))


@pytest.fixture
def reminded(app, make_subscriber, mailbox):
    """An acme subscriber reached by e-mail only, without quiet hours, whose money lasts
    two more days: the daily run's «the money runs out soon» has reached their mailbox."""
    facts = make_subscriber(balance=6000, email=EMAIL, locale="en")
    with app.app_context():
        tenant = app.extensions["tenancy"].tenants["acme"]
        preferences.set_quiet_hours(tenant, facts["id"], None)  # nothing waits for the morning
        db.session.commit()
        run_tenant(tenant, date(2025, 3, 10))
        queue.deliver()  # what the worker's sweep does after the run
    (message,) = mailbox.to(EMAIL)
    return facts, message


def _unsubscribe_path(message) -> str:
    link = re.fullmatch(
        r"<(https://acme\.localhost/notify/unsubscribe/[^>]+)>", message["List-Unsubscribe"]
    )
    assert link, message["List-Unsubscribe"]
    return urlsplit(link.group(1)).path


def _channel(app, facts, event: str = "low_balance") -> str:
    """The channel the subscriber's notices of event go through now."""
    with app.app_context():
        tenant = app.extensions["tenancy"].tenants["acme"]
        subscriber = get_owned(Subscriber, tenant, facts["id"])
        return preferences.channel_for(tenant, subscriber, event)


def test_a_reminder_carries_one_click_unsubscribe_and_a_code_does_not(app, reminded, mailbox):
    _facts, message = reminded
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = _unsubscribe_path(message)
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert f"https://acme.localhost{path}" in body
    with app.app_context():
        send_contact_code(
            app.extensions["tenancy"].tenants["acme"], "email", "code@example.ru", "482913"
        )
        db.session.commit()
        queue.deliver()
    (code,) = mailbox.to("code@example.ru")
    assert code["List-Unsubscribe"] is None and code["List-Unsubscribe-Post"] is None


def test_the_one_click_post_turns_the_reminder_off(app, tenant_client, reminded):
    facts, message = reminded
    path = _unsubscribe_path(message)
    # As a mail client posts it: no session, no CSRF token.
    answer = tenant_client("acme.localhost").post(path, data={"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200
    assert _channel(app, facts) == "none"
    assert _channel(app, facts, "payment_credited") == "email"  # only that kind of notice
    client = tenant_client("acme.localhost")
    client.set_cookie("lang", "en", domain=client.host)
    assert client.login(facts["account"], facts["password"]).status_code == 302
    page = client.get("/notifications/").get_data(as_text=True)
    assert re.search(r'id="low_balance-none" value="none" checked', page)


def test_a_tampered_token_another_isps_host_or_no_one_click_body_is_refused(
    app, tenant_client, reminded
):
    facts, message = reminded
    path = _unsubscribe_path(message)
    one_click = {"List-Unsubscribe": "One-Click"}
    tampered = path[:-3] + ("aaa" if not path.endswith("aaa") else "bbb")
    assert tenant_client("acme.localhost").post(tampered, data=one_click).status_code == 404
    assert tenant_client("athome.localhost").post(path, data=one_click).status_code == 404
    assert tenant_client("acme.localhost").post(path, data={}).status_code == 400
    assert tenant_client("acme.localhost").get(tampered).status_code == 404
    assert _channel(app, facts) == "email"


def test_the_page_asks_to_confirm_in_the_subscribers_language(app, tenant_client, reminded):
    facts, message = reminded
    path = _unsubscribe_path(message)
    browser = tenant_client("acme.localhost")  # no language cookie: the subscriber's own
    page = browser.get(path).get_data(as_text=True)
    assert "Stop these e-mails" in page and 'name="csrf_token"' in page
    assert "The money runs out in a few days" in page
    assert _channel(app, facts) == "email"  # opening the page changes nothing
    assert browser.post(f"{path}/confirm").status_code == 400  # the button needs its token
    confirmed = browser.form(f"{path}/confirm", {}, page=path)
    assert confirmed.status_code == 303 and confirmed.headers["Location"] == path
    assert _channel(app, facts) == "none"
    assert "You no longer receive e-mails about this." in browser.get(path).get_data(as_text=True)
