"""Technician visit pages: asking for one in a free slot, moving or cancelling it."""

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.tenancy.locale import current_locale

from . import SECTION, bp, limits, visits
from .forms import ActionForm
from .visit_forms import SlotForm, VisitForm

TAKEN = _l("This time has just been taken by someone else. Please choose another.")


def _region(points):
    # A subscriber's points share the subscriber's region: one schedule for the form.
    return visits.region_of_point(g.tenant, points[0]) if points else None


@bp.route("/visits/new", methods=["GET", "POST"])
@login_required
def visit_new():
    """Call a technician to one of the subscriber's addresses."""
    if not visits.enabled(g.tenant):
        abort(404)
    points = visits.points_of(g.tenant, current_user.subscriber_id)
    slots = visits.free_slots(g.tenant, _region(points))
    form = VisitForm(tenant=g.tenant, points=points, locale=current_locale(), slots=slots)
    status = 200
    if points and form.validate_on_submit():
        who = current_user.subscriber_id
        wait = limits.wait_minutes(g.tenant, "visit", who)
        if wait is not None:
            form.when.errors = [_too_many(wait)]
            status = 429
        else:
            try:
                filed = visits.book(
                    g.tenant, who, form.reason.data, int(form.point.data), form.when.data
                )
            except visits.Full:
                form.when.errors = [str(TAKEN)]
                status = 409
            else:
                limits.spend(g.tenant, "visit", who)
                flash(_("The technician is booked: request %(number)s.", number=filed.label))
                return redirect(url_for("help.detail", number=filed.number), 303)
    page = render_template("help/visit_new.html", form=form, points=points, section=SECTION)
    return page, status


def _too_many(minutes: int) -> str:
    return _(
        "You have asked for many visits. Please try again in %(minutes)s min.", minutes=minutes
    )


def visit_context(found) -> dict:
    """What the request page shows of a visit: whether it may change, and the slot form."""
    visit = found.visit
    if visit is None:
        return {}
    changeable = visits.changeable(g.tenant, visit)
    region = g.tenant.region(visit.region or None)
    slots = visits.free_slots(g.tenant, region) if changeable else []
    return {"visit_changeable": changeable, "slot_form": SlotForm(slots=slots, formdata=None)}


def _own_visit(number: int):
    if not visits.enabled(g.tenant):
        abort(404)
    visit = visits.visit_of(g.tenant, current_user.subscriber_id, number)
    if visit is None:
        abort(404)
    return visit


@bp.route("/requests/<int:number>/reschedule", methods=["POST"])
@login_required
def visit_reschedule(number: int):
    visit = _own_visit(number)
    region = g.tenant.region(visit.region or None)
    form = SlotForm(slots=visits.free_slots(g.tenant, region))
    if not form.validate_on_submit():
        flash(_("Please choose one of the times offered."), "error")
        return redirect(url_for("help.detail", number=number), 303)
    try:
        visits.reschedule(g.tenant, current_user.subscriber_id, number, form.when.data)
    except visits.TooLate:
        flash(_("It is too late to change this visit. Please call us."), "error")
    except visits.Full:
        flash(str(TAKEN), "error")
    else:
        flash(_("The visit has been moved."), "info")
    return redirect(url_for("help.detail", number=number), 303)


@bp.route("/requests/<int:number>/cancel-visit", methods=["POST"])
@login_required
def visit_cancel(number: int):
    _own_visit(number)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        visits.cancel(g.tenant, current_user.subscriber_id, number)
    except visits.TooLate:
        flash(_("It is too late to change this visit. Please call us."), "error")
    else:
        flash(_("The visit has been cancelled."), "info")
    return redirect(url_for("help.detail", number=number), 303)
