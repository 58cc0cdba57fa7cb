"""What other features call on the provisioning outbox: the console lists one tenant's
deliveries to the network and puts a failed one back in the queue (posted after the
response, never in it)."""

import sqlalchemy as sa

from app.core.outbox import Page, page_of
from app.extensions import db
from app.persistence import utcnow
from app.web.after_response import remember

from . import outbox
from .models import ProvisioningEvent, Status

STATUSES = (Status.PENDING, Status.SENDING, Status.DELIVERED, Status.FAILED, Status.SKIPPED)


def deliveries(tenant_slug: str, status: str = "", page: int = 1) -> Page:
    """The tenant's deliveries, newest first, filtered by status."""
    query = sa.select(ProvisioningEvent).where(ProvisioningEvent.tenant == tenant_slug)
    if status:
        query = query.where(ProvisioningEvent.status == status)
    return page_of(query.order_by(ProvisioningEvent.id.desc()), page)


def delivery(tenant_slug: str, event_id: int) -> ProvisioningEvent | None:
    """One delivery of the tenant; None for another tenant's."""
    return db.session.scalar(
        sa.select(ProvisioningEvent).where(
            ProvisioningEvent.id == event_id, ProvisioningEvent.tenant == tenant_slug
        )
    )


def retry(event: ProvisioningEvent) -> bool:
    """Queue a failed delivery for one more try after the response; False if it is not
    failed (a second click, or already delivered)."""
    if event.status != Status.FAILED:
        return False
    # Conditional, so two clicks at once queue one try, not two.
    won = db.session.execute(
        sa.update(ProvisioningEvent)
        .where(ProvisioningEvent.id == event.id, ProvisioningEvent.status == Status.FAILED)
        .values(status=Status.PENDING, next_attempt_at=utcnow())
        .execution_options(synchronize_session="fetch")
    )
    if won.rowcount != 1:
        return False
    remember(outbox.REQUEST_KEY, event.id)
    return True
