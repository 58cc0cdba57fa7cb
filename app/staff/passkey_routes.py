"""The staff member's passkeys: add one on this host, remove one, log in with one."""

from datetime import timedelta

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.core import audit
from app.extensions import db
from app.persistence import utcnow
from app.web.ceremony import answer, json_body, options_answer, relying_party
from app.web.redirects import same_site_path

from . import access, bp, limits, passkeys, service
from .access import public, requires
from .forms import ConfirmForm
from .roles import Permission

# A passkey replaces the code at login: adding one needs both factors proved this recently.
FRESH_LOGIN = timedelta(minutes=10)


def _fresh() -> bool:
    signed_in = g.staff.signed_in_at
    return signed_in is not None and utcnow() - signed_in <= FRESH_LOGIN


@bp.route("/passkeys")
@requires(Permission.SELF)
def passkey_list():
    return render_template(
        "staff/passkeys.html",
        passkeys=passkeys.passkeys_of(g.staff.account_id, relying_party()),
        fresh=_fresh(),
        confirm=ConfirmForm(),
    )


@bp.route("/passkeys/options", methods=["POST"])
@requires(Permission.SELF)
def passkey_options():
    if not _fresh():
        return answer(403, error=_("Log in again to add a passkey: it asks for both factors."))
    account = service.account(g.staff.account_id)
    options = passkeys.registration_options(
        account, relying_party(), current_app.config["SECRET_KEY"]
    )
    return options_answer(options)


@bp.route("/passkeys/verify", methods=["POST"])
@requires(Permission.SELF)
def passkey_verify():
    body = json_body() or {}
    credential, name = body.get("credential"), body.get("name")
    if not _fresh() or not isinstance(credential, dict):
        return answer(400, error=_("The passkey could not be added. Please try again."))
    try:
        added = passkeys.register(
            g.staff.account_id, relying_party(), credential, name if isinstance(name, str) else ""
        )
    except passkeys.Refused:
        db.session.commit()  # the ceremony is used up whatever the outcome
        return answer(400, error=_("The passkey could not be added. Please try again."))
    audit.record(
        g.tenant.slug,
        "staff.passkey_added",
        target=f"staff:{g.staff.account_id}",
        after={"passkey": added.name or added.id, "host": added.rp_id},
    )
    flash(_("The passkey is added: at login you may use it instead of the code."), "info")
    return answer(redirect=url_for("staff.passkey_list"))


@bp.route("/passkeys/<int:passkey_id>/remove", methods=["POST"])
@requires(Permission.SELF)
def passkey_remove(passkey_id: int):
    if ConfirmForm().validate_on_submit():
        removed = passkeys.remove(g.staff.account_id, passkey_id)
        if removed is None:
            abort(404)  # another's passkey is not here, as another ISP's staff is not
        audit.record(
            g.tenant.slug,
            "staff.passkey_removed",
            target=f"staff:{g.staff.account_id}",
            before={"passkey": removed.name or removed.id, "host": removed.rp_id},
        )
        flash(_("The passkey is removed."), "info")
    return redirect(url_for("staff.passkey_list"))


def _refused():
    account = service.account(access.pending_account() or 0)
    if account is not None:
        limits.failed(g.tenant.slug, request.remote_addr or "", account.email)
    return answer(400, error=_("This passkey was not accepted. Type the code from the app."))


@bp.route("/login/passkey/options", methods=["POST"])
@public
def login_passkey_options():
    account = service.account(access.pending_account() or 0)
    if account is None:
        return answer(400, error=_("Please log in with your e-mail and password first."))
    limits.refuse_if_spent(g.tenant.slug, request.remote_addr or "", account.email)
    options = passkeys.login_options(account, relying_party())
    if options is None:
        return _refused()
    return options_answer(options)


@bp.route("/login/passkey/verify", methods=["POST"])
@public
def login_passkey_verify():
    account = service.account(access.pending_account() or 0)
    if account is None:
        return answer(400, error=_("Please log in with your e-mail and password first."))
    limits.refuse_if_spent(g.tenant.slug, request.remote_addr or "", account.email)
    body = json_body() or {}
    credential = body.get("credential")
    if not isinstance(credential, dict):
        return _refused()
    try:
        passkeys.authenticate(account.id, relying_party(), credential)
    except passkeys.Refused:
        db.session.commit()  # the ceremony is used up whatever the outcome
        return _refused()
    access.begin(account.id, "passkey")
    return answer(redirect=same_site_path(request.args.get("next")) or url_for("staff.home"))
