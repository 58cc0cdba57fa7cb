"""Live chat rules: the tenant's hours, starting a conversation, messages of both sides."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.core import audit
from app.core.scoped import get_owned
from app.extensions import db
from app.persistence import utcnow
from app.tenancy.help_schema import Chat, Hours
from app.tenancy.registry import Region, Tenant

from .broker import broker, waiting_place
from .models import ChatConversation, ChatMessage, ChatStatus, Side

MAX_NAME = 80
# When every waiting place is taken: how soon the script asks the feed again.
RETRY_AFTER_SECONDS = 3


class Refused(ValueError):
    """The message or conversation breaks a rule; its text is not shown to people."""


def now() -> datetime:
    """The current UTC time; tests move it."""
    return utcnow()


def rules(tenant: Tenant) -> Chat:
    return tenant.config.help.chat


def enabled(tenant: Tenant | None) -> bool:
    """Whether the tenant offers the chat at all."""
    return tenant is not None and rules(tenant).enabled


@dataclass(frozen=True)
class Opening:
    """Whether the chat is answering now, and if not, when it opens (local time)."""

    open: bool
    next_open: datetime | None = None


def opening(hours: Hours | None, timezone: str, at: datetime) -> Opening:
    """Whether consultants answer at the UTC moment `at` in this timezone, else when next."""
    if hours is None:
        return Opening(True)
    local = at.astimezone(ZoneInfo(timezone))
    if hours.is_open(local):
        return Opening(True)
    return Opening(False, hours.next_open(local))


def opening_for(tenant: Tenant, region: Region | None) -> Opening:
    """The tenant's chat hours now, in the region's timezone."""
    return opening(rules(tenant).hours, tenant.timezone(region), now())


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _check_text(tenant: Tenant, text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise Refused("empty")
    if len(text) > rules(tenant).max_chars:
        raise Refused("too long")
    return text


def start(
    tenant: Tenant, name: str, subscriber_id: int | None, first: str | None
) -> tuple[ChatConversation, str]:
    """A new conversation and the token that alone opens it; the first message if given."""
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME:
        raise Refused("name")
    token = secrets.token_urlsafe(32)
    conversation = ChatConversation(
        tenant=tenant.slug,
        token_hash=token_hash(token),
        subscriber_id=subscriber_id,
        visitor_name=name,
        created_at=now(),
    )
    db.session.add(conversation)
    db.session.flush()
    # The conversation is the chat's own record: only its start joins the trail.
    audit.record(
        tenant.slug, "chat.started", subscriber_id=subscriber_id, target=f"chat:{conversation.id}"
    )
    if first and first.strip():
        _add(tenant, conversation, Side.VISITOR, first, None)
    return conversation, token


def conversation_of(
    tenant: Tenant, conversation_id: int, token: str | None, subscriber_id: int | None
) -> ChatConversation | None:
    """The conversation if this visitor holds its token (and, once logged in, owns it)."""
    if not token:
        return None
    found = db.session.scalar(
        sa.select(ChatConversation).where(
            ChatConversation.tenant == tenant.slug,
            ChatConversation.id == conversation_id,
            ChatConversation.token_hash == token_hash(token),
        )
    )
    if found is None:
        return None
    if found.subscriber_id is not None and found.subscriber_id != subscriber_id:
        return None
    return found


def claim(
    tenant: Tenant, conversation_id: int, token: str, subscriber_id: int
) -> ChatConversation | None:
    """The conversation this browser started, now the logged-in subscriber's; None if it
    is not theirs to take (someone else's already, another tenant's, a wrong token)."""
    found = conversation_of(tenant, conversation_id, token, subscriber_id)
    if found is not None and found.subscriber_id is None:
        # Staff see who it is from now on; the next person on this browser no longer can.
        found.subscriber_id = subscriber_id
        db.session.flush()
    return found


def _add(
    tenant: Tenant, conversation: ChatConversation, side: Side, text: str, staff: str | None
) -> ChatMessage:
    if conversation.status == ChatStatus.CLOSED:
        raise Refused("closed")
    message = ChatMessage(
        tenant=tenant.slug,
        conversation_id=conversation.id,
        side=side,
        staff_name=staff,
        text=_check_text(tenant, text),
        created_at=now(),
    )
    db.session.add(message)
    db.session.flush()
    return message


def send(tenant: Tenant, conversation: ChatConversation, text: str) -> ChatMessage:
    """The visitor's message; waiters are told once it is committed (see notify)."""
    return _add(tenant, conversation, Side.VISITOR, text, None)


