"""A request with a file, a callback and a chat of one tenant: what the console's helpdesk
URLs name, for the sweeps over every /staff URL."""

from datetime import timedelta

from app.chat import service as chat_service
from app.extensions import db
from app.help import service as help_service
from app.help.models import (
    Author,
    HelpAttachment,
    HelpCallback,
    HelpMessage,
    HelpRequest,
    RequestKind,
    RequestStatus,
)
from app.persistence import utcnow


def helpdesk_objects(app, slug: str) -> dict[str, int]:
    """The placeholders of the helpdesk URLs, filled with the tenant's own rows: a callback
    request (number) with a message and a file (attachment_id), and a chat (conversation_id)."""
    with app.app_context():
        tenant = app.extensions["tenancy"].tenants[slug]
        now = utcnow()
        filed = HelpRequest(
            tenant=slug,
            number=help_service.next_number(slug),
            kind=RequestKind.CALLBACK,
            subject="callback",
            status=RequestStatus.NEW,
            created_at=now,
            updated_at=now,
        )
        db.session.add(filed)
        db.session.flush()
        db.session.add(
            HelpCallback(
                tenant=slug,
                request_id=filed.id,
                name="Гость",
                phone="+79215550101",
                window_start=now + timedelta(hours=2),
                window_end=now + timedelta(hours=4),
            )
        )
        message = HelpMessage(
            tenant=slug, request_id=filed.id, author=Author.SUBSCRIBER, text="Позвоните мне"
        )
        db.session.add(message)
        db.session.flush()
        # The sweep checks who may open the URL; the file itself is not on disk.
        attachment = HelpAttachment(
            tenant=slug,
            message_id=message.id,
            file_path=f"{slug}/absent.pdf",
            original_filename="act.pdf",
            content_type="application/pdf",
            file_size=10,
        )
        db.session.add(attachment)
        chat, _token = chat_service.start(tenant, "Гость", None, "Здравствуйте")
        db.session.commit()
        return {"number": filed.number, "attachment_id": attachment.id, "conversation_id": chat.id}
