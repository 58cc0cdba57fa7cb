"""The console's callbacks and technician visits: the day's list, and one of them given to a
staff member, moved within the tenant's hours and places, done or cancelled with a reason."""

from datetime import date, timedelta

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

import app.help.service as help_service
from app.core import audit, uploads

from . import bp, helpdesk
from .access import may, requires
from .forms import ConfirmForm
from .helpdesk_forms import STATUS_NAMES, AssignForm, CancelForm, MoveForm
from .helpdesk_routes import target
from .home_routes import section
from .roles import Permission

section(
    "staff.help_visits",
    _l("Callbacks and visits"),
    _l("The day's callbacks and technician visits: assign, move, mark done, cancel."),
    Permission.QUEUES,
)


def _day() -> date:
    try:
        return date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        return help_service.today(g.tenant)


@bp.route("/visits")
@requires(Permission.QUEUES)
def help_visits():
    day = _day()
    found = help_service.day_of(g.tenant, day)
    names = {a.id: a.name for a in helpdesk.assignable(g.tenant.slug)}
    return render_template(
        "staff/help/visits.html",
        day=day,
        previous=day - timedelta(days=1),
        following=day + timedelta(days=1),
        appointments=found,
        names=names,
        status_names=STATUS_NAMES,
    )


def _appointment(number: int):
    filed = help_service.appointment(g.tenant, number)
    if filed is None:
        abort(404)
    return filed


def _visit_page(filed, cancel=None, status: int = 200):
    open_ = filed.status != help_service.RequestStatus.CLOSED
    members = helpdesk.assignable(g.tenant.slug)
    assign = AssignForm(formdata=None, members=members, staff=str(filed.assignee_id or ""))
    return render_template(
        "staff/help/visit.html",
        filed=filed,
        booked=open_ and not (filed.visit and filed.visit.place is None),
        assign=assign,
        move=MoveForm(formdata=None, times=_times(filed)),
        cancel=cancel or CancelForm(formdata=None),
        confirm=ConfirmForm(),
        assignee=helpdesk.staff_name(filed.assignee_id),
        status_names=STATUS_NAMES,
        can_act=may(Permission.QUEUES, changing=True),
    ), status


def _times(filed) -> list:
    if filed.status == help_service.RequestStatus.CLOSED:
        return []
    return help_service.times_for(g.tenant, filed)


def _where(filed) -> dict:
    if filed.kind == help_service.RequestKind.VISIT:
        return {"slot": filed.visit.slot_start.isoformat(), "place": filed.visit.place}
    return {"window": filed.callback.window_start.isoformat()}


@bp.route("/visits/<int:number>")
@requires(Permission.QUEUES)
def help_visit(number: int):
    return _visit_page(_appointment(number))


def _back(number: int):
    return redirect(url_for("staff.help_visit", number=number), 303)


@bp.route("/visits/<int:number>/assign", methods=["POST"])
@requires(Permission.QUEUES)
def help_assign(number: int):
    filed = _appointment(number)
    form = AssignForm(members=helpdesk.assignable(g.tenant.slug))
    if not form.validate_on_submit():
        flash(_("Please choose one of the staff listed."), "error")
        return _back(number)
    before = filed.assignee_id
    chosen = int(form.staff.data) if form.staff.data else None
    allowed = {m.id for m in helpdesk.assignable(g.tenant.slug)}
    try:
        help_service.assign(g.tenant, filed, chosen, allowed)
    except help_service.Refused:
        flash(_("This one is closed already."), "error")
        return _back(number)
    audit.record(
        g.tenant.slug,
        "help.assigned",
        subscriber_id=filed.subscriber_id,
        target=target(filed),
        before={"staff": before},
        after={"staff": chosen},
    )
    flash(_("The assignment is saved."), "info")
    return _back(number)


@bp.route("/visits/<int:number>/reschedule", methods=["POST"])
@requires(Permission.QUEUES)
def help_reschedule(number: int):
    filed = _appointment(number)
    form = MoveForm(times=_times(filed))
    if not form.validate_on_submit():
        flash(_("Please choose one of the times offered."), "error")
        return _back(number)
    before = _where(filed)
    try:
        help_service.reschedule(g.tenant, filed, form.when.data)
    except help_service.Full:
        flash(_("This time has just been taken by someone else. Please choose another."), "error")
        return _back(number)
    except ValueError:  # cancelled, carried out or closed meanwhile
        flash(_("This one can no longer be moved."), "error")
        return _back(number)
    audit.record(
        g.tenant.slug,
        "help.rescheduled",
        subscriber_id=filed.subscriber_id,
        target=target(filed),
        before=before,
        after=_where(filed),
    )
    flash(_("The new time is saved; the subscriber sees it in the cabinet."), "info")
    return _back(number)


@bp.route("/visits/<int:number>/done", methods=["POST"])
@requires(Permission.QUEUES)
def help_done(number: int):
    filed = _appointment(number)
    if not ConfirmForm().validate_on_submit():
        return _back(number)
    before = filed.status
    try:
        help_service.mark_done(g.tenant, filed)
    except help_service.Refused:
        flash(_("This one is closed already."), "error")
        return _back(number)
    audit.record(
        g.tenant.slug,
        "help.done",
        subscriber_id=filed.subscriber_id,
        target=target(filed),
        before={"status": before},
        after={"status": filed.status},
    )
    flash(_("Marked as done."), "info")
    return _back(number)


@bp.route("/visits/<int:number>/cancel", methods=["POST"])
@requires(Permission.QUEUES)
def help_cancel(number: int):
    filed = _appointment(number)
    form = CancelForm()
    if filed.status == help_service.RequestStatus.CLOSED:
        flash(_("This one is closed already."), "error")
        return _back(number)
    if not form.validate_on_submit():
        return _visit_page(filed, form, 422)
    before = {"status": filed.status, **_where(filed)}
    try:
        help_service.cancel(
            g.tenant, filed, form.reason.data, g.staff.name, uploads.uploads_root(current_app)
        )
    except help_service.Refused:
        flash(_("This one is closed already."), "error")
        return _back(number)
    audit.record(
        g.tenant.slug,
        "help.cancelled",
        subscriber_id=filed.subscriber_id,
        target=target(filed),
        before=before,
        after={"status": filed.status, "reason": filed.cancel_reason},
    )
    flash(_("Cancelled; the subscriber reads the reason in the request."), "info")
    return _back(number)
