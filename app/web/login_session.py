"""The login session of this browser: begun after a proof of identity, ended at logout.

Login (auth) and recovery (after a reset) both begin one. Each is a record of its own
(app.core.devices): logging out here leaves the subscriber's other devices logged in. The
session rules that watch it (tenant binding, timeouts) are auth's.
"""

from dataclasses import replace

from flask import g, request, session
from flask_login import current_user, login_user, logout_user

from app.core import audit, devices
from app.core.signals import logged_in
from app.tenancy.resolve import region_url

from . import acting

# The recovery challenge this browser is proving (recovery's pages, and a temporary
# password typed at login).
RESET_KEY = "recovery"


def hold_reset(handle: str, flow: str, temporary: bool = False) -> None:
    """Remember which recovery challenge this browser works on; temporary: it came from a
    temporary password at login, so the cabinet sends it on to setting a new password."""
    session[RESET_KEY] = {"handle": handle, "flow": flow, "temporary": temporary}


def region_elsewhere(user, path: str) -> str | bool | None:
    """Where a subscriber of another region's host logs in: `path` on their region's host,
    built from the tenant's configuration (False: no host serves it). None: here is right.

    Asked only after the subscriber proved who they are, so it tells no more than a login
    would. A region picked in the login form is simply replaced by the subscriber's own.
    """
    own = g.tenant.region(user.region)
    here = g.site.region
    if own is None or here is None or here.code == own.code:
        return None
    return region_url(g.tenant, own, path) or False


def begin(user, picked: str | None = None, method: str = "password", began_at=None) -> None:
    """Start a brand-new session for a subscriber who just proved who they are (method:
    how, e.g. "password"), with a fresh token: a cookie copied before it opens nothing.

    The session's region is the subscriber's own (user.region, when the tenant knows it);
    only a subscriber without one keeps the region picked at login (or this browser's).
    began_at: when the login it continues began (see switch).
    Nothing else of the old session survives unless a feature hearing `logged_in` puts it
    back (the chat keeps the conversation this browser started).
    """
    own = g.tenant.region(user.region)
    region = own.code if own else picked or session.get("region")
    record, token = devices.open_session(
        user.tenant,
        user.subscriber_id,
        request.headers.get("User-Agent"),
        request.remote_addr,
        method,
        began_at,
    )
    before = dict(session)
    session.clear()
    if region:
        session["region"] = region
    login_user(replace(user, session_id=record.id, token=token))
    # The request began as a visitor: from here on the subscriber acts.
    acting.bind("subscriber", user.subscriber_id, user.name)
    audit.record(
        user.tenant,
        "login.switched" if method == devices.SWITCH else "login.succeeded",
        subscriber_id=user.subscriber_id,
        after={"method": method},
    )
    logged_in.send(g.tenant, subscriber_id=user.subscriber_id, before=before)


def switch(user) -> None:
    """Replace this browser's session by one of a linked cabinet (user): the old session
    ends, the new one is a switch, not a login, so it proves no password and lives no
    longer than the login it came from."""
    began_at = current_user.began_at
    end()
    begin(user, method=devices.SWITCH, began_at=began_at)


def end() -> None:
    """End this browser's session, on the server too; the subscriber's others stay."""
    if current_user.is_authenticated and current_user.session_id is not None:
        devices.end_session(current_user.tenant, current_user.session_id)
    forget()


def forget() -> None:
    """Forget the session in this browser only (its record is gone or past its limits)."""
    logout_user()
    session.clear()
