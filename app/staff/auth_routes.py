"""Console login: the password, then the authenticator code (enrolled at the first login)."""

import segno
from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from app.core import audit
from app.tenancy.theming import text
from app.web.redirects import same_site_path

from . import access, bp, limits, service, sessions, totp
from .access import public, requires
from .forms import CodeForm, StaffLoginForm, StaffPasswordForm
from .models import StaffAccount
from .roles import Permission


def _profile() -> str:
    return current_app.config["PORTAL_ARGON2_PROFILE"]


def _next() -> str:
    return same_site_path(request.args.get("next")) or url_for("staff.home")


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if g.staff is not None:
        return redirect(url_for("staff.home"))
    form = StaffLoginForm()
    if form.validate_on_submit():
        address = request.remote_addr or ""
        limits.refuse_if_spent(g.tenant.slug, address, form.email.data)
        account = service.authenticate(
            g.tenant.slug, form.email.data, form.password.data, _profile()
        )
        if account is not None:
            access.hold_pending(account.id)
            if account.totp_secret is not None:
                return redirect(url_for("staff.code", next=request.args.get("next")))
            # Enrolment starts here, not on its page's GET: a GET changes nothing.
            totp.begin_enrolment(account)
            return redirect(url_for("staff.enrol", next=request.args.get("next")))
        limits.failed(g.tenant.slug, address, form.email.data)
        flash(_("The e-mail or password is incorrect."), "error")
    return render_template("staff/login.html", form=form)


def _pending() -> StaffAccount | None:
    account_id = access.pending_account()
    return service.account(account_id) if account_id is not None else None


def _code_checked(account: StaffAccount, form: CodeForm, check) -> bool:
    address = request.remote_addr or ""
    limits.refuse_if_spent(g.tenant.slug, address, account.email)
    if check(account.id, form.code.data):
        return True
    limits.failed(g.tenant.slug, address, account.email)
    form.code.errors = [_("The code is not right, or it was used already. Wait for the next one.")]
    return False


@bp.route("/login/code", methods=["GET", "POST"])
@public
def code():
    account = _pending()
    if account is None or account.totp_secret is None:
        return redirect(url_for("staff.login"))
    form = CodeForm()
    if form.validate_on_submit() and _code_checked(account, form, totp.check_code):
        access.begin(account.id, "totp")
        return redirect(_next())
    return render_template("staff/code.html", form=form)


def _qr(uri: str) -> Markup:
    # Inline SVG: no image URL that would carry the secret, nothing cached by a proxy.
    svg = segno.make(uri, error="m").svg_inline(scale=4, dark="#000", light="#fff")
    return Markup(svg)  # nosec B704 # segno writes the markup from our own otpauth URI


@bp.route("/login/enrol", methods=["GET", "POST"])
@public
def enrol():
    account = _pending()
    if account is None or account.totp_pending is None:
        return redirect(url_for("staff.login"))
    form = CodeForm()
    if form.validate_on_submit() and _code_checked(account, form, totp.confirm_enrolment):
        access.begin(account.id, "totp")
        flash(_("The authenticator app is set up: from now on you log in with its codes."), "info")
        return redirect(_next())
    issuer = f"{text(g.tenant.config.name)} — {_('Staff console')}"
    uri = totp.enrolment_uri(account, issuer)
    return render_template(
        "staff/enrol.html", form=form, qr=_qr(uri), secret=account.totp_pending, uri=uri
    )


@bp.route("/logout", methods=["POST"])
@requires(Permission.VIEW)
def logout():
    access.end()
    flash(_("You have logged out of the console."), "info")
    return redirect(url_for("staff.login"))


@bp.route("/password", methods=["GET", "POST"])
@requires(Permission.VIEW)
def change_password():
    form = StaffPasswordForm()
    if form.validate_on_submit():
        account = service.account(g.staff.account_id)
        service.set_password(account, form.new.data, _profile())
        sessions.end_sessions(g.tenant.slug, account.id, keep=g.staff.session_id)
        audit.record(g.tenant.slug, "staff.password_changed", target=f"staff:{account.id}")
        flash(_("Your password is changed."), "info")
        return redirect(url_for("staff.home"))
    return render_template("staff/password.html", form=form)
