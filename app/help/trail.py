"""A help request's changes in the audit trail: a question, a visit, a callback."""

from app.core import audit
from app.tenancy.registry import Tenant

from .models import HelpRequest


def record(tenant: Tenant, request: HelpRequest, action: str, **changes) -> None:
    """Put a change of a request (a question, a visit, a callback) into the audit trail."""
    audit.record(
        tenant.slug,
        action,
        subscriber_id=request.subscriber_id,
        target=f"help:{request.number}",
        **changes,
    )
