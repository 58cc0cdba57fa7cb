"""The console's requests and their threads, and the day's callbacks and technician visits."""

from datetime import date, timedelta

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.core import audit, subscribers, uploads
from app.core.scoped import get_owned
from app.help import service as help_service
from app.help import visits
from app.help.models import HelpAttachment, RequestKind, RequestStatus
from app.help.routes import attachment_download, largest_body, saved_message
from app.tenancy.locale import current_locale

from . import bp, helpdesk
from .access import may, requires
from .forms import ConfirmForm
from .helpdesk_forms import (
    STATUS_NAMES,
    AnswerForm,
    AssignForm,
    CancelForm,
    FilterForm,
    MoveForm,
    StatusForm,
)
from .home_routes import section
from .roles import Permission

section(
    "staff.help_requests",
    _l("Requests"),
    _l("Subscribers' requests and their threads: answer them, move them on."),
    Permission.REQUESTS,
)
section(
    "staff.help_visits",
    _l("Callbacks and visits"),
    _l("The day's callbacks and technician visits: assign, move, mark done, cancel."),
    Permission.QUEUES,
)


@bp.url_value_preprocessor
def _body_limit(endpoint, values):
    # As on the subscriber's reply: room for the files any tenant allows, read before CSRF.
    if endpoint == "staff.help_reply":
        request.max_content_length = largest_body(current_app.extensions["tenancy"])


def _target(filed) -> str:
    return f"request:{filed.label}"


def _request(number: int):
    filed = helpdesk.request_by_number(g.tenant, number)
    if filed is None:
        abort(404)
    return filed


@bp.route("/requests")
@requires(Permission.REQUESTS)
def help_requests():
    subjects = helpdesk.subject_choices(g.tenant, current_locale())
    form = FilterForm(request.args, subjects=subjects)
    page = helpdesk.requests_page(
        g.tenant,
        form.chosen(form.status),
        form.chosen(form.subject),
        request.args.get("page", default=1, type=int),
    )
    query = {k: v for k, v in (("status", form.status.data), ("subject", form.subject.data)) if v}
    return render_template(
        "staff/help/requests.html",
        form=form,
        page=page,
        query=query,
        subjects=dict(subjects),
        status_names=STATUS_NAMES,
    )


def _thread_page(filed, answer=None, status: int = 200):
    subjects = dict(helpdesk.subject_choices(g.tenant, current_locale()))
    subscriber, accounts = None, []
    if filed.subscriber_id is not None:
        subscriber = subscribers.subscriber_of(g.tenant, filed.subscriber_id)
        accounts = [a.number for a in subscribers.accounts_of(g.tenant, filed.subscriber_id)]
    return render_template(
        "staff/help/request.html",
        filed=filed,
        subscriber=subscriber,
        accounts=accounts,
        subject_name=subjects.get(filed.subject, filed.subject),
        answer=answer or AnswerForm(tenant=g.tenant, formdata=None),
        status_form=StatusForm(formdata=None, status=filed.status),
        status_names=STATUS_NAMES,
        assignee=helpdesk.staff_name(filed.assignee_id),
        can_act=may(Permission.REQUESTS, changing=True),
    ), status


@bp.route("/requests/<int:number>")
@requires(Permission.REQUESTS)
def help_request(number: int):
    return _thread_page(_request(number))


@bp.route("/requests/<int:number>/reply", methods=["POST"])
@requires(Permission.REQUESTS)
def help_reply(number: int):
    filed = _request(number)
    form = AnswerForm(tenant=g.tenant)
    if not form.validate_on_submit():
        form.note_files_not_kept()
        return _thread_page(filed, form, 422)
    before = filed.status

    def answer(root):
        message = help_service.staff_reply(
            g.tenant, number, form.text.data, g.staff.name, root, files=form.uploads
        )
        audit.record(
            g.tenant.slug,
            "help.answered",
            subscriber_id=filed.subscriber_id,
            target=_target(filed),
            before={"status": before},
            after={"status": filed.status, "message": message.id, "files": len(form.uploads)},
        )
        return message

    saved_message(answer)
    flash(_("The answer is sent to the subscriber."), "info")
    return redirect(url_for("staff.help_request", number=number), 303)


@bp.route("/requests/<int:number>/status", methods=["POST"])
@requires(Permission.REQUESTS)
def help_status(number: int):
    filed = _request(number)
    form = StatusForm()
    if filed.kind == RequestKind.VISIT:
        # A visit holds a place in a slot: it ends by being done or cancelled, which frees
        # or keeps the place as it should, never by a bare status.
        flash(_("A visit is marked done or cancelled on its own page."), "error")
        return redirect(url_for("staff.help_visit", number=number), 303)
    if not form.validate_on_submit():
        return redirect(url_for("staff.help_request", number=number), 303)
    before = filed.status
    try:
        help_service.set_status(g.tenant, number, RequestStatus(form.status.data))
    except help_service.Refused:
        flash(_("The request already has this status."), "info")
    else:
        audit.record(
            g.tenant.slug,
            "help.status_changed",
            subscriber_id=filed.subscriber_id,
            target=_target(filed),
            before={"status": before},
            after={"status": form.status.data},
        )
        flash(_("The status is changed."), "info")
    return redirect(url_for("staff.help_request", number=number), 303)


