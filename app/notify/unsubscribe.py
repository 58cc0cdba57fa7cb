"""One-click unsubscribe (RFC 8058) from the notices a subscriber may turn off.

A notice e-mail carries `List-Unsubscribe: <https://<ISP host>/notify/unsubscribe/<token>>`.
The token is the authority: signed with the app's secret (itsdangerous, its own salt), it
names the tenant, the subscriber and the event, so it turns off that one event's notices
for that one person, on that ISP's host only. Codes, receipts and security notices carry
no such link: they are not the subscriber's to turn off.
"""

from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from app.core.scoped import get_owned
from app.core.subscribers import Subscriber
from app.tenancy.notify_schema import EVENTS
from app.tenancy.registry import Tenant
from app.tenancy.resolve import public_url

from .preferences import NONE, channel_for, choose

SALT = "notify.unsubscribe"


@dataclass(frozen=True)
class Unsubscribe:
    """What a valid token names."""

    tenant: str
    subscriber_id: int
    event: str


def _serializer() -> URLSafeSerializer:
    config = current_app.config
    # The newest key signs; former ones (SECRET_KEY_FALLBACKS) still read old links.
    keys = [*(config.get("SECRET_KEY_FALLBACKS") or ()), config["SECRET_KEY"]]
    return URLSafeSerializer(keys, salt=SALT)


def link(tenant: Tenant, subscriber_id: int, event: str) -> str:
    """The unsubscribe URL for one subscriber's notices of one event, on the ISP's host."""
    token = _serializer().dumps([tenant.slug, subscriber_id, event])
    return public_url(tenant, f"/notify/unsubscribe/{token}")


def read(tenant: Tenant, token: str) -> Unsubscribe | None:
    """What the token names, if it is genuine, of this tenant and of a known event."""
    try:
        slug, subscriber_id, event = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if slug != tenant.slug or event not in EVENTS or not isinstance(subscriber_id, int):
        return None
    return Unsubscribe(slug, subscriber_id, event)


def subscriber_of(tenant: Tenant, asked: Unsubscribe) -> Subscriber | None:
    """The subscriber the token names, still on record with the tenant."""
    return get_owned(Subscriber, tenant, asked.subscriber_id)


def apply(tenant: Tenant, subscriber: Subscriber, event: str) -> bool:
    """Stop the e-mails of event: "none" for it, if they go by e-mail now; whether it changed.

    A subscriber who has since chosen SMS for it keeps their SMS: an old e-mail's link
    turns off e-mail, nothing else.
    """
    if channel_for(tenant, subscriber, event) != "email":
        return False
    choose(tenant, subscriber, event, NONE)
    return True
