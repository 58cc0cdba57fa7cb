"""How the sandbox bank reaches a merchant: an HTTP POST to the notification URL.

Names under .localhost are loopback by definition (RFC 6761), so in development the bank
posts to 127.0.0.1 with the tenant's host in the Host header, just as a real bank's request
would arrive. The test suite installs an in-process transport through `use` instead.
"""

import http.client
import logging
from collections.abc import Callable, Mapping
from urllib.parse import urlsplit

from flask import current_app

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 5
Transport = Callable[[str, bytes, Mapping[str, str]], int]
EXTENSION = "sandbox.transport"


def http_post(url: str, body: bytes, headers: Mapping[str, str]) -> int:
    """POST over the network; the status code, or 0 when the merchant could not be reached."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    address = "127.0.0.1" if host == "localhost" or host.endswith(".localhost") else host
    connection_class = (
        http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    )
    connection = connection_class(address, parts.port, timeout=TIMEOUT_SECONDS)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("POST", path, body, {**headers, "Host": parts.netloc})
        return connection.getresponse().status
    except OSError as exc:
        log.warning("sandbox: could not reach %s: %s", parts.netloc, exc)
        return 0
    finally:
        connection.close()


def use(app, transport: Transport) -> None:
    """Deliver notifications of this application through another transport."""
    app.extensions[EXTENSION] = transport


def post(url: str, body: bytes, headers: Mapping[str, str]) -> int:
    """Deliver one notification; the merchant's HTTP status (0: unreachable)."""
    return current_app.extensions.get(EXTENSION, http_post)(url, body, headers)