@bp.route("/requests/files/<int:attachment_id>")
@requires(Permission.REQUESTS)
def help_file(attachment_id: int):
    """A file of one of the tenant's requests, as a download; another ISP's is 404."""
    return attachment_download(get_owned(HelpAttachment, g.tenant, attachment_id))


# Callbacks and technician visits.


def _day() -> date:
    try:
        return date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        return helpdesk.today(g.tenant)


@bp.route("/visits")
@requires(Permission.QUEUES)
def help_visits():
    day = _day()
    found = helpdesk.day_of(g.tenant, day)
    names = {a.id: a.name for a in helpdesk.assignable(g.tenant)}
    return render_template(
        "staff/help/visits.html",
        day=day,
        previous=day - timedelta(days=1),
        following=day + timedelta(days=1),
        appointments=found,
        names=names,
        status_names=STATUS_NAMES,
        visits_on=visits.enabled(g.tenant),
    )


def _appointment(number: int):
    filed = helpdesk.appointment(g.tenant, number)
    if filed is None:
        abort(404)
    return filed


def _visit_page(filed, cancel=None, status: int = 200):
    open_ = filed.status != RequestStatus.CLOSED
    times = helpdesk.times_for(g.tenant, filed) if open_ else []
    members = helpdesk.assignable(g.tenant)
    assign = AssignForm(formdata=None, members=members, staff=str(filed.assignee_id or ""))
    return render_template(
        "staff/help/visit.html",
        filed=filed,
        booked=open_ and not (filed.visit and filed.visit.place is None),
        assign=assign,
        move=MoveForm(formdata=None, kind=filed.kind, times=times),
        cancel=cancel or CancelForm(formdata=None),
        confirm=ConfirmForm(),
        assignee=helpdesk.staff_name(filed.assignee_id),
        status_names=STATUS_NAMES,
        can_act=may(Permission.QUEUES, changing=True),
    ), status


def _where(filed) -> dict:
    if filed.kind == RequestKind.VISIT:
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
    form = AssignForm(members=helpdesk.assignable(g.tenant))
    if not form.validate_on_submit():
        flash(_("Please choose one of the staff listed."), "error")
        return _back(number)
    before = filed.assignee_id
    chosen = int(form.staff.data) if form.staff.data else None
    try:
        helpdesk.assign(g.tenant, filed, chosen)
    except help_service.Refused:
        flash(_("This one is closed already."), "error")
        return _back(number)
    audit.record(
        g.tenant.slug,
        "help.assigned",
        subscriber_id=filed.subscriber_id,
        target=_target(filed),
        before={"staff": before},
        after={"staff": chosen},
    )
    flash(_("The assignment is saved."), "info")
    return _back(number)


@bp.route("/visits/<int:number>/reschedule", methods=["POST"])
@requires(Permission.QUEUES)
def help_reschedule(number: int):
    filed = _appointment(number)
    times = helpdesk.times_for(g.tenant, filed) if filed.status != RequestStatus.CLOSED else []
    form = MoveForm(kind=filed.kind, times=times)
    if not form.validate_on_submit():
        flash(_("Please choose one of the times offered."), "error")
        return _back(number)
    before = _where(filed)
    try:
        helpdesk.reschedule(g.tenant, filed, form.when.data)
    except visits.Full:
        flash(_("This time has just been taken by someone else. Please choose another."), "error")
        return _back(number)
    except ValueError:  # cancelled, carried out or closed meanwhile
        flash(_("This one can no longer be moved."), "error")
        return _back(number)
    audit.record(
        g.tenant.slug,
        "help.rescheduled",
        subscriber_id=filed.subscriber_id,
        target=_target(filed),
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
        helpdesk.mark_done(g.tenant, filed)
    except help_service.Refused:
        flash(_("This one is closed already."), "error")
        return _back(number)
    audit.record(
        g.tenant.slug,
        "help.done",
        subscriber_id=filed.subscriber_id,
        target=_target(filed),
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
    if filed.status == RequestStatus.CLOSED:
        flash(_("This one is closed already."), "error")
        return _back(number)
    if not form.validate_on_submit():
        return _visit_page(filed, form, 422)
    before = {"status": filed.status, **_where(filed)}
    try:
        helpdesk.cancel(
            g.tenant, filed, form.reason.data, g.staff.name, uploads.uploads_root(current_app)
        )
    except help_service.Refused:
        flash(_("This one is closed already."), "error")
        return _back(number)
    audit.record(
        g.tenant.slug,
        "help.cancelled",
        subscriber_id=filed.subscriber_id,
        target=_target(filed),
        before=before,
        after={"status": filed.status, "reason": filed.cancel_reason},
    )
    flash(_("Cancelled; the subscriber reads the reason in the request."), "info")
    return _back(number)
