"""Error pages: plain for unknown hosts, branded and translated for a tenant's own."""

import math
import time

from flask import Flask, g, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from .extensions import db, limiter


def _retry_minutes(exc: HTTPException | None = None) -> int:
    seconds = getattr(exc, "retry_after", None)
    if isinstance(seconds, int):  # raised by a view with its own count (auth.limits)
        return max(1, math.ceil(seconds / 60))
    limit = limiter.current_limit
    if limit is None:
        return 1
    return max(1, round((limit.reset_at - time.time()) / 60))


def _render(status: int, title: str, message: str):
    template = "errors/branded.html" if g.get("tenant") else "errors/plain.html"
    return render_template(template, status=status, title=title, message=message), status


def _http_error(exc: HTTPException):
    messages = {
        400: (_("Bad request"), _("The request could not be understood. Please try again.")),
        403: (_("Access denied"), _("You are not allowed to open this page.")),
        404: (_("Page not found"), _("There is no such page here.")),
        405: (_("Not allowed"), _("This page cannot be used like that.")),
        413: (_("Too large"), _("The file you sent is too large.")),
    }
    title, message = messages.get(exc.code or 500, (exc.name, exc.description or ""))
    return _render(exc.code or 500, title, message)


def _csrf_error(exc: CSRFError):
    return _render(
        400,
        _("The form has expired"),
        _("For your safety the form has expired. Go back, reload the page and try again."),
    )


def _rate_limited(exc: HTTPException):
    minutes = _retry_minutes(exc)
    body, status = _render(
        429,
        _("Too many attempts"),
        _("Too many attempts. Please try again in %(minutes)s min.", minutes=minutes),
    )
    seconds = getattr(exc, "retry_after", None)
    return body, status, {"Retry-After": str(seconds)} if isinstance(seconds, int) else {}


def _server_error(exc: Exception):
    db.session.rollback()
    return _render(
        500,
        _("Something went wrong"),
        _("We could not complete your request. Nothing was changed; please try again later."),
    )


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(429, _rate_limited)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(InternalServerError, _server_error)
