"""What operators watch: log lines, request ids, health and readiness checks, metrics.

It stands on the tenancy and the core and knows no feature; features call the small
functions in app.observe.metrics to count what they do.
"""

from flask import Flask

from . import health, logs, metrics
from .logs import request_id

__all__ = ["init_app", "request_id"]


def init_app(app: Flask) -> None:
    """Log format and request lines, /healthz, /readyz and /metrics."""
    logs.init_app(app)
    health.init_app(app)
    metrics.init_app(app)
