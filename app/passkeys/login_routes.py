"""Logging in with a passkey: options, then the browser's assertion, then a session."""

import math

from flask import g, request, session, url_for
from flask_babel import gettext as _

import app.auth.service as auth
from app.extensions import db
from app.web import login_session
from app.web.ceremony import answer, json_body, options_answer, relying_party
from app.web.redirects import same_site_path

from . import bp, challenges, limits, service

LOGIN_HANDLE = "passkey_login"


def _address() -> str:
    return request.remote_addr or ""


def _too_many(wait: int):
    minutes = max(1, math.ceil(wait / 60))
    return answer(
        429,
        {"Retry-After": str(wait)},
        error=_("Too many attempts. Please try again in %(minutes)s min.", minutes=minutes),
    )


def _refused(count: bool = True):
    if count:
        limits.count_failure(g.tenant, _address())
    return answer(
        400, error=_("This passkey was not accepted here. Please log in with your password.")
    )


@bp.route("/login/options", methods=["POST"])
def login_options():
    if (wait := limits.wait_seconds(g.tenant, _address())) is not None:
        return _too_many(wait)
    # Bound to this browser: the handle lives in its session, the challenge in the database.
    handle, challenge = challenges.issue(g.tenant, challenges.LOGIN)
    session[LOGIN_HANDLE] = handle
    return options_answer(service.login_options(relying_party(), challenge))


@bp.route("/login/verify", methods=["POST"])
def login_verify():
    if (wait := limits.wait_seconds(g.tenant, _address())) is not None:
        return _too_many(wait)
    body = json_body()
    credential = body.get("credential") if body else None
    if not isinstance(credential, dict):
        return _refused()
    challenge = challenges.take(g.tenant, challenges.LOGIN, session.pop(LOGIN_HANDLE, None))
    # Used up whatever the outcome, and a refusal rolls the request back: commit it now.
    db.session.commit()
    if challenge is None:
        return _refused()
    try:
        subscriber_id = service.authenticate(g.tenant, relying_party(), challenge, credential)
    except service.Refused:
        return _refused()
    user = auth.start_session(g.tenant.slug, subscriber_id)
    elsewhere = login_session.region_elsewhere(user, url_for("auth.login"))
    if elsewhere is False:
        return _refused(count=False)
    if elsewhere:
        # Nothing is begun here: the session would be of this host only. The passkey is
        # this host's too, so on their own region's host they log in with the password.
        return answer(redirect=elsewhere)
    login_session.begin(user, method="passkey")
    next_path = same_site_path(request.args.get("next"))
    return answer(redirect=next_path or url_for("account.dashboard"))
