"""The signed webhook: one event as JSON, HMAC-SHA256 over the timestamp and the exact body.

The ISP's side checks, in this order: the timestamp is recent (a replayed old request is
refused), the signature matches `hex(hmac_sha256(secret, f"{timestamp}." + body))`, and the
event id was not applied before (a retry of a delivered event is answered 2xx, not applied
again). Any 2xx answer means delivered; anything else, or no answer, is tried again later.
"""

import hashlib
import hmac
import http.client
import json
import os
from dataclasses import dataclass
from urllib.parse import urlsplit

from app.tenancy.network_schema import Provisioning

SIGNATURE_HEADER = "X-Portal-Signature"
TIMESTAMP_HEADER = "X-Portal-Timestamp"
EVENT_ID_HEADER = "X-Portal-Event-Id"
# What `make run`'s receiver (scripts/dev-provisioning-receiver) checks with, and what a
# development portal signs with when the tenant's secret variable is not set.
DEV_SECRET = "dev-provisioning-secret"


class NotSent(Exception):
    """The event could not be delivered this time; the message says why."""


@dataclass(frozen=True)
class Link:
    """Where and how one tenant's events go, read from the environment at delivery time."""

    url: str
    secret: bytes
    timeout: float


def link_of(config: Provisioning, production: bool) -> Link:
    """The tenant's effective link; NotSent when it cannot be used here."""
    url = (os.environ.get(config.url_env) if config.url_env else None) or config.url
    secret = os.environ.get(config.secret_env) or (None if production else DEV_SECRET)
    if secret is None:
        raise NotSent(f"the environment variable {config.secret_env} holds no secret")
    if production and not url.startswith("https://"):
        # Network commands must not cross the internet in the clear, nor go to the
        # development receiver because a deployment forgot to set url_env.
        raise NotSent(f"production needs an https URL (set {config.url_env or 'url'})")
    return Link(url, secret.encode(), config.timeout_seconds)


def body_of(event) -> bytes:
    """The JSON the ISP receives for one outbox row."""
    document = {
        "id": event.event_id,
        "tenant": event.tenant,
        "event": event.event,
        "account": event.account_number,
        "account_id": event.account_id,
        "point_id": event.point_id,
        "details": event.details,
        "created_at": event.created_at.isoformat(timespec="seconds"),
    }
    return json.dumps(document, ensure_ascii=False, sort_keys=True).encode()


def signature(secret: bytes, timestamp: str, body: bytes) -> str:
    """The value of the signature header for this timestamp and body."""
    mac = hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def post(link: Link, event_id: str, body: bytes, timestamp: int) -> int:
    """POST the body signed; the 2xx status, else NotSent."""
    parts = urlsplit(link.url)
    stamp = str(timestamp)
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "isp-portal-provisioning/1",
        EVENT_ID_HEADER: event_id,
        TIMESTAMP_HEADER: stamp,
        SIGNATURE_HEADER: signature(link.secret, stamp, body),
    }
    connection_class = (
        http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    )
    connection = connection_class(parts.hostname or "", parts.port, timeout=link.timeout)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("POST", path, body, headers)
        response = connection.getresponse()
        answer = response.read(300).decode("utf-8", "replace").strip()
    except OSError as exc:
        raise NotSent(f"{type(exc).__name__}: {exc}") from exc
    finally:
        connection.close()
    if not 200 <= response.status < 300:
        raise NotSent(f"HTTP {response.status}: {answer[:200]}")
    return response.status