def notify(conversation: ChatConversation) -> None:
    """Wake the feeds of this conversation; call after the commit, so they can read it."""
    broker().publish(channel(conversation.tenant, conversation.id))


def channel(tenant_slug: str, conversation_id: int) -> str:
    return f"{tenant_slug}:{conversation_id}"


def messages_after(conversation: ChatConversation, after: int) -> list[ChatMessage]:
    """The conversation's messages newer than the message id `after`, oldest first."""
    return list(
        db.session.scalars(
            sa.select(ChatMessage)
            .where(
                ChatMessage.tenant == conversation.tenant,
                ChatMessage.conversation_id == conversation.id,
                ChatMessage.id > after,
            )
            .order_by(ChatMessage.id)
        )
    )


def _staff_target(tenant_slug: str | None, conversation_id: int) -> ChatConversation:
    query = sa.select(ChatConversation).where(ChatConversation.id == conversation_id)
    if tenant_slug is not None:
        query = query.where(ChatConversation.tenant == tenant_slug)
    found = db.session.scalar(query)
    if found is None:
        raise Refused("no such conversation")
    return found


def staff_reply(
    tenant: Tenant, conversation_id: int, text: str, staff_name: str = "operator"
) -> ChatMessage:
    """A consultant's message in the conversation, committed and delivered at once."""
    conversation = _staff_target(tenant.slug, conversation_id)
    message = _add(tenant, conversation, Side.STAFF, text, staff_name)
    commit_and_notify(conversation)
    return message


def commit_and_notify(conversation: ChatConversation) -> None:
    """Commit now, before the request ends, then wake the feeds: they read the database, so
    the row must be there when they look."""
    db.session.commit()
    notify(conversation)


def close(tenant_slug: str | None, conversation_id: int) -> ChatConversation:
    """End the conversation; no one writes in it again."""
    conversation = _staff_target(tenant_slug, conversation_id)
    if conversation.status != ChatStatus.CLOSED:
        conversation.status = ChatStatus.CLOSED
        conversation.closed_at = now()
    return conversation


def take(tenant: Tenant, conversation_id: int, staff_account_id: int) -> bool:
    """Give a waiting conversation to this consultant; False when another took it first.

    One conditional UPDATE: of two consultants pressing at once, the second finds the row
    taken (PostgreSQL re-reads it after the first commits, SQLite runs them one by one).
    """
    taken = db.session.execute(
        sa.update(ChatConversation)
        .where(
            ChatConversation.tenant == tenant.slug,
            ChatConversation.id == conversation_id,
            ChatConversation.status == ChatStatus.OPEN,
            ChatConversation.staff_account_id.is_(None),
        )
        .values(staff_account_id=staff_account_id, taken_at=now())
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        return False
    found = get_owned(ChatConversation, tenant, conversation_id)
    db.session.refresh(found)
    return True


def conversation_for_staff(tenant: Tenant, conversation_id: int) -> ChatConversation | None:
    """Any conversation of the tenant, for its consultants; another tenant's is None."""
    return get_owned(ChatConversation, tenant, conversation_id)


def wait_for_messages(found: ChatConversation, after: int, wait: float, reload) -> tuple:
    """(the conversation, its messages after the id `after`, retry_after seconds or None):
    waiting up to `wait` seconds for one if there are none yet; reload() reads the
    conversation again after the wait. Every waiting place taken: at once, with retry_after.
    """
    # Subscribed before reading, so a message committed in between still wakes this wait.
    with broker().subscribe(channel(found.tenant, found.id)) as subscription:
        new = messages_after(found, after)
        if new or wait <= 0 or found.status != ChatStatus.OPEN:
            return found, new, None
        with waiting_place() as placed:
            if not placed:
                return found, new, RETRY_AFTER_SECONDS
            # Give the connection back to the pool while waiting.
            db.session.rollback()
            subscription.wait(wait)
            found = reload()
            return found, messages_after(found, after), None


def queue(tenant_slug: str | None = None, status: str | None = None) -> list[ChatConversation]:
    """Conversations for the operators, the oldest first."""
    query = sa.select(ChatConversation).order_by(ChatConversation.created_at, ChatConversation.id)
    if tenant_slug is not None:
        query = query.where(ChatConversation.tenant == tenant_slug)
    if status is not None:
        query = query.where(ChatConversation.status == status)
    return list(db.session.scalars(query))


def find(conversation_id: int) -> ChatConversation | None:
    """Any tenant's conversation by its id: for the operators' commands only."""
    return db.session.scalar(
        sa.select(ChatConversation).where(ChatConversation.id == conversation_id)
    )
