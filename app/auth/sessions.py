"""Session rules: tenant binding, idle and absolute timeouts, forced password change."""

import time

from flask import Flask, current_app, flash, g, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.extensions import login_manager
from app.web.login_session import end

from . import service

# Pages a subscriber with an issued temporary password may still open.
OPEN_WITH_TEMPORARY_PASSWORD = {
    "auth.change_password",
    "auth.logout",
    "static",
    "tenant_static",
    "set_language",
}
SEEN_AT_RESOLUTION = 60  # seconds; avoids rewriting the cookie on every request


@login_manager.user_loader
def _load_user(user_id: str):
    tenant = g.get("tenant")
    if tenant is None or session.get("tenant") != tenant.slug:
        return None
    return service.load_session_user(tenant.slug, user_id)


def own_region(user: service.SessionUser):
    """The subscriber's own region, when they have one the tenant knows."""
    return g.tenant.region(user.region)


def _expired(now: int) -> bool:
    idle = current_app.config["PORTAL_SESSION_IDLE"].total_seconds()
    absolute = current_app.config["PORTAL_SESSION_ABSOLUTE"].total_seconds()
    return now - session.get("seen_at", 0) > idle or now - session.get("auth_at", 0) > absolute


def enforce() -> object | None:
    """Before each request: end stale sessions, keep the subscriber on the password page."""
    if g.get("tenant") is None or not current_user.is_authenticated:
        return None
    now = int(time.time())
    if _expired(now):
        end()
        flash(_l("Your session has expired. Please log in again."), "info")
        return redirect(url_for("auth.login"))
    if now - session.get("seen_at", 0) > SEEN_AT_RESOLUTION:
        session["seen_at"] = now
    # What the cabinet shows (contacts, tariffs, dates) follows the subscriber's own region,
    # even on a host of another region, e.g. a session older than that rule.
    g.region = own_region(current_user) or g.region
    if current_user.must_change_password and request.endpoint not in OPEN_WITH_TEMPORARY_PASSWORD:
        return redirect(url_for("auth.change_password"))
    return None


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to open this page.")
    login_manager.login_message_category = "info"
    app.before_request(enforce)
