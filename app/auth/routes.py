"""Login, logout and password change pages."""

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

import app.recovery.service as recovery
from app.core import audit
from app.tenancy.registry import Tenant
from app.tenancy.theming import text
from app.web import login_session
from app.web.redirects import same_site_path

from . import bp, limits, service
from .forms import CaptchaLoginForm, ChangePasswordForm, LoginForm


def _argon2_profile() -> str:
    return current_app.config["PORTAL_ARGON2_PROFILE"]


def _authenticate(tenant: Tenant, typed: str, password: str, profile: str) -> int | None:
    """service.authenticate within the login limits of this client's address and account."""
    return limits.authenticate(tenant, request.remote_addr or "", typed, password, profile)


def _login_form() -> LoginForm:
    """The login form; with a picture code after many failures from this address, and a 429
    for a POST once they are too many."""
    tenant = g.tenant
    address = limits.address_state(tenant, request.remote_addr or "")
    if request.method == "POST":
        limits.refuse_if_spent(address)
    form = CaptchaLoginForm() if address.captcha else LoginForm()
    form.login.label.text = text(tenant.config.login.field_label)
    if tenant.config.login.choose_region:
        form.region.choices = [SelectChoice(r.code, text(r.name)) for r in tenant.config.regions]
        if g.region and request.method == "GET":
            form.region.data = g.region.code
    else:
        del form.region
    return form


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("account.dashboard"))
    form = _login_form()
    if form.validate_on_submit():
        subscriber_id = _authenticate(
            g.tenant, form.login.data, form.password.data, _argon2_profile()
        )
        if subscriber_id is not None:
            user = service.start_session(g.tenant.slug, subscriber_id)
            elsewhere = login_session.region_elsewhere(user, request.full_path.rstrip("?"))
            if elsewhere:
                return redirect(elsewhere, 303)
            if elsewhere is None:
                login_session.begin(
                    user, form.region.data if "region" in form else None, "password"
                )
                target = same_site_path(request.args.get("next")) or url_for("account.dashboard")
                return redirect(target)
        elif temporary := recovery.redeem_temporary(g.tenant, form.login.data, form.password.data):
            # A temporary password (already counted as a failed try above) logs no one in:
            # it opens the page that sets a new password, and nothing else.
            login_session.hold_reset(*temporary, temporary=True)
            return redirect(url_for("recovery.new_password"))
        else:
            service.record_failed_login(
                g.tenant, form.login.data, request.headers.get("User-Agent"), request.remote_addr
            )
        flash(_("The login or password is incorrect."), "error")
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    audit.record(g.tenant.slug, "logout", subscriber_id=current_user.subscriber_id)
    login_session.end()
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    if current_user.shared_demo:
        if request.method == "POST":
            service.refuse_if_shared_demo(g.tenant, current_user.subscriber_id)
        return render_template("auth/change_password.html", form=None)
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not service.check_password(
            g.tenant, current_user.subscriber_id, form.current.data, _argon2_profile()
        ):
            form.current.errors.append(_("The current password is incorrect."))
        else:
            first = current_user.must_change_password
            service.set_password(
                g.tenant,
                current_user.subscriber_id,
                form.new.data,
                _argon2_profile(),
                keep_session=current_user.session_id,
            )
            flash(_("Your password has been changed. Other devices have been logged out."), "info")
            if first and g.tenant.config.profile.login_change.at_first_login:
                return redirect(url_for("profile.first_login"))
            return redirect(url_for("account.dashboard"))
    return render_template("auth/change_password.html", form=form)


@bp.app_errorhandler(service.SharedDemoRefused)
def shared_demo_refused(exc: service.SharedDemoRefused):
    """What a visitor of the shared demo account sees when a change is refused."""
    title = _("Not available in the demo")
    page = render_template("errors/branded.html", status=403, title=title, message=exc.description)
    return page, 403
