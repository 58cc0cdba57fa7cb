"""Log lines on stderr: JSON in production, readable text in development.

Every record logged while a request is served carries its request id and tenant, and each
request ends with one line saying what was asked, of which tenant, by whom and how it went.
That line names the route (its rule, e.g. /help/requests/<int:number>), never the path or
the query string, so no phone number, code or token typed into a URL reaches the log.
"""

import json
import logging
import re
import secrets
import sys
import time
from datetime import UTC, datetime

from flask import Flask, Response, g, has_request_context, request

from app.core import audit

from . import metrics

log = logging.getLogger("app.request")
REQUEST_ID_HEADER = "X-Request-ID"
# What a proxy's request id may look like to be kept; anything else is replaced.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# The request line's own fields, which the JSON format writes beside the message.
REQUEST_FIELDS = (
    "method",
    "endpoint",
    "route",
    "status",
    "duration_ms",
    "subscriber_id",
    "staff_id",
)


def request_id() -> str | None:
    """This request's id: the proxy's X-Request-ID when it is a sane token, else a new one."""
    if not has_request_context():
        return None
    if "request_id" not in g:
        offered = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = offered if SANE_REQUEST_ID.fullmatch(offered) else secrets.token_hex(8)
    return g.request_id


def _tenant_slug() -> str | None:
    tenant = g.get("tenant") if has_request_context() else None
    return tenant.slug if tenant is not None else None


class RequestContext(logging.Filter):
    """Adds request_id and tenant to every record (None outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id()
        record.tenant = _tenant_slug()
        return True


class JsonLines(logging.Formatter):
    """One JSON object per line, for a log collector."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
            "tenant": getattr(record, "tenant", None),
        }
        line |= {name: getattr(record, name) for name in REQUEST_FIELDS if hasattr(record, name)}
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class TextLines(logging.Formatter):
    """A line a person reads in a terminal: time, level, logger, [request tenant], message."""

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s %(context)s%(message)s")

    def format(self, record: logging.LogRecord) -> str:
        ids = [getattr(record, "request_id", None), getattr(record, "tenant", None)]
        record.context = f"[{' '.join(i for i in ids if i)}] " if any(ids) else ""
        return super().format(record)


class StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (a reopened log, a test's capture)."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


def configure(log_format: str) -> logging.Handler:
    """Send the app's records to stderr in log_format ("json" or "text"), once per process."""
    root = logging.getLogger()
    handler = next((h for h in root.handlers if isinstance(h, StderrHandler)), None)
    if handler is None:
        handler = StderrHandler()
        handler.addFilter(RequestContext())
        root.addHandler(handler)
    handler.setFormatter(JsonLines() if log_format == "json" else TextLines())
    portal = logging.getLogger("app")
    if portal.level == logging.NOTSET:
        portal.setLevel(logging.INFO)
    return handler


def _start() -> None:
    g.observe_started = time.perf_counter()
    request_id()


def _finish(response: Response) -> Response:
    response.headers[REQUEST_ID_HEADER] = request_id()
    started = g.get("observe_started")
    duration = time.perf_counter() - started if started is not None else 0.0
    metrics.observe_request(request.endpoint, _tenant_slug(), duration)
    actor = audit.actor()
    fields = {
        "method": request.method,
        "endpoint": request.endpoint,
        "route": request.url_rule.rule if request.url_rule else None,
        "status": response.status_code,
        "duration_ms": round(duration * 1000, 1),
        "subscriber_id": actor.id if actor.kind == "subscriber" else None,
        "staff_id": actor.id if actor.kind == "staff" else None,
    }
    who = " ".join(f"{k}={fields[k]}" for k in ("subscriber_id", "staff_id") if fields[k])
    log.info(
        "%s %s %s %.1f ms%s",
        fields["method"],
        fields["endpoint"] or "-",
        fields["status"],
        fields["duration_ms"],
        f" {who}" if who else "",
        extra=fields,
    )
    return response


def init_app(app: Flask) -> None:
    """Configure the log format and log one line at the end of every request."""
    configure(app.config["PORTAL_LOG_FORMAT"])
    # First of all hooks, so even a request refused by an early hook has its id and time.
    app.before_request_funcs.setdefault(None, []).insert(0, _start)
    # Registered first, so it runs last and logs the status the client gets.
    app.after_request(_finish)
    # Error pages show it, so a subscriber can quote it to support.
    app.context_processor(lambda: {"request_id": request_id()})
