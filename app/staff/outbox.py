"""What the console reads of the outboxes: messages and provisioning deliveries of one
tenant, and putting a failed one back in the queue (sent after the response, never in it)."""

import re
from dataclasses import dataclass

import sqlalchemy as sa

from app.extensions import db
from app.notify import queue
from app.notify.models import QueuedMessage
from app.notify.models import Status as MessageStatus
from app.persistence import utcnow
from app.provisioning import outbox as provisioning
from app.provisioning.models import ProvisioningEvent
from app.provisioning.models import Status as DeliveryStatus
from app.web.after_response import remember

PER_PAGE = 50
MESSAGE_STATUSES = (
    MessageStatus.PENDING,
    MessageStatus.SENDING,
    MessageStatus.SENT,
    MessageStatus.FAILED,
)
DELIVERY_STATUSES = (
    DeliveryStatus.PENDING,
    DeliveryStatus.SENDING,
    DeliveryStatus.DELIVERED,
    DeliveryStatus.FAILED,
    DeliveryStatus.SKIPPED,
)
# A word with a digit in it, or a link: what a code, a temporary password or a reset link is.
_SECRET_LOOKING = re.compile(r"https?://\S+|\S*\d\S*")


@dataclass(frozen=True)
class Page:
    rows: list
    number: int
    more: bool


def mask(text: str) -> str:
    """The text with every word that may be a code, a password or a link cut to its start."""
    return _SECRET_LOOKING.sub(lambda m: m.group(0)[:1] + "•••", text)


def shown_body(message: QueuedMessage) -> str:
    """The body as staff may read it: a message with a lifetime carries a code or a
    temporary password, so it is masked."""
    if message.discard_after is not None:
        return mask(message.body)
    return message.body


def _page(query, number: int) -> Page:
    number = max(number, 1)
    rows = list(db.session.scalars(query.limit(PER_PAGE + 1).offset((number - 1) * PER_PAGE)))
    return Page(rows[:PER_PAGE], number, len(rows) > PER_PAGE)


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
    return _page(query.order_by(QueuedMessage.id.desc()), page)


def deliveries(tenant_slug: str, status: str = "", page: int = 1) -> Page:
    """The tenant's provisioning deliveries, newest first, filtered."""
    query = sa.select(ProvisioningEvent).where(ProvisioningEvent.tenant == tenant_slug)
    if status:
        query = query.where(ProvisioningEvent.status == status)
    return _page(query.order_by(ProvisioningEvent.id.desc()), page)


def message(tenant_slug: str, message_id: int) -> QueuedMessage | None:
    """One message of the tenant; None for another tenant's."""
    return db.session.scalar(
        sa.select(QueuedMessage).where(
            QueuedMessage.id == message_id, QueuedMessage.tenant == tenant_slug
        )
    )


def delivery(tenant_slug: str, event_id: int) -> ProvisioningEvent | None:
    """One delivery of the tenant; None for another tenant's."""
    return db.session.scalar(
        sa.select(ProvisioningEvent).where(
            ProvisioningEvent.id == event_id, ProvisioningEvent.tenant == tenant_slug
        )
    )


def resendable(message: QueuedMessage) -> bool:
    """Whether a failed message can go again: its text is kept (one carrying a code is
    blanked when given up, and the code has expired anyway)."""
    return message.status == MessageStatus.FAILED and bool(message.body)


def resend(message: QueuedMessage) -> bool:
    """Queue a failed message for one more try after the response; False if it is no longer
    failed (a second click) or cannot go again."""
    if not resendable(message):
        return False
    # Conditional, so two clicks at once queue one try, not two.
    won = db.session.execute(
        sa.update(QueuedMessage)
        .where(QueuedMessage.id == message.id, QueuedMessage.status == MessageStatus.FAILED)
        .values(status=MessageStatus.PENDING, next_attempt_at=utcnow())
        .execution_options(synchronize_session="fetch")
    )
    if won.rowcount != 1:
        return False
    remember(queue.REQUEST_KEY, message.id)
    return True


def retry(event: ProvisioningEvent) -> bool:
    """Queue a failed delivery for one more try after the response; False if it is not failed."""
    if event.status != DeliveryStatus.FAILED:
        return False
    won = db.session.execute(
        sa.update(ProvisioningEvent)
        .where(ProvisioningEvent.id == event.id, ProvisioningEvent.status == DeliveryStatus.FAILED)
        .values(status=DeliveryStatus.PENDING, next_attempt_at=utcnow())
        .execution_options(synchronize_session="fetch")
    )
    if won.rowcount != 1:
        return False
    remember(provisioning.REQUEST_KEY, event.id)
    return True
