"""Who acts in this request, for the audit trail: bound before any view runs.

Every request starts as an anonymous visitor from its network; the subscriber's session
hook (app.auth.sessions) and the console's (app.staff.access) then say who it is. Binding
at the start of each request, and back to the system at its end, keeps one request's actor
from another's work in the same thread.
"""

from flask import Flask, request

from app.core import audit, devices


def network() -> str:
    """The client's network, as the audit trail keeps it."""
    return devices.network(request.remote_addr)


def bind(kind: str, actor_id: int | None = None, name: str = "") -> None:
    """Say who acts for the rest of this request."""
    audit.acting_as(audit.Actor(kind, actor_id, name, network()))


def _visitor() -> None:
    bind("visitor")


def _done(_error=None) -> None:
    # Whatever runs next in this thread without a request (a job, a delivery) is the system.
    audit.acting_as(audit.SYSTEM)


def init_app(app: Flask) -> None:
    app.before_request_funcs.setdefault(None, []).insert(0, _visitor)
    app.teardown_request(_done)
