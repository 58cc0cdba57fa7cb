"""Session rules: each browser's session record, its limits, the forced password change.

The tenant binding and the idle and absolute limits are the session record's, checked by
service.load_session_user in the user loader's one query (see app.core.devices).
"""

from flask import Flask, flash, g, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.extensions import login_manager
from app.web import acting
from app.web.login_session import forget

from . import service

# Pages a subscriber with an issued temporary password may still open.
OPEN_WITH_TEMPORARY_PASSWORD = {
    "auth.change_password",
    "auth.logout",
    "static",
    "tenant_static",
    "set_language",
}


@login_manager.user_loader
def _load_user(token: str):
    tenant = g.get("tenant")
    if tenant is None:
        return None
    try:
        return service.load_session_user(tenant.slug, token)
    except service.SessionExpired:
        g.session_expired = True
        return None


def own_region(user: service.SessionUser):
    """The subscriber's own region, when they have one the tenant knows."""
    return g.tenant.region(user.region)


def enforce() -> object | None:
    """Before each request: send an expired session to the login page, keep the subscriber
    on the password page while their password is a temporary one."""
    if g.get("tenant") is None or not current_user.is_authenticated:
        if g.get("session_expired"):
            # The record stays for the owner's next login to clear: a GET writes nothing.
            forget()
            flash(_l("Your session has expired. Please log in again."), "info")
            return redirect(url_for("auth.login"))
        return None
    # What the cabinet shows (contacts, tariffs, dates) follows the subscriber's own region,
    # even on a host of another region, e.g. a session older than that rule.
    g.region = own_region(current_user) or g.region
    acting.bind("subscriber", current_user.subscriber_id, current_user.name)
    if current_user.must_change_password and request.endpoint not in OPEN_WITH_TEMPORARY_PASSWORD:
        return redirect(url_for("auth.change_password"))
    return None


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to open this page.")
    login_manager.login_message_category = "info"
    app.before_request(enforce)
