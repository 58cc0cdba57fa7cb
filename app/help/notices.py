"""The notice of a staff reply, through the notification centre."""

import app.notify.service as notify
from app.tenancy.registry import Tenant

from .models import HelpRequest

# The request's page; built by hand, as a staff reply may come from the command line,
# where there is no request to build a URL from.
REQUEST_PATH = "/help/requests/{number}"


def answered(tenant: Tenant, request: HelpRequest) -> str | None:
    """Queue the notice of an answer through the subscriber's channel for replies (the
    notification centre's); the channel used, or None when it goes nowhere."""
    if request.subscriber_id is None:
        return None  # a callback asked without logging in: the answer is the call itself
    channel = notify.tell(
        tenant,
        request.subscriber_id,
        "request_answered",
        number=request.label,
        path=REQUEST_PATH.format(number=request.number),
    )
    return None if channel == "none" else channel
