"""Help pages: contacts for everyone; the subscriber's requests, one request's thread."""

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core import uploads
from app.extensions import db
from app.tenancy.locale import current_locale

from . import SECTION, bp, limits, service, unread
from .forms import ActionForm, MessageForm, RequestForm
from .models import RequestKind, RequestStatus
from .visit_routes import visit_context


@bp.url_value_preprocessor
def _body_limit(endpoint, values):
    # Before every before_request: the CSRF check reads the body first, under the global
    # MAX_CONTENT_LENGTH, and the tenant is not known yet; so the largest any tenant allows.
    if endpoint in ("help.new", "help.reply"):
        tenants = current_app.extensions["tenancy"].tenants.values()
        request.max_content_length = service.largest_body(tenants)


def _requests_on():
    if not service.enabled(g.tenant):
        abort(404)


@bp.context_processor
def _menu_counts() -> dict:
    # Only on help pages: the count costs one query, which the other pages never pay.
    if not current_user.is_authenticated or current_user.must_change_password:
        return {}
    if not service.enabled(g.get("tenant")):
        return {}
    return {"menu_counts": {"help.requests": len(_unread())}}


def _unread() -> frozenset[int]:
    # Once per page: the list's markers and the menu's count read the same answer.
    if "help_unread" not in g:
        g.help_unread = unread.unread_of(g.tenant, current_user.subscriber_id)
    return g.help_unread


@bp.route("/contacts")
def contacts():
    """How to reach the ISP: open to everyone, as it is where someone who cannot log in looks."""
    regional = []
    if g.region is None:
        regional = [r for r in g.tenant.config.regions if r.contacts is not None]
    return render_template(
        "help/contacts.html",
        contacts=g.tenant.contacts(g.region),
        regional=regional,
        help_requests_on=service.enabled(g.tenant),
    )


@bp.route("/requests")
@login_required
def requests():
    _requests_on()
    found = service.requests_of(g.tenant, current_user.subscriber_id)
    return render_template("help/requests.html", requests=found, unread=_unread(), section=SECTION)


@bp.route("/requests/new", methods=["GET", "POST"])
@login_required
def new():
    _requests_on()
    form = RequestForm(tenant=g.tenant, locale=current_locale())
    status = 200
    if request.method == "GET":
        _prefill(form, request.args.get("subject", ""))
    if form.validate_on_submit():
        wait = limits.wait_minutes(g.tenant, "open", current_user.subscriber_id)
        if wait is None:
            first = _saved(
                lambda root: service.open_request(
                    g.tenant,
                    current_user.subscriber_id,
                    form.subject.data,
                    form.text.data,
                    form.uploads,
                    root,
                ).messages[0]
            )
            limits.spend(g.tenant, "open", current_user.subscriber_id)
            opened = first.request
            flash(_("Your request %(number)s has been sent.", number=opened.label), "info")
            return redirect(url_for("help.detail", number=opened.number))
        form.text.errors.append(_too_many(wait))
        status = 429
    form.note_files_not_kept()
    page = render_template(
        "help/new.html", form=form, section=SECTION, too_large=_too_large_asked()
    )
    return page, status


def _prefill(form: RequestForm, code: str) -> None:
    # From the profile's «request a change»: the contract subject and a text to complete.
    if code == service.rules(g.tenant).contract_change.code:
        form.subject.data = code
        form.text.data = _(
            "Please change my name / address in the contract (cross out what stays).\n"
            "The new details: \n"
            "A document confirming the change (passport, property deed) is attached."
        )


def _too_many(minutes: int) -> str:
    return _(
        "You have sent many messages in a short time. Please try again in %(minutes)s min; "
        "what you wrote is kept below.",
        minutes=minutes,
    )


def _too_large_asked() -> bool:
    return request.method == "GET" and request.args.get("too_large") == "1"


