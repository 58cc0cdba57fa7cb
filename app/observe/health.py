"""/healthz (the process answers) and /readyz (what it needs answers too), on any host.

A load balancer or orchestrator asks them without knowing any tenant's host, so both are
tenant-free, exempt from the rate limits, GET only (no CSRF) and set no cookie. /readyz
names the failing checks and nothing else: no host names, no error text, since anyone
who can reach the port can read it. The reasons go to the log.
"""

import logging

import redis
import sqlalchemy as sa
from flask import Flask, current_app, jsonify

from app.core import jobs
from app.extensions import db, limiter
from app.tenancy.resolve import tenant_free

log = logging.getLogger("app.observe")
# Settings that may name a Redis server the portal cannot work without.
REDIS_SETTINGS = ("RATELIMIT_STORAGE_URI", "PORTAL_QUEUE_URL", "PORTAL_CHAT_REDIS_URL")
PROBE_TIMEOUT = 2  # seconds: a probe must answer well within the balancer's own timeout


def _database() -> None:
    try:
        db.session.execute(sa.text("SELECT 1"))
    finally:
        db.session.rollback()


def _redis() -> None:
    for name in REDIS_SETTINGS:
        url = current_app.config.get(name) or ""
        if url.startswith(("redis://", "rediss://")):
            client = redis.Redis.from_url(
                url, socket_timeout=PROBE_TIMEOUT, socket_connect_timeout=PROBE_TIMEOUT
            )
            try:
                client.ping()
            finally:
                client.close()


def _queue() -> None:
    jobs.jobs_of().huey.pending_count()


CHECKS = {"database": _database, "redis": _redis, "queue": _queue}


def failed_checks() -> list[str]:
    """The names of the checks that fail now."""
    failed = []
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as exc:
            # For the operator's log only; the answer names the check alone.
            reason = next(iter(str(exc).splitlines()), "")
            log.warning("readiness check %s failed: %s: %s", name, type(exc).__name__, reason)
            failed.append(name)
    return failed


@limiter.exempt
@tenant_free
def healthz():
    """The process is up and serving."""
    return "ok\n", 200, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}


@limiter.exempt
@tenant_free
def readyz():
    """Ready when the database, Redis and the queue answer; 503 naming the ones that don't."""
    failed = failed_checks()
    body = {"status": "not ready", "failed": failed} if failed else {"status": "ready"}
    response = jsonify(body)
    response.status_code = 503 if failed else 200
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    """Serve /healthz and /readyz."""
    app.add_url_rule("/healthz", "healthz", healthz, methods=["GET"])
    app.add_url_rule("/readyz", "readyz", readyz, methods=["GET"])
