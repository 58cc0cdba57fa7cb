"""The outbox queue: messages are written with the request's changes and sent after it.

Nothing here talks to SMTP or an SMS gateway inside a request. `queue_email` and
`queue_sms` only add a row to the request's transaction (so a rolled-back request sends
nothing); once the response is closed, the same process tries this request's messages,
and `flask notify deliver` retries what failed with a growing pause, then gives up.

Two deliverers never send one message twice: claiming is app/core/outbox.py's, shared with
every other outbox.
"""

import logging
from datetime import datetime, timedelta

from flask import Flask, current_app

from app.core import jobs, outbox
from app.core.identifiers import e164
from app.extensions import db
from app.observe.masking import mask_phone
from app.persistence import utcnow
from app.tenancy import registry_of
from app.tenancy.registry import Tenant
from app.web.after_response import deliver_after_response, remember

from .delivery import MAX_SMS_CHARS, mask_email, send_email, send_sms
from .mail import compose, sender
from .models import QueuedMessage, Status

log = logging.getLogger("app.notify")

# The pause after the 1st, 2nd and 3rd failed try; after the 4th the message is given up.
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30))
STALE_CLAIM = outbox.STALE_CLAIM
BATCH = 50
REQUEST_KEY = "notify_queued"


def queue_email(
    tenant: Tenant,
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    valid_for: timedelta | None = None,
    not_before: datetime | None = None,
    unsubscribe: str | None = None,
) -> QueuedMessage:
    """Queue one e-mail from the tenant; ValueError for an address or subject that cannot be
    sent. valid_for: not sent at all once that much time has passed (a code's lifetime);
    not_before: held until then (the subscriber's quiet hours); unsubscribe: the one-click
    link of a notice the subscriber may turn off."""
    # Composed once now only to refuse bad headers (a newline in the address) at once.
    compose(
        sender(tenant, current_app.config["MAIL_DEFAULT_SENDER"]),
        to,
        subject,
        text,
        html,
        unsubscribe,
    )
    message = _queue(tenant, "email", to, text, subject, html, valid_for, not_before)
    message.unsubscribe_url = unsubscribe
    return message


def queue_sms(
    tenant: Tenant,
    phone: str,
    text: str,
    valid_for: timedelta | None = None,
    not_before: datetime | None = None,
) -> QueuedMessage:
    """Queue one short text; ValueError for an empty or too long text or a bad number."""
    if not text.strip():
        raise ValueError("an SMS needs some text")
    if len(text) > MAX_SMS_CHARS:
        raise ValueError(f"an SMS may have at most {MAX_SMS_CHARS} characters, not {len(text)}")
    return _queue(
        tenant,
        "sms",
        e164(phone, tenant.config.phone_region),
        text,
        None,
        None,
        valid_for,
        not_before,
    )


def _queue(
    tenant, channel, recipient, body, subject, html, valid_for, not_before=None
) -> QueuedMessage:
    now = utcnow()
    message = QueuedMessage(
        tenant=tenant.slug,
        channel=channel,
        recipient=recipient,
        subject=subject,
        body=body,
        html=html,
        status=Status.PENDING,
        attempts=0,
        created_at=now,
        # The deliverer claims only due rows: a held message simply is not due yet.
        next_attempt_at=max(now, not_before) if not_before else now,
        discard_after=now + valid_for if valid_for is not None else None,
    )
    db.session.add(message)
    db.session.flush()
    remember(REQUEST_KEY, message.id)
    return message


def claim(limit: int = BATCH, ids: list[int] | None = None) -> list[int]:
    """Mark up to limit due messages as this deliverer's and commit; their ids."""
    return outbox.claim(QueuedMessage, utcnow(), limit, ids)


def deliver(limit: int = BATCH, ids: list[int] | None = None) -> int:
    """Claim and try due messages (only ids, when given), one commit each; how many were sent."""
    return outbox.deliver_claimed(QueuedMessage, claim(limit, ids), _try)


def _try(message: QueuedMessage) -> bool:
    now = utcnow()
    where = f"id={message.id} tenant={message.tenant} {message.channel}={masked(message)}"
    tenant = registry_of(current_app).tenants.get(message.tenant)
    if tenant is None:
        _give_up(message, "the tenant is no longer configured", where)
        return False
    if message.provider_id:
        # The gateway took it on a try whose end was lost (the worker died before marking
        # it sent): sending it again would reach the phone twice, and it is not
        # «too late» for what is already on its way.
        log.info("queued message already taken by the gateway: %s", where)
        _sent(message, now)
        return True
    if message.discard_after is not None and message.discard_after <= now:
        _give_up(message, "too late: what it carries has expired", where)
        return False
    message.attempts += 1
    provider_id = None
    try:
        if message.channel == "email":
            send_email(
                tenant,
                message.recipient,
                message.subject or "",
                message.body,
                message.html,
                unsubscribe=message.unsubscribe_url,
            )
        else:
            provider_id = send_sms(tenant, message.recipient, message.body)
    except Exception as exc:  # any provider's failure: the next message must still go out
        reason = f"{type(exc).__name__}: {exc}"[:300]
        pause = outbox.pause_after(message.attempts, RETRY_DELAYS)
        # A message refused for good (or one no provider can send) is not tried again.
        if pause is None or isinstance(exc, ValueError) or getattr(exc, "permanent", False):
            _give_up(message, reason, where)
            return False
        message.status = Status.PENDING
        message.next_attempt_at = now + pause
        message.last_error = reason
        log.warning(
            "queued message not sent: %s attempt=%d, next try in %s: %s",
            where,
            message.attempts,
            pause,
            reason,
        )
        return False
    if provider_id:
        message.provider_id = provider_id
        # Kept at once, before anything else of this try can fail: a retry finds it.
        db.session.commit()
    _sent(message, now)
    return True


def _sent(message: QueuedMessage, now: datetime) -> None:
    message.status = Status.SENT
    message.sent_at = now
    message.last_error = None
    _blank(message)


def _give_up(message: QueuedMessage, reason: str, where: str) -> None:
    message.status = Status.FAILED
    message.last_error = reason[:300]
    # A message with a lifetime carries a code or a temporary password: blanked. Any other
    # is kept, so staff can send it again from the console's outbox.
    if message.discard_after is not None:
        _blank(message)
    log.error("queued message given up: %s attempts=%d: %s", where, message.attempts, reason)


def _blank(message: QueuedMessage) -> None:
    # The body may hold a code or a temporary password: nothing needs it any more.
    message.body = ""
    message.html = None


def masked(message: QueuedMessage) -> str:
    """The recipient, masked for logs and the operator's terminal."""
    if message.channel == "email":
        return mask_email(message.recipient)
    return mask_phone(message.recipient)


jobs.sweep_outbox("notify.sweep", "messages", QueuedMessage, deliver)


def init_app(app: Flask) -> None:
    """Deliver each request's messages right after its response."""
    deliver_after_response(app, REQUEST_KEY, lambda ids: deliver(ids=ids))
