"""The notice of a staff reply: by the first channel of the tenant's list the subscriber has."""

import logging

import app.notify.service as notify
from app.core.subscribers import subscriber_of
from app.tenancy.help_schema import NoticeChannel
from app.tenancy.registry import Tenant
from app.tenancy.resolve import public_url

from .models import HelpRequest

log = logging.getLogger("app.help")
# The request's page; built by hand, as a staff reply may come from the command line,
# where there is no request to build a URL from.
REQUEST_PATH = "/help/requests/{number}"


def _locale(tenant: Tenant, chosen: str | None) -> str:
    available = tenant.config.locales.available
    return chosen if chosen in available else tenant.config.locales.default


def answered(tenant: Tenant, request: HelpRequest) -> str | None:
    """Queue the notice of an answer; the channel used, or None when none could be."""
    subscriber = subscriber_of(tenant, request.subscriber_id)
    if subscriber is None:
        return None
    link = public_url(tenant, REQUEST_PATH.format(number=request.number))
    locale = _locale(tenant, subscriber.locale)
    for channel in tenant.config.help.requests.notice:
        to = subscriber.email if channel == NoticeChannel.EMAIL else subscriber.phone
        if not to:
            continue
        try:
            notify.send_request_answered(tenant, channel.value, to, request.label, link, locale)
        except ValueError:
            # An address or phone no message can go to: the answer is saved and shown in the
            # cabinet all the same; try the next channel.
            log.warning("help %s %s: %s notice not queued", tenant.slug, request.label, channel)
            continue
        return channel.value
    return None
