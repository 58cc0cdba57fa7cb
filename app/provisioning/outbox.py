"""The provisioning outbox: written with the service change, posted after the response.

`record` only adds a row to the sending transaction (a rolled-back change tells the network
nothing); once the response is closed the same process tries this request's events, and
`flask provisioning deliver` retries what failed with growing pauses, then gives up. Claiming
is app/core/outbox.py's, so two deliverers never post one event twice.
"""

import logging
import uuid
from datetime import timedelta

from flask import Flask, current_app

from app.core import jobs, outbox
from app.core.subscribers import tenant_account
from app.extensions import db
from app.persistence import utcnow
from app.tenancy import registry_of
from app.tenancy.registry import Tenant
from app.web.after_response import deliver_after_response, remember

from . import webhook
from .models import ProvisioningEvent, Status

log = logging.getLogger("app.provisioning")

# The network should hear soon, but an ISP's endpoint may be down for a maintenance window:
# tries spread over about half a day before the event is given up and shown as failed.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
)
BATCH = 50
REQUEST_KEY = "provisioning_queued"
NOT_CONFIGURED = "the tenant has no provisioning link"


def record(
    tenant: Tenant, account_id: int, point_id: int | None, event: str, details: dict
) -> ProvisioningEvent:
    """Add one event to the current transaction; flushed, never committed."""
    account = tenant_account(tenant, account_id)
    if account is None:
        raise LookupError(f"no account {account_id} in {tenant.slug}")
    now = utcnow()
    configured = tenant.config.provisioning is not None
    row = ProvisioningEvent(
        tenant=tenant.slug,
        event_id=str(uuid.uuid4()),
        account_id=account.id,
        account_number=account.number,
        point_id=point_id,
        event=event,
        details=details,
        status=Status.PENDING if configured else Status.SKIPPED,
        attempts=0,
        created_at=now,
        next_attempt_at=now,
        last_error=None if configured else NOT_CONFIGURED,
    )
    db.session.add(row)
    db.session.flush()
    if configured:
        remember(REQUEST_KEY, row.id)
    return row


def claim(limit: int = BATCH, ids: list[int] | None = None) -> list[int]:
    """Mark up to limit due events as this deliverer's and commit; their ids."""
    return outbox.claim(ProvisioningEvent, utcnow(), limit, ids)


def deliver(limit: int = BATCH, ids: list[int] | None = None) -> int:
    """Claim and post due events (only ids, when given), one commit each; how many arrived."""
    return outbox.deliver_claimed(ProvisioningEvent, claim(limit, ids), _try)


def _try(row: ProvisioningEvent) -> bool:
    now = utcnow()
    where = f"id={row.id} event={row.event_id} tenant={row.tenant} {row.event}"
    tenant = registry_of(current_app).tenants.get(row.tenant)
    if tenant is None or tenant.config.provisioning is None:
        row.status = Status.SKIPPED
        row.last_error = NOT_CONFIGURED
        log.error("provisioning event not sent: %s: %s", where, NOT_CONFIGURED)
        return False
    row.attempts += 1
    production = current_app.config["PORTAL_ENV"] == "production"
    try:
        link = webhook.link_of(tenant.config.provisioning, production)
        webhook.post(link, row.event_id, webhook.body_of(row), int(now.timestamp()))
    except webhook.NotSent as exc:
        _failed(row, str(exc)[:300], where, now)
        return False
    row.status = Status.DELIVERED
    row.delivered_at = now
    row.last_error = None
    return True


def _failed(row: ProvisioningEvent, reason: str, where: str, now) -> None:
    row.last_error = reason
    pause = outbox.pause_after(row.attempts, RETRY_DELAYS)
    if pause is None:
        row.status = Status.FAILED
        log.error("provisioning event given up: %s attempts=%d: %s", where, row.attempts, reason)
        return
    row.status = Status.PENDING
    row.next_attempt_at = now + pause
    log.warning(
        "provisioning event not delivered: %s attempt=%d, next try in %s: %s",
        where,
        row.attempts,
        pause,
        reason,
    )


jobs.sweep_outbox("provisioning.sweep", "provisioning", ProvisioningEvent, deliver)


def init_app(app: Flask) -> None:
    """Post each request's events right after its response."""
    deliver_after_response(app, REQUEST_KEY, lambda ids: deliver(ids=ids))
