"""The «Security» page and its two actions; the session ids in its URLs are the owner's."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

import app.audit_feed.service as words
from app.core import audit

from . import bp, service

# How many changes the Security page shows, and each further page of them.
CHANGES_SHOWN = 50

# How a session was begun, as the history shows it; an unknown method shows as it is.
METHODS = {
    "password": _l("Password"),
    "reset": _l("Password recovery"),
    "passkey": _l("Passkey"),
    "switch": _l("Switched from a linked contract"),
}


def _device(row) -> str:
    """«Firefox, Windows»: what a person recognises of a session's browser."""
    known = [part for part in (row.browser, row.system) if part]
    return ", ".join(known) if known else _("Unknown device")


@bp.route("/")
@login_required
def index():
    mine = current_user.session_id
    sessions = service.sessions_of(g.tenant, current_user.subscriber_id)
    if current_user.shared_demo:
        # Every visitor of the demo shares the account: show them none of the others.
        sessions = [s for s in sessions if s.id == mine]
    sessions.sort(key=lambda s: s.id != mine)  # this device first, then the latest used
    history = (
        []
        if current_user.shared_demo
        else service.login_history(g.tenant, current_user.subscriber_id)
    )
    changes = [] if current_user.shared_demo else _changes(0)
    return render_template(
        "security/index.html",
        sessions=sessions,
        others=[s for s in sessions if s.id != mine],
        history=history,
        device=_device,
        methods=METHODS,
        changes=changes[:CHANGES_SHOWN],
        more_changes=len(changes) > CHANGES_SHOWN,
        words=words,
    )


def _changes(offset: int) -> list:
    # One more than a page: whether there is a next one.
    return audit.entries(
        g.tenant.slug, current_user.subscriber_id, offset=offset, limit=CHANGES_SHOWN + 1
    )


@bp.route("/changes")
@login_required
def changes():
    """Every change to the subscriber's own cabinet, a page of them at a time."""
    if current_user.shared_demo:
        # The shared demo's changes are every visitor's, not this one's.
        return redirect(url_for("security.index"))
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    found = _changes((page - 1) * CHANGES_SHOWN)
    return render_template(
        "security/changes.html",
        changes=found[:CHANGES_SHOWN],
        page=page,
        more=len(found) > CHANGES_SHOWN,
        words=words,
    )


@bp.route("/sessions/<int:session_id>/end", methods=["POST"])
@login_required
def end_session(session_id: int):
    if not service.end_other_session(
        g.tenant, current_user.subscriber_id, session_id, current_user.session_id
    ):
        abort(404)
    flash(_("The session has been ended: that device is logged out."), "info")
    return redirect(url_for("security.index"), 303)


@bp.route("/sessions/end-others", methods=["POST"])
@login_required
def end_others():
    ended = service.end_other_sessions(
        g.tenant, current_user.subscriber_id, current_user.session_id
    )
    if ended:
        flash(_("You have been logged out on every other device."), "info")
    else:
        flash(_("You are not logged in on any other device."), "info")
    return redirect(url_for("security.index"), 303)
