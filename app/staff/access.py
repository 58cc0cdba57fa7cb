"""Who is at the console in this browser, and what every console page requires.

Every view of the blueprint declares a permission with @requires, or @public for the
login steps; a console URL that declares neither answers 403, so a page added without a
rule is closed rather than open. GET pages are reads, other methods are changes: an auditor
reads every page and changes nothing (roles.allows).
"""

import time
from collections.abc import Callable

from flask import abort, current_app, g, redirect, request, session, url_for
from flask_login import logout_user

from app.core import audit
from app.web import acting

from . import bp, service, sessions
from .roles import Permission, allows

SESSION_KEY = "staff"
# After the password, before the second factor: which account, and until when.
PENDING_KEY = "staff_pending"
PENDING_SECONDS = 300

# endpoint -> the permission it needs; None for the login steps.
RULES: dict[str, Permission | None] = {}
# Pages a staff member with a temporary password may still open.
OPEN_WITH_TEMPORARY_PASSWORD = {"staff.change_password", "staff.logout"}


def requires(permission: Permission) -> Callable:
    """Declare the permission a console view needs (checked before it runs)."""

    def declare(view: Callable) -> Callable:
        RULES[f"{bp.name}.{view.__name__}"] = permission
        return view

    return declare


def public(view: Callable) -> Callable:
    """Declare a login step: open without a console session."""
    RULES[f"{bp.name}.{view.__name__}"] = None
    return view


def limits() -> tuple:
    config = current_app.config
    return config["PORTAL_STAFF_SESSION_IDLE"], config["PORTAL_STAFF_SESSION_ABSOLUTE"]


@bp.before_request
def _check() -> object | None:
    g.staff = sessions.load_session(g.tenant.slug, session.get(SESSION_KEY, ""), limits())
    if g.staff is not None:
        acting.bind("staff", g.staff.account_id, g.staff.name)
    if request.endpoint not in RULES:
        abort(403)
    permission = RULES[request.endpoint]
    if permission is None:
        return None
    if g.staff is None:
        session.pop(SESSION_KEY, None)
        return redirect(url_for("staff.login", next=request.full_path.rstrip("?")))
    if g.staff.must_change_password and request.endpoint not in OPEN_WITH_TEMPORARY_PASSWORD:
        return redirect(url_for("staff.change_password"))
    if not allows(g.staff.role, permission, changing=request.method not in ("GET", "HEAD")):
        abort(403)
    return None


def may(permission: Permission, changing: bool = False) -> bool:
    """Whether the staff member at the console may read (or act on) pages of this kind."""
    staff = g.get("staff")
    return staff is not None and allows(staff.role, permission, changing)


def hold_pending(account_id: int) -> None:
    """The password was right: remember the account until its second factor, briefly."""
    logout_user()  # one identity per browser: a subscriber logged in here is logged out
    session.clear()
    session[PENDING_KEY] = {
        "account": account_id,
        "tenant": g.tenant.slug,
        "until": time.time() + PENDING_SECONDS,
    }


def pending_account() -> int | None:
    """The account whose password this browser proved a moment ago on this host."""
    held = session.get(PENDING_KEY)
    if not isinstance(held, dict) or held.get("tenant") != g.tenant.slug:
        return None
    if not isinstance(held.get("until"), int | float) or held["until"] < time.time():
        return None
    account = held.get("account")
    return account if isinstance(account, int) else None


def begin(account_id: int, method: str) -> None:
    """Both factors are proved: a fresh console session for this browser."""
    token = sessions.open_session(g.tenant.slug, account_id, request.remote_addr, method, limits())
    session.clear()
    session[SESSION_KEY] = token
    account = service.account(account_id)
    acting.bind("staff", account_id, account.name)
    audit.record(
        g.tenant.slug, "staff.logged_in", target=f"staff:{account_id}", after={"by": method}
    )


def end() -> None:
    """Log this browser out of the console (its other sessions stay)."""
    if g.get("staff") is not None:
        sessions.end_session(g.tenant.slug, g.staff.session_id)
    session.clear()
