"""Live chat: a conversation of one visitor with the ISP's consultants, and its messages."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.persistence import TenantScoped, UTCDateTime, utcnow


class ChatStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Side(StrEnum):
    VISITOR = "visitor"
    STAFF = "staff"


class ChatConversation(TenantScoped, db.Model):
    __table_args__ = (sa.Index("ix_chat_conversation_queue", "tenant", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # SHA-256 of the random token kept in the visitor's session: the id alone opens nothing,
    # and a leaked database does not hand out live conversations.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    subscriber_id: Mapped[int | None] = mapped_column(sa.ForeignKey("subscriber.id"))
    visitor_name: Mapped[str] = mapped_column(sa.String(80))
    status: Mapped[ChatStatus] = mapped_column(sa.String(20), default=ChatStatus.OPEN)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The consultant who took the conversation; None while it waits for one.
    staff_account_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_account.id"))
    taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    messages: Mapped[list["ChatMessage"]] = relationship(
        back_populates="conversation", order_by="ChatMessage.id"
    )


class ChatMessage(TenantScoped, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(sa.ForeignKey("chat_conversation.id"), index=True)
    side: Mapped[Side] = mapped_column(sa.String(20))
    # Who of the staff wrote it, never shown to the visitor.
    staff_name: Mapped[str | None] = mapped_column(sa.String(80))
    text: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    conversation: Mapped[ChatConversation] = relationship(back_populates="messages")
