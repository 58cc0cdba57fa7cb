"""Rows a request queued (messages, network events) are handed to the job queue once its
response is closed; a worker sends them, so no request waits on SMTP, an SMS gateway or a
webhook.

The database session lives as long as the request: it carries the queued ids from the code
that wrote them to the hook. By the time the response is closed the request's transaction is
committed, or rolled back, and then the job finds nothing to claim. Rows queued outside a
request (a command, a job) are found by the queue's sweep.
"""

from collections.abc import Callable

from flask import Flask, current_app, has_request_context

from app.core import jobs
from app.extensions import db


def remember(key: str, row_id: int) -> None:
    """Within a request, note a queued row to hand to the queue once the response is closed."""
    if has_request_context():
        db.session.info.setdefault(key, []).append(row_id)


def deliver_after_response(app: Flask, key: str, deliver: Callable[[list[int]], object]) -> None:
    """Make deliver(ids) the job `key`, and enqueue it with each request's remembered rows."""
    jobs.task(key)(deliver)

    def hook(response):
        ids = db.session.info.pop(key, None)
        if ids:
            queue = jobs.jobs_of(current_app._get_current_object())
            response.call_on_close(lambda: queue.enqueue(key, ids))
        return response

    app.after_request(hook)
