"""The console's requests: the list, a request's thread with its files, answering it and
moving it to another status."""

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

import app.help.service as help_service
from app.core import audit, subscribers, uploads
from app.extensions import db
from app.tenancy.locale import current_locale

from . import bp, helpdesk
from .access import may, requires
from .helpdesk_forms import STATUS_NAMES, AnswerForm, FilterForm, StatusForm
from .home_routes import section
from .roles import Permission

section(
    "staff.help_requests",
    _l("Requests"),
    _l("Subscribers' requests and their threads: answer them, move them on."),
    Permission.REQUESTS,
)


@bp.url_value_preprocessor
def _body_limit(endpoint, values):
    # As on the subscriber's reply: room for the files any tenant allows, read before CSRF.
    if endpoint == "staff.help_reply":
        tenants = current_app.extensions["tenancy"].tenants.values()
        request.max_content_length = help_service.largest_body(tenants)


def target(filed) -> str:
    """How the audit trail names a request."""
    return f"request:{filed.label}"


def subjects() -> list[tuple[str, str]]:
    """The tenant's subjects of requests in the page's language."""
    return help_service.subject_choices(g.tenant, current_locale(), _("Callback request"))


def _request(number: int):
    filed = help_service.request_by_number(g.tenant, number)
    if filed is None:
        abort(404)
    return filed


@bp.route("/requests")
@requires(Permission.REQUESTS)
def help_requests():
    offered = subjects()
    form = FilterForm(request.args, subjects=offered)
    page = help_service.requests_page(
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
        subjects=dict(offered),
        status_names=STATUS_NAMES,
    )


def _thread_page(filed, answer=None, status: int = 200):
    names = dict(subjects())
    subscriber, accounts = None, []
    if filed.subscriber_id is not None:
        subscriber = subscribers.subscriber_of(g.tenant, filed.subscriber_id)
        accounts = [a.number for a in subscribers.accounts_of(g.tenant, filed.subscriber_id)]
    return render_template(
        "staff/help/request.html",
        filed=filed,
        subscriber=subscriber,
        accounts=accounts,
        subject_name=names.get(filed.subject, filed.subject),
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

    root = uploads.uploads_root(current_app)
    message = help_service.staff_reply(
        g.tenant, number, form.text.data, g.staff.name, root, files=form.uploads
    )
    audit.record(
        g.tenant.slug,
        "help.answered",
        subscriber_id=filed.subscriber_id,
        target=target(filed),
        before={"status": before},
        after={"status": filed.status, "message": message.id, "files": len(form.uploads)},
    )
    paths = help_service.stored_files(message)
    try:
        db.session.commit()  # now, so the files can be removed if the rows did not land
    except Exception:
        db.session.rollback()
        help_service.discard_files(root, paths)
        raise
    flash(_("The answer is sent to the subscriber."), "info")
    return redirect(url_for("staff.help_request", number=number), 303)


@bp.route("/requests/<int:number>/status", methods=["POST"])
@requires(Permission.REQUESTS)
def help_status(number: int):
    filed = _request(number)
    form = StatusForm()
    if filed.kind == help_service.RequestKind.VISIT:
        # A visit holds a place in a slot: it ends by being done or cancelled, which frees
        # or keeps the place as it should, never by a bare status.
        flash(_("A visit is marked done or cancelled on its own page."), "error")
        return redirect(url_for("staff.help_visit", number=number), 303)
    if not form.validate_on_submit():
        return redirect(url_for("staff.help_request", number=number), 303)
    before = filed.status
    try:
        help_service.set_status(g.tenant, number, help_service.RequestStatus(form.status.data))
    except help_service.Refused:
        flash(_("The request already has this status."), "info")
    else:
        audit.record(
            g.tenant.slug,
            "help.status_changed",
            subscriber_id=filed.subscriber_id,
            target=target(filed),
            before={"status": before},
            after={"status": form.status.data},
        )
        flash(_("The status is changed."), "info")
    return redirect(url_for("staff.help_request", number=number), 303)


@bp.route("/requests/files/<int:attachment_id>")
@requires(Permission.REQUESTS)
def help_file(attachment_id: int):
    """A file of one of the tenant's requests, as a download; another ISP's is 404."""
    found = help_service.attachment_of_tenant(g.tenant, attachment_id)
    response = found and uploads.download(uploads.uploads_root(current_app), found)
    if response is None:
        abort(404)
    return response
