"""Rows a request queued (messages, network events) are tried once its response is closed.

The database session lives as long as the request: it carries the queued ids from the code
that wrote them to the hook. By the time the response is closed the request's transaction is
committed, or rolled back, and then there is nothing to claim.
"""

import logging
from collections.abc import Callable

from flask import Flask, current_app, has_request_context

from app.extensions import db


def remember(key: str, row_id: int) -> None:
    """Within a request, note a queued row to try once the response is closed."""
    if has_request_context():
        db.session.info.setdefault(key, []).append(row_id)


def deliver_after_response(
    app: Flask, key: str, deliver: Callable[[list[int]], object], log: logging.Logger
) -> None:
    """After each request, run deliver(ids) on the rows remembered under key."""

    def hook(response):
        ids = db.session.info.pop(key, None)
        if ids:
            application = current_app._get_current_object()
            response.call_on_close(lambda: _run(application, deliver, ids, log))
        return response

    app.after_request(hook)


def _run(app: Flask, deliver, ids: list[int], log: logging.Logger) -> None:
    # A failure here is the worker's to retry, never the requester's to see.
    with app.app_context():
        try:
            deliver(ids)
        except Exception:
            db.session.rollback()
            log.exception("delivering a request's queued rows failed; the worker will retry")
