"""«My contracts» and its actions; every subscriber id in a URL is checked against the
current cabinet's group on the server, whatever the page showed."""

from flask import abort, current_app, flash, g, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

import app.auth.service as auth_service
from app.core.verification import Outcome
from app.extensions import db
from app.tenancy.schema import LinkProof
from app.web import login_session

from . import bp, limits, offered, service
from .forms import LinkByCodeForm, LinkByPasswordForm, LinkCodeForm

CODE_KEY = "cabinets_link_code"
CODE_ERRORS = {
    Outcome.WRONG: lambda: _("The code is incorrect. Check the message and try again."),
    Outcome.EXPIRED: lambda: _("The code has expired. Please request a new one."),
    Outcome.LOCKED: lambda: _("Too many wrong codes. Please request a new one."),
    Outcome.GONE: lambda: _("This code is no longer valid. Use the newest code or request one."),
}


@bp.before_request
def _only_where_offered():
    if g.get("tenant") is None or not offered(g.tenant):
        abort(404)


def linked_cabinets() -> list:
    """The current subscriber's group for the header (cabinets/_switch.html); loaded only
    for a subscriber the session says is linked, once per request."""
    if not current_user.is_authenticated or not current_user.linked:
        return []
    if "linked_cabinets" not in g:
        g.linked_cabinets = service.cabinets(g.tenant, current_user.subscriber_id)
    return g.linked_cabinets


def _proofs() -> tuple[LinkProof, ...]:
    return g.tenant.config.profile.linked_cabinets.proofs


def _page(status: int = 200, password_form=None, code_form=None):
    proofs = _proofs()
    me = current_user.subscriber_id
    return render_template(
        "cabinets/index.html",
        cabinets=service.cabinets(g.tenant, me),
        full=service.full(g.tenant, me),
        password_form=(password_form or LinkByPasswordForm(prefix="password"))
        if LinkProof.PASSWORD in proofs
        else None,
        code_form=(code_form or LinkByCodeForm(prefix="code"))
        if LinkProof.CODE in proofs
        else None,
    ), status


def _too_many(minutes: int, **forms):
    flash(_("Too many attempts. Please try again in %(minutes)s min.", minutes=minutes), "error")
    return _page(status=429, **forms)


def _linked(other_id: int, proof: str):
    why = service.link(g.tenant, current_user.subscriber_id, other_id, proof)
    if why is not None:
        flash(str(service.REFUSALS[why]), "error")
        return redirect(url_for("cabinets.index"), 303)
    flash(_("The contract is linked. Switch to it from the header or from this page."), "info")
    return redirect(url_for("cabinets.index"), 303)


@bp.route("/")
@login_required
def index():
    return _page()


@bp.route("/link", methods=["POST"])
@login_required
def link_by_password():
    auth_service.refuse_if_shared_demo(g.tenant, current_user.subscriber_id)
    if LinkProof.PASSWORD not in _proofs():
        abort(404)
    form = LinkByPasswordForm(prefix="password")
    if not form.validate_on_submit():
        return _page(status=422, password_form=form)
    me = current_user.subscriber_id
    other_id = service.named(g.tenant, form.login.data)
    named = limits.named_key(other_id, form.login.data)
    if (wait := limits.wait_minutes(g.tenant, me, named)) is not None:
        return _too_many(wait, password_form=form)
    profile = current_app.config["PORTAL_ARGON2_PROFILE"]
    if not service.password_matches(g.tenant, other_id, form.password.data, profile):
        limits.spend(g.tenant, me, named)
        # One message for a login that names nobody and for a wrong password: which of
        # the two was wrong, and whether that contract exists, is not for this page to tell.
        form.password.errors.append(_("The login or password of that contract is incorrect."))
        return _page(status=422, password_form=form)
    return _linked(other_id, "password")


@bp.route("/code", methods=["POST"])
@login_required
def send_code():
    auth_service.refuse_if_shared_demo(g.tenant, current_user.subscriber_id)
    if LinkProof.CODE not in _proofs():
        abort(404)
    form = LinkByCodeForm(prefix="code")
    if not form.validate_on_submit():
        return _page(status=422, code_form=form)
    me = current_user.subscriber_id
    other_id = service.named(g.tenant, form.login.data)
    named = limits.named_key(other_id, form.login.data)
    if (wait := limits.wait_minutes(g.tenant, me, named)) is not None:
        return _too_many(wait, code_form=form)
    if other_id is not None and (why := service.refusal(g.tenant, me, other_id)) in {
        service.Refusal.SELF,
        service.Refusal.ALREADY,
        service.Refusal.SHARED_DEMO,
    }:
        # Nothing a code would prove: the subscriber knows their own contracts, and the
        # shared demo account is public.
        form.login.errors.append(str(service.REFUSALS[why]))
        return _page(status=422, code_form=form)
    limits.spend(g.tenant, me, named)
    session[CODE_KEY] = service.send_code(g.tenant, me, other_id)
    return redirect(url_for("cabinets.enter_code"), 303)


@bp.route("/code", methods=["GET"])
@login_required
def enter_code():
    if not session.get(CODE_KEY):
        return redirect(url_for("cabinets.index"))
    return render_template("cabinets/code.html", form=LinkCodeForm(), error=None)


@bp.route("/code/confirm", methods=["POST"])
@login_required
def confirm_code():
    auth_service.refuse_if_shared_demo(g.tenant, current_user.subscriber_id)
    handle = session.get(CODE_KEY)
    if not isinstance(handle, str):
        return redirect(url_for("cabinets.index"), 303)
    form = LinkCodeForm()
    if not form.validate_on_submit():
        return render_template("cabinets/code.html", form=form, error=None), 422
    me = current_user.subscriber_id
    outcome, other_id = service.check_code(g.tenant, me, handle, form.code.data)
    if outcome != Outcome.OK:
        # A refusal rolls the request back: keep the wrong guess counted.
        db.session.commit()
        page = render_template("cabinets/code.html", form=form, error=CODE_ERRORS[outcome]())
        return page, 422
    session.pop(CODE_KEY, None)
    return _linked(other_id, "code")


def _not_linked():
    """403 for a cabinet that is not (or no longer) in the current one's group."""
    page = render_template(
        "errors/branded.html",
        status=403,
        title=_("Not a linked contract"),
        message=_("That contract is not linked with the one you are logged in to."),
    )
    return page, 403


@bp.route("/<int:subscriber_id>/switch", methods=["POST"])
@login_required
def switch(subscriber_id: int):
    # Checked now, on the server: the page that showed the button may be old, the id forged.
    if not service.may_switch(g.tenant, current_user.subscriber_id, subscriber_id):
        return _not_linked()
    login_session.switch(auth_service.start_session(g.tenant.slug, subscriber_id))
    flash(_("You are now in the personal account of another contract."), "info")
    return redirect(url_for("account.dashboard"), 303)


@bp.route("/<int:subscriber_id>/unlink", methods=["POST"])
@login_required
def unlink(subscriber_id: int):
    if not service.unlink(g.tenant, current_user.subscriber_id, subscriber_id):
        return _not_linked()
    flash(_("The contract is unlinked: switching to it needs its own login again."), "info")
    return redirect(url_for("cabinets.index"), 303)
