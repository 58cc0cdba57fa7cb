"""Which staff replies a subscriber has not seen: a mark per request, the last message of
the thread they have seen on its page; a staff reply after it is new to them."""

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db
from app.tenancy.registry import Tenant

from .models import Author, HelpMessage, HelpRequest


def unread_of(tenant: Tenant, subscriber_id: int) -> frozenset[int]:
    """The ids of the subscriber's requests with a staff reply they have not seen: one query."""
    return frozenset(
        db.session.scalars(
            sa.select(HelpMessage.request_id)
            .distinct()
            .join(HelpRequest, HelpRequest.id == HelpMessage.request_id)
            .where(
                HelpRequest.tenant == tenant.slug,
                HelpRequest.subscriber_id == subscriber_id,
                HelpMessage.tenant == tenant.slug,
                HelpMessage.author == Author.STAFF,
                HelpMessage.id > sa.func.coalesce(HelpRequest.seen_message_id, 0),
            )
        )
    )


def mark_seen(request: HelpRequest) -> int | None:
    """The subscriber has seen the whole thread; returns the mark before, so the page can
    still show which replies were new. Writes only when a staff reply is new: opening the
    page again, or after one's own message, costs nothing."""
    before = request.seen_message_id
    newest_reply = max((m.id for m in request.messages if m.author == Author.STAFF), default=0)
    if newest_reply > (before or 0):
        last = max(m.id for m in request.messages)
        # The guard keeps the mark from moving back when two tabs open it at once.
        db.session.execute(
            sa.update(HelpRequest)
            .where(
                HelpRequest.id == request.id,
                sa.or_(HelpRequest.seen_message_id.is_(None), HelpRequest.seen_message_id < last),
            )
            .values(seen_message_id=last)
            .execution_options(synchronize_session=False)
        )
        set_committed_value(request, "seen_message_id", last)
    return before
