"""Staff accounts of the tenant: add one, change a role, take access away, reset a login."""

from flask import abort, current_app, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.core import audit

from . import bp, service
from .access import requires
from .forms import ConfirmForm, NewStaffForm, RoleForm
from .home_routes import section
from .models import StaffAccount
from .roles import ROLE_NAMES, Permission, Role

section(
    "staff.team", _l("Staff"), _l("Staff accounts of this ISP and their roles."), Permission.STAFF
)


def _profile() -> str:
    return current_app.config["PORTAL_ARGON2_PROFILE"]


def _member(account_id: int) -> tuple[StaffAccount, object]:
    """A staff account with a role in this tenant, or 404 (another ISP's staff is not here)."""
    grant = service.grant_of(account_id, g.tenant.slug)
    if grant is None:
        abort(404)
    return service.account(account_id), grant


def _not_self(account_id: int) -> None:
    # Nobody takes their own access away or resets their own login: another administrator must.
    if account_id == g.staff.account_id:
        abort(403)


def _team_page(new: NewStaffForm, status: int = 200):
    page = render_template(
        "staff/team.html",
        members=service.staff_of(g.tenant.slug),
        role_names=ROLE_NAMES,
        roles=RoleForm(),
        new=new,
        confirm=ConfirmForm(),
    )
    return page, status


@bp.route("/team")
@requires(Permission.STAFF)
def team():
    return _team_page(NewStaffForm())


@bp.route("/team", methods=["POST"])
@requires(Permission.STAFF)
def add_member():
    form = NewStaffForm()
    if not form.validate_on_submit():
        return _team_page(form, 422)
    account = service.account_by_email(form.email.data)
    password = None
    if account is None:
        account, password = service.create_account(form.email.data, form.name.data, _profile())
    elif service.grant_of(account.id, g.tenant.slug) is not None:
        form.email.errors = [_("This person already works in this ISP's console.")]
        return _team_page(form, 422)
    service.grant(account, g.tenant.slug, Role(form.role.data))
    audit.record(
        g.tenant.slug,
        "staff.added",
        target=f"staff:{account.id}",
        after={"email": account.email, "name": account.name, "role": form.role.data},
    )
    return render_template("staff/issued.html", member=account, password=password)


@bp.route("/team/<int:account_id>/role", methods=["POST"])
@requires(Permission.STAFF)
def change_role(account_id: int):
    _not_self(account_id)
    account, grant = _member(account_id)
    form = RoleForm()
    if form.validate_on_submit():
        before = grant.role
        service.grant(account, g.tenant.slug, Role(form.role.data))
        audit.record(
            g.tenant.slug,
            "staff.role_changed",
            target=f"staff:{account.id}",
            before={"role": before},
            after={"role": form.role.data},
        )
        flash(_("The role of %(name)s is changed.", name=account.name), "info")
    return redirect(url_for("staff.team"))


@bp.route("/team/<int:account_id>/remove", methods=["POST"])
@requires(Permission.STAFF)
def remove_member(account_id: int):
    _not_self(account_id)
    account, grant = _member(account_id)
    if ConfirmForm().validate_on_submit():
        service.revoke(account.id, g.tenant.slug)
        audit.record(
            g.tenant.slug,
            "staff.removed",
            target=f"staff:{account.id}",
            before={"email": account.email, "role": grant.role},
        )
        flash(_("%(name)s no longer has access to this console.", name=account.name), "info")
    return redirect(url_for("staff.team"))


@bp.route("/team/<int:account_id>/reset", methods=["POST"])
@requires(Permission.STAFF)
def reset_member(account_id: int):
    _not_self(account_id)
    account, _grant = _member(account_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("staff.team"))
    if len(service.tenants_of(account.id)) > 1:
        # Their login opens other ISPs' consoles too: those ISPs' administrators would be
        # locked out of a decision that is also theirs.
        refusal = _("%(name)s works for other ISPs too: ask the platform operator.")
        flash(refusal % {"name": account.name}, "error")
        return redirect(url_for("staff.team"))
    password = service.reset_login(account, _profile())
    audit.record(g.tenant.slug, "staff.login_reset", target=f"staff:{account.id}")
    return render_template("staff/issued.html", member=account, password=password)
