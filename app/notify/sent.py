"""The queue as the console's outbox reads it: one tenant's messages, their text with codes
masked, and a failed one put back in the queue (sent after the response, never in it)."""

import re

import sqlalchemy as sa

from app.core.outbox import Page, page_of
from app.extensions import db
from app.persistence import utcnow
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


def resendable(message: QueuedMessage) -> bool:
    """Whether a failed message can go again: its text is kept (one carrying a code is
    blanked when given up, and the code has expired anyway)."""
    return message.status == Status.FAILED and bool(message.body)


def resend(message: QueuedMessage) -> bool:
    """Queue a failed message for one more try after the response; False if it is no longer
    failed (a second click) or cannot go again."""
    if not resendable(message):
        return False
    # Conditional, so two clicks at once queue one try, not two.
    won = db.session.execute(
        sa.update(QueuedMessage)
        .where(QueuedMessage.id == message.id, QueuedMessage.status == Status.FAILED)
        .values(status=Status.PENDING, next_attempt_at=utcnow())
        .execution_options(synchronize_session="fetch")
    )
    if won.rowcount != 1:
        return False
    remember(queue.REQUEST_KEY, message.id)
    return True
