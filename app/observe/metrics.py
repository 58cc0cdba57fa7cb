"""Prometheus metrics: the objects, the small functions features call, and /metrics.

Under gunicorn each worker counts on its own; with PROMETHEUS_MULTIPROC_DIR set,
prometheus_client keeps the counts in files there and a scrape of any worker adds them
up (gunicorn.conf.py marks a dead worker's files). Without it the process's own registry
is served. What waits in the queue and the outboxes is read from the database and the
queue at scrape time, so every worker answers the same.
"""

import hmac
import os

from flask import Flask, Response, abort, current_app, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

from app.core import jobs
from app.core.jobs.outboxes import outbox_counts
from app.extensions import db, limiter
from app.tenancy.resolve import tenant_free

# A *_created series per counter doubles the output and tells an operator nothing.
disable_created_metrics()
if _folder := os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    # Every process that counts (the web, a worker, a `flask` command) writes its file there.
    os.makedirs(_folder, exist_ok=True)

REQUEST_SECONDS = Histogram(
    "portal_request_duration_seconds",
    "Time to answer a request, by Flask endpoint and tenant.",
    ["endpoint", "tenant"],
)
LOGINS = Counter("portal_logins", "Subscriber password logins, by outcome.", ["outcome"])
PAYMENTS = Counter(
    "portal_payment_notifications", "Payment notifications from providers, by outcome.", ["outcome"]
)
MESSAGES = Counter(
    "portal_messages", "E-mails and texts handed to the relay or provider.", ["channel", "outcome"]
)
LOGIN_OUTCOMES = ("success", "bad_password", "limited")
PAYMENT_OUTCOMES = ("credited", "duplicate", "rejected", "failed", "deferred")


def login(outcome: str) -> None:
    """Count one login attempt: success, bad_password or limited."""
    LOGINS.labels(outcome).inc()


def payment(outcome: str) -> None:
    """Count one payment notification: credited, duplicate, rejected, failed, deferred or
    ignored (authentic, of a state nothing is done for)."""
    PAYMENTS.labels(outcome).inc()


def message(channel: str, sent: bool) -> None:
    """Count one e-mail or SMS (channel "email" or "sms") as sent or failed."""
    MESSAGES.labels(channel, "sent" if sent else "failed").inc()


def observe_request(endpoint: str | None, tenant: str | None, seconds: float) -> None:
    """Time one request; the endpoint name, not the path, keeps the series few."""
    REQUEST_SECONDS.labels(endpoint or "unmatched", tenant or "none").observe(seconds)


class QueueCollector:
    """The queue's waiting jobs and each outbox's due, failed and oldest due row, read at
    scrape time in the app's context."""

    def __init__(self, app: Flask):
        self.app = app

    def collect(self):
        """The gauges, from the queue and the outboxes' counts (app/core/jobs)."""
        queued = GaugeMetricFamily("portal_jobs_queued", "Jobs waiting in the queue.")
        queued.add_metric([], jobs.jobs_of(self.app).huey.pending_count())
        yield queued
        labels = ["outbox"]
        due = GaugeMetricFamily("portal_outbox_due", "Rows due to go out now.", labels=labels)
        failed = GaugeMetricFamily("portal_outbox_failed", "Rows given up on.", labels=labels)
        oldest = GaugeMetricFamily(
            "portal_outbox_oldest_due_seconds", "How long the oldest due row waited.", labels=labels
        )
        try:
            counts = outbox_counts()
        finally:
            db.session.rollback()
        for name, count in counts.items():
            due.add_metric([name], count["due"])
            failed.add_metric([name], count["failed"])
            oldest.add_metric([name], count["oldest_due_seconds"] or 0)
        yield from (due, failed, oldest)


def _process_metrics() -> bytes:
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not folder:
        return generate_latest(REGISTRY)
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=folder)
    return generate_latest(registry)


def _authorised(token: str) -> bool:
    offered = request.headers.get("Authorization", "")
    scheme, _, value = offered.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        value.strip().encode(), token.encode()
    )


@limiter.exempt
@tenant_free
def scrape():
    """The metrics, for a scraper holding PORTAL_METRICS_TOKEN."""
    token = current_app.config.get("PORTAL_METRICS_TOKEN")
    if not token:
        abort(404)  # not served at all unless the operator set a token
    if not _authorised(token):
        challenge = {"WWW-Authenticate": "Bearer"}
        return Response("unauthorised\n", 401, challenge, mimetype="text/plain")
    scrape_time = CollectorRegistry()
    scrape_time.register(QueueCollector(current_app._get_current_object()))
    body = _process_metrics() + generate_latest(scrape_time)
    return Response(body, 200, {"Cache-Control": "no-store"}, content_type=CONTENT_TYPE_LATEST)


for _outcome in LOGIN_OUTCOMES:
    LOGINS.labels(_outcome)
for _outcome in PAYMENT_OUTCOMES:
    PAYMENTS.labels(_outcome)
for _channel in ("email", "sms"):
    for _outcome in ("sent", "failed"):
        MESSAGES.labels(_channel, _outcome)


def init_app(app: Flask) -> None:
    """Serve /metrics."""
    app.add_url_rule("/metrics", "metrics", scrape, methods=["GET"])
