"""Getting a message out: e-mail over SMTP with a retry, SMS through the provider, the outbox."""

import logging
import smtplib
import ssl
import time

import sqlalchemy as sa
from flask import current_app

from app.core.identifiers import e164
from app.extensions import db
from app.observe import metrics
from app.tenancy.registry import Tenant

from .mail import compose, sender, transmit
from .models import SmsMessage
from .sms import SmsProvider

log = logging.getLogger("app.notify")

# 5 SMS parts of 67 UCS-2 characters (Cyrillic and Devanagari need UCS-2).
MAX_SMS_CHARS = 5 * 67
RETRY_PAUSE = 0.2  # seconds: long enough for a restarting relay, short for a waiting page


class DeliveryError(Exception):
    """The message could not be delivered; str() is for logs, not for subscribers.

    `permanent` when trying the same message again later cannot help.
    """

    def __init__(self, text: str, permanent: bool = False):
        super().__init__(text)
        self.permanent = permanent


def send_email(
    tenant: Tenant,
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    unsubscribe: str | None = None,
) -> None:
    """Send one e-mail from the tenant's address over SMTP, retrying a transient failure."""
    config = current_app.config
    message = compose(
        sender(tenant, config["MAIL_DEFAULT_SENDER"]), to, subject, text, html, unsubscribe
    )
    where = f"tenant={tenant.slug} to={mask_email(to)} id={message['Message-ID']}"
    attempts = 1 + int(config["SMTP_RETRIES"])
    for attempt in range(1, attempts + 1):
        try:
            transmit(message, config)
        except (OSError, smtplib.SMTPException) as exc:
            retry = attempt < attempts and _transient(exc)
            why = _describe(exc) + (" (retrying)" if retry else "")
            log.warning("mail not sent: %s attempt=%d/%d %s", where, attempt, attempts, why)
            if not retry:
                metrics.message("email", sent=False)
                raise DeliveryError(
                    f"mail {where} failed after {attempt} attempt(s): {why}",
                    permanent=_refused_for_good(exc),
                ) from exc
            _pause()
        else:
            log.info("mail sent: %s attempt=%d", where, attempt)
            metrics.message("email", sent=True)
            return


def _describe(exc: Exception) -> str:
    # The server's answer without the recipient address some exceptions carry.
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        answers = "; ".join(f"{code} {_text(msg)}" for code, msg in exc.recipients.values())
        return f"{type(exc).__name__}: {answers}"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{type(exc).__name__}: {exc.smtp_code} {_text(exc.smtp_error)}"
    return f"{type(exc).__name__}: {exc}"


def _text(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else reply


def _pause() -> None:
    time.sleep(RETRY_PAUSE)


def _transient(exc: Exception) -> bool:
    # Worth a second try: the connection failed, dropped or timed out, or the server
    # answered 4xx ("try again later"). A 5xx answer, bad credentials or a TLS
    # certificate problem will fail the same way again.
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code < 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code < 500
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return True
    if isinstance(exc, smtplib.SMTPException | ssl.SSLError):
        return False  # e.g. STARTTLS or AUTH not offered: a configuration problem
    return isinstance(exc, OSError)


def _refused_for_good(exc: Exception) -> bool:
    # The server refused this recipient or this very message with a 5xx: the same message
    # fails the same way tomorrow. Bad credentials, a refused sender or a TLS problem are
    # the operator's to fix, after which a later try succeeds: those stay retried.
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPDataError) and exc.smtp_code >= 500


def send_sms(tenant: Tenant, phone: str, text: str) -> str | None:
    """Send a short text through the configured provider: the gateway's id of it, if it
    gives one; ValueError for bad input."""
    if not text.strip():
        raise ValueError("an SMS needs some text")
    if len(text) > MAX_SMS_CHARS:
        raise ValueError(f"an SMS may have at most {MAX_SMS_CHARS} characters, not {len(text)}")
    provider: SmsProvider = current_app.extensions["notify.sms"]
    number = e164(phone, tenant.config.phone_region)
    try:
        sent_id = provider.send(tenant.slug, number, text)
    except Exception:
        metrics.message("sms", sent=False)
        raise
    metrics.message("sms", sent=True)
    return sent_id


def sms_outbox(
    tenant_slug: str | None = None, phone: str | None = None, limit: int = 50
) -> list[SmsMessage]:
    """Texts kept by the outbox provider, newest first, optionally for one tenant or phone."""
    query = sa.select(SmsMessage)
    if tenant_slug is not None:
        query = query.where(SmsMessage.tenant == tenant_slug)
    if phone is not None:
        query = query.where(SmsMessage.phone == phone)
    query = query.order_by(SmsMessage.created_at.desc(), SmsMessage.id.desc())
    return list(db.session.scalars(query.limit(max(limit, 1))))


def mask_email(address: str) -> str:
    """An address recognisable in logs without spelling out the person's mailbox."""
    local, at, domain = address.rpartition("@")
    if not at:
        return "***"
    return f"{local[:1]}***@{domain}"
