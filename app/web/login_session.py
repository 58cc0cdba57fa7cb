"""The login session of this browser: begun after a proof of identity, ended at logout.

Login (auth) and recovery (after a reset) both begin one; the session rules that watch it
(tenant binding, timeouts) are auth's.
"""

import time

from flask import g, session
from flask_login import login_user, logout_user

# The recovery challenge this browser is proving (recovery's pages, and a temporary
# password typed at login).
RESET_KEY = "recovery"


def hold_reset(handle: str, flow: str, temporary: bool = False) -> None:
    """Remember which recovery challenge this browser works on; temporary: it came from a
    temporary password at login, so the cabinet sends it on to setting a new password."""
    session[RESET_KEY] = {"handle": handle, "flow": flow, "temporary": temporary}


def begin(user, picked: str | None = None) -> None:
    """Start a brand-new session for a subscriber who just proved who they are.

    The session's region is the subscriber's own (user.region, when the tenant knows it);
    only a subscriber without one keeps the region picked at login (or this browser's).
    """
    own = g.tenant.region(user.region)
    region = own.code if own else picked or session.get("region")
    session.clear()
    now = int(time.time())
    session["tenant"] = user.tenant
    session["auth_at"] = session["seen_at"] = now
    if region:
        session["region"] = region
    login_user(user)


def end() -> None:
    """Forget the session in this browser."""
    logout_user()
    session.clear()
