"""The passkeys page and the registration ceremony (JSON for passkeys.js)."""

import re
from datetime import timedelta

from flask import (
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

import app.auth.service as auth
import app.notify.service as notify
from app.core.subscribers import accounts_of, subscriber_of
from app.extensions import db
from app.persistence import utcnow
from app.web.ceremony import answer, json_body, options_answer, relying_party
from app.web.redirects import same_site_path

from . import bp, challenges, service
from .forms import PasswordConfirmForm

REGISTER_HANDLE = "passkey_register"
CONFIRMED = "passkey_password_confirmed"
# A passkey opens the account without the password: adding one needs the password proved
# this recently (by the login itself or by typing it again), so a stolen session cookie
# alone cannot plant a lasting way in.
PROOF_LASTS = timedelta(minutes=10)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _why_not_add() -> str | None:
    """Why this subscriber may not add or remove passkeys now; None when they may."""
    if current_user.must_change_password:
        return _("Please choose your own password first; then you can add a passkey.")
    if current_user.shared_demo:
        return _("Passkeys cannot be added to or removed from the shared demo account.")
    return None


def password_proved_recently() -> bool:
    """Whether this session proved the password (or a passkey) in the last PROOF_LASTS."""
    since = utcnow() - PROOF_LASTS
    signed_in = current_user.signed_in_at
    if signed_in is not None and signed_in >= since:
        return True
    # Bound to this very session: a proof does not outlive a logout and a new login.
    proof = session.get(CONFIRMED)
    if not isinstance(proof, list) or len(proof) != 2 or proof[0] != current_user.session_id:
        return False
    return isinstance(proof[1], int | float) and proof[1] >= since.timestamp()


def passkey_section() -> dict | None:
    """What passkeys/section.html shows: the subscriber's passkeys and whether they may add."""
    if not current_user.is_authenticated or g.get("tenant") is None:
        return None
    passkeys = service.passkeys_of(g.tenant, current_user.subscriber_id)
    return {
        "passkeys": passkeys,
        "why_not": _why_not_add(),
        "confirm": None if password_proved_recently() else PasswordConfirmForm(),
        "back": request.path,
    }


@bp.route("/")
@login_required
def index():
    return render_template("passkeys/index.html")


NEEDS_PROOF = _l("For your safety, type your password again before adding a passkey.")


@bp.route("/confirm", methods=["POST"])
@login_required
def confirm_password():
    back = same_site_path(request.form.get("next")) or url_for("passkeys.index")
    form = PasswordConfirmForm()
    if not form.validate_on_submit():
        flash(_("Type your password."), "error")
        return redirect(back)
    if not auth.check_password(
        g.tenant,
        current_user.subscriber_id,
        form.password.data,
        current_app.config["PORTAL_ARGON2_PROFILE"],
    ):
        flash(_("The password is incorrect."), "error")
        return redirect(back)
    session[CONFIRMED] = [current_user.session_id, utcnow().timestamp()]
    flash(_("Thank you. You can add a passkey in the next 10 minutes."), "info")
    return redirect(back)


@bp.route("/register/options", methods=["POST"])
@login_required
def register_options():
    if (why := _why_not_add()) is not None:
        return answer(403, error=why)
    if not password_proved_recently():
        return answer(403, error=str(NEEDS_PROOF))
    accounts = accounts_of(g.tenant, current_user.subscriber_id)
    handle, challenge = challenges.issue(g.tenant, challenges.REGISTER, current_user.subscriber_id)
    session[REGISTER_HANDLE] = handle
    user_name = accounts[0].number if accounts else current_user.name
    return options_answer(
        service.registration_options(
            g.tenant,
            current_user.subscriber_id,
            relying_party(),
            challenge,
            user_name,
            current_user.name,
        )
    )


def _passkey_name(body: dict) -> str | bool | None:
    """The name typed for the new passkey (None: none typed; False: not a usable name)."""
    name = body.get("name")
    if name is None or (isinstance(name, str) and not name.strip()):
        return None
    if not isinstance(name, str) or len(name) > service.NAME_LENGTH or _CONTROL.search(name):
        return False
    return name.strip()


@bp.route("/register/verify", methods=["POST"])
@login_required
def register_verify():
    if (why := _why_not_add()) is not None:
        return answer(403, error=why)
    if not password_proved_recently():
        return answer(403, error=str(NEEDS_PROOF))
    body = json_body()
    if body is None or not isinstance(body.get("credential"), dict):
        return answer(400, error=_("The passkey could not be added. Please try again."))
    name = _passkey_name(body)
    if name is False:
        return answer(
            400, error=_("The name may be up to %(count)s characters.", count=service.NAME_LENGTH)
        )
    challenge = challenges.take(
        g.tenant,
        challenges.REGISTER,
        session.pop(REGISTER_HANDLE, None),
        current_user.subscriber_id,
    )
    # The challenge is used up even when the answer is refused below, and a refusal rolls
    # the request back: commit its removal now.
    db.session.commit()
    if challenge is None:
        return answer(400, error=_("The passkey could not be added. Please try again."))
    try:
        service.register(
            g.tenant,
            current_user.subscriber_id,
            relying_party(),
            challenge,
            body["credential"],
            name,
        )
    except service.Refused:
        return answer(400, error=_("The passkey could not be added. Please try again."))
    _tell_owner_passkey_added()
    flash(_("The passkey has been added. You can now log in with it on this site."), "info")
    back = same_site_path(body.get("next") if isinstance(body.get("next"), str) else None)
    return answer(redirect=back or url_for("passkeys.index"))


def _tell_owner_passkey_added() -> None:
    subscriber = subscriber_of(g.tenant, current_user.subscriber_id)
    if subscriber is None:
        return
    if subscriber.email:
        notify.send_passkey_added(g.tenant, "email", subscriber.email)
    elif subscriber.phone:
        notify.send_passkey_added(g.tenant, "sms", subscriber.phone)


@bp.route("/<int:passkey_id>/remove", methods=["POST"])
@login_required
def remove(passkey_id: int):
    back = same_site_path(request.form.get("next")) or url_for("passkeys.index")
    if (why := _why_not_add()) is not None:
        flash(why, "error")
        return redirect(back)
    if not service.remove(g.tenant, current_user.subscriber_id, passkey_id):
        abort(404)
    flash(_("The passkey has been removed."), "info")
    return redirect(back)