def _saved(act):
    """The message act(root) wrote, committed now: rows that do not land leave no files."""
    root = uploads.uploads_root(current_app)
    message = act(root)
    paths = service.stored_files(message)
    try:
        db.session.commit()  # now, so the files can be removed if the rows did not land
    except Exception:
        db.session.rollback()
        service.discard_files(root, paths)
        raise
    return message


@bp.route("/requests/<int:number>")
@login_required
def detail(number: int):
    _requests_on()
    found = service.request_of(g.tenant, current_user.subscriber_id, number)
    if found is None:
        abort(404)
    # The one write of this GET (committed with the request): the replies are seen now.
    # The page still marks them new, this once.
    seen_before = unread.mark_seen(found) or 0
    return _thread(found, MessageForm(tenant=g.tenant, formdata=None), seen_before=seen_before)


def _thread(found, form, status: int = 200, seen_before: int | None = None):
    return render_template(
        "help/detail.html",
        filed=found,
        seen_before=(found.seen_message_id or 0) if seen_before is None else seen_before,
        form=form,
        action=ActionForm(),
        section=SECTION,
        subject=service.subject(g.tenant, found.subject),
        too_large=_too_large_asked(),
        **visit_context(found),
    ), status


@bp.route("/requests/<int:number>/reply", methods=["POST"])
@login_required
def reply(number: int):
    _requests_on()
    found = service.request_of(g.tenant, current_user.subscriber_id, number)
    if found is None:
        abort(404)
    form = MessageForm(tenant=g.tenant)
    if found.status == RequestStatus.CLOSED:
        flash(_("This request is closed. Reopen it to write again."), "error")
        return redirect(url_for("help.detail", number=number), 303)
    if form.validate_on_submit():
        wait = limits.wait_minutes(g.tenant, "reply", current_user.subscriber_id)
        if wait is None:
            _saved(
                lambda root: service.reply(
                    g.tenant, current_user.subscriber_id, number, form.text.data, form.uploads, root
                )
            )
            limits.spend(g.tenant, "reply", current_user.subscriber_id)
            flash(_("Your message has been sent."), "info")
            return redirect(url_for("help.detail", number=number, _anchor="reply"), 303)
        form.text.errors.append(_too_many(wait))
        return _thread(found, form, 429)
    form.note_files_not_kept()
    return _thread(found, form)


@bp.route("/requests/<int:number>/close", methods=["POST"])
@login_required
def close(number: int):
    return _act(number, service.close, _("The request is closed. You can reopen it any time."))


@bp.route("/requests/<int:number>/reopen", methods=["POST"])
@login_required
def reopen(number: int):
    return _act(number, service.reopen, _("The request is open again."))


def _act(number: int, action, done: str):
    _requests_on()
    found = service.request_of(g.tenant, current_user.subscriber_id, number)
    # A visit ends by cancelling it (its slot is given back), never by a bare close.
    if found is None or found.kind == RequestKind.VISIT:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        action(g.tenant, current_user.subscriber_id, number)
    except service.Refused:
        # A second press in another tab: the request is already where it was asked to be.
        pass
    else:
        flash(done, "info")
    return redirect(url_for("help.detail", number=number), 303)


@bp.route("/attachments/<int:attachment_id>")
@login_required
def attachment(attachment_id: int):
    """A file of the subscriber's own request, always as a download, never shown inline."""
    _requests_on()
    found = service.attachment_of(g.tenant, current_user.subscriber_id, attachment_id)
    response = found and uploads.download(uploads.uploads_root(current_app), found)
    if response is None:
        abort(404)
    return response


@bp.errorhandler(413)
def _body_too_large(exc):
    # The body was refused before the form could be read, so what was typed cannot be shown
    # again; go back to the form with a plain explanation instead of an error page.
    if request.endpoint == "help.reply" and request.view_args:
        target = url_for("help.detail", number=request.view_args["number"], too_large=1)
    else:
        target = url_for("help.new", too_large=1)
    return redirect(target, 303)
