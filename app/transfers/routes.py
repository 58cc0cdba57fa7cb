"""Pages of the wrong-account transfer request: the list, a new request, one request."""

import logging
from datetime import datetime

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_login import current_user, login_required

import app.notify.service as notify
from app.core.subscribers import accounts_of
from app.extensions import db, limiter
from app.tenancy.resolve import public_url

from . import bp, service, storage
from .forms import TransferForm

log = logging.getLogger(__name__)


@bp.before_request
def _only_where_enabled():
    if not service.enabled(g.tenant):
        abort(404)


def _submit_key() -> str:
    who = current_user.subscriber_id if current_user.is_authenticated else request.remote_addr
    return f"transfers:{g.tenant.slug}:{who}"


@bp.route("")
@login_required
def index():
    requests = service.requests_of(g.tenant, current_user.subscriber_id)
    return render_template("transfers/index.html", requests=requests)


@bp.route("/new", methods=["GET", "POST"])
@login_required
@limiter.limit(
    lambda: current_app.config.get("PORTAL_TRANSFER_LIMIT", "10 per hour"),
    key_func=_submit_key,
    methods=["POST"],
)
def new():
    subscriber_id = current_user.subscriber_id
    if not accounts_of(g.tenant, subscriber_id):
        return render_template("transfers/new.html", form=None)
    form = TransferForm(
        data=service.form_defaults(g.tenant, subscriber_id),
        today=datetime.now(get_timezone()).date(),
        phone_region=g.tenant.config.phone_region,
    )
    if form.validate_on_submit():
        filed = _file(form)
        _confirm(filed)
        return redirect(url_for("transfers.detail", number=filed.number))
    form.note_file_not_kept()
    too_large = request.method == "GET" and request.args.get("too_large") == "1"
    return render_template(
        "transfers/new.html", form=form, too_large=too_large, max_mb=storage.MAX_MEGABYTES
    )


def _file(form: TransferForm):
    details = service.Details(
        correct_account=form.correct_account.data,
        address=form.address.data.strip(),
        full_name=form.full_name.data.strip(),
        phone=form.normalised_phone,
        paid_on=form.paid_on.data,
        amount=form.kopecks,
        comment=(form.comment.data or "").strip(),
    )
    receipt = service.Receipt(form.receipt_content, form.receipt.data.filename)
    root = storage.uploads_root(current_app)
    filed = service.create_request(g.tenant, current_user.subscriber_id, details, receipt, root)
    try:
        db.session.commit()  # now: a row that does not land must not leave its file behind
    except Exception:
        db.session.rollback()
        storage.discard(root, filed.file_path)
        raise
    return filed


def _confirm(filed) -> None:
    """Tell the subscriber it arrived; the request is already saved whatever happens here."""
    flash(_("Your request %(number)s has been sent.", number=filed.label), "info")
    email = service.contact_email(g.tenant, current_user.subscriber_id)
    if not email:
        return
    try:
        notify.send_transfer_received(
            g.tenant,
            email,
            notify.TransferNotice(
                filed.label, filed.amount, filed.paid_on, filed.correct_account, filed.address
            ),
            public_url(g.tenant, url_for("transfers.detail", number=filed.number)),
        )
    except ValueError:  # an address on record that no e-mail can go to
        log.warning("transfer %s %s: confirmation e-mail not sent", g.tenant.slug, filed.label)
        flash(_("We could not send the confirmation e-mail, but your request is saved."), "info")
    else:
        flash(_("A confirmation is on its way to %(email)s.", email=email), "info")


@bp.route("/<int:number>")
@login_required
def detail(number: int):
    filed = service.request_of(g.tenant, current_user.subscriber_id, number)
    if filed is None:
        abort(404)
    return render_template("transfers/detail.html", filed=filed)


@bp.errorhandler(413)
def _too_large(exc):
    # The body was refused before the tenant, the session or the form could be read, so
    # the form cannot be shown with what was typed; send the browser back to it with a
    # plain explanation instead of an error page.
    return redirect(url_for("transfers.new", too_large=1), 303)
