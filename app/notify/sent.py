"""The messages queued to one person's contacts, for the staff console: read, and sent again.

The queue does not name a subscriber, only a recipient: the console asks by the phone (in
E.164) and e-mail on record. A message keeps its text only while it waits (a sent or
given-up one is blanked, as it may carry a code), so only a waiting one can go again.
"""

import sqlalchemy as sa

from app.extensions import db
from app.persistence import utcnow
from app.tenancy.registry import Tenant
from app.web.after_response import remember

from .models import QueuedMessage, Status
from .queue import REQUEST_KEY


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


def can_send_again(message: QueuedMessage) -> bool:
    """Whether the message still holds its text and waits for a retry or its hour."""
    return message.status == Status.PENDING and bool(message.body)


def send_again(message: QueuedMessage) -> None:
    """Make a waiting message due now with a fresh set of tries; it goes after the response."""
    message.next_attempt_at = utcnow()
    message.attempts = 0
    message.last_error = None
    remember(REQUEST_KEY, message.id)
