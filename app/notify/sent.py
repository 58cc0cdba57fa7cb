"""The queue as the console reads it: one tenant's messages (all, or those to one person's
contacts), their text with codes masked, and one sent again (after the response, never in it).

The queue does not name a subscriber, only a recipient: the console asks for a person's by
the phone (E.164) and e-mail on record.
"""

import re

import sqlalchemy as sa

from app.core.outbox import Page, page_of
from app.extensions import db
from app.persistence import utcnow
from app.tenancy.registry import Tenant
from app.web.after_response import remember

from . import queue
from .models import QueuedMessage, Status

STATUSES = (Status.PENDING, Status.SENDING, Status.SENT, Status.FAILED)
CHANNELS = ("sms", "email")
# A word with a digit in it, or a link: what a code, a temporary password or a reset link is.
_SECRET_LOOKING = re.compile(r"https?://\S+|\S*\d\S*")


def mask(text: str) -> str:
    """The text with every word that may be a code, a password or a link cut to its start."""
    return _SECRET_LOOKING.sub(lambda m: m.group(0)[:1] + "•••", text)


def shown_body(message: QueuedMessage) -> str:
    """The body as staff may read it: a message with a lifetime carries a code or a
    temporary password, so it is masked."""
    if message.discard_after is not None:
        return mask(message.body)
    return message.body


def messages(
    tenant_slug: str, status: str = "", channel: str = "", recipient: str = "", page: int = 1
) -> Page:
    """The tenant's messages, newest first, filtered."""
    query = sa.select(QueuedMessage).where(QueuedMessage.tenant == tenant_slug)
    if status:
        query = query.where(QueuedMessage.status == status)
    if channel:
        query = query.where(QueuedMessage.channel == channel)
    if recipient:
        query = query.where(QueuedMessage.recipient.contains(recipient.strip(), autoescape=True))
    return page_of(query.order_by(QueuedMessage.id.desc()), page)


def message(tenant_slug: str, message_id: int) -> QueuedMessage | None:
    """One message of the tenant; None for another tenant's."""
    return db.session.scalar(
        sa.select(QueuedMessage).where(
            QueuedMessage.id == message_id, QueuedMessage.tenant == tenant_slug
        )
    )


def messages_to(
    tenant: Tenant, recipients: list[str], page: int, size: int
) -> tuple[list[QueuedMessage], bool]:
    """One page of the messages queued to these recipients, newest first; and whether
    there is another page."""
    if not recipients:
        return [], False
    rows = list(
        db.session.scalars(
            sa.select(QueuedMessage)
            .where(QueuedMessage.tenant == tenant.slug, QueuedMessage.recipient.in_(recipients))
            .order_by(QueuedMessage.created_at.desc(), QueuedMessage.id.desc())
            .offset((max(page, 1) - 1) * size)
            .limit(size + 1)
        )
    )
    return rows[:size], len(rows) > size


def message_to(tenant: Tenant, recipients: list[str], message_id: int) -> QueuedMessage | None:
    """One message of the tenant's queue, only when it went to one of these recipients."""
    if not recipients:
        return None
    return db.session.scalar(
        sa.select(QueuedMessage).where(
            QueuedMessage.tenant == tenant.slug,
            QueuedMessage.id == message_id,
            QueuedMessage.recipient.in_(recipients),
        )
    )


def resendable(message: QueuedMessage) -> bool:
    """Whether a message can go again: one still waiting for a retry or its hour, or one
    given up whose text is kept (one carrying a code is blanked when given up or sent)."""
    return message.status in (Status.PENDING, Status.FAILED) and bool(message.body)


def resend(message: QueuedMessage) -> bool:
    """Make the message due now with a fresh set of tries, sent after the response; False
    if it changed meanwhile (a second click) or cannot go again."""
    if not resendable(message):
        return False
    # Conditional on the status it was read with, so two clicks at once queue one try.
    won = db.session.execute(
        sa.update(QueuedMessage)
        .where(QueuedMessage.id == message.id, QueuedMessage.status == message.status)
        .values(status=Status.PENDING, next_attempt_at=utcnow(), attempts=0, last_error=None)
        .execution_options(synchronize_session="fetch")
    )
    if won.rowcount != 1:
        return False
    remember(queue.REQUEST_KEY, message.id)
    return True
