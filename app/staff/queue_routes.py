"""The console's queues: option requests waiting for review, one-off orders, and payments
that reached the wrong account.

Who may do what: reviews and orders are operators' work (Permission.QUEUES). A transfer moves
money, so only an accountant (Permission.MONEY) approves or refuses one; the transfer queue
itself is read with Permission.LOOKUP, which every role has, so an operator on the phone with
the subscriber sees where their request stands (what lookup already shows of an account's
money) without a button to move it.

Every decision is the feature's own function (options.service.review, transfers.service
approve and refuse), the same the `flask options review` and `flask transfers` commands
call; the subscriber reads the outcome where they asked: the «My services» notice, the
transfer request's page.
"""

from flask import abort, current_app, flash, g, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

import app.notify.service as notify
import app.options.service as options
import app.transfers.service as transfer_requests
from app.core import audit, uploads
from app.persistence import utcnow
from app.tenancy.locale import current_locale

from . import bp
from .access import may, requires
from .forms import ConfirmForm
from .home_routes import section
from .queue_forms import RefuseForm, TransferApproveForm, TransferRefuseForm
from .roles import Permission

section(
    "staff.reviews",
    _l("Reviews"),
    _l("Requests that wait for staff, such as a voluntary block: approve or refuse."),
    Permission.QUEUES,
)
section(
    "staff.orders",
    _l("Orders"),
    _l("One-off services subscribers ordered: call back, then mark done or refuse."),
    Permission.QUEUES,
)
section(
    "staff.transfers",
    _l("Payment transfers"),
    _l("Payments that reached the wrong account: move them to the right one."),
    Permission.LOOKUP,
)

DECIDED = _l("This request is already decided: nothing was changed.")
NEEDS_REASON = _l("Please write the reason the subscriber will read.")


# Reviews and orders: both are option requests, decided by options.service.review.


def _queue_page(orders: bool):
    return render_template(
        "staff/queues/orders.html" if orders else "staff/queues/reviews.html",
        waiting=options.waiting(g.tenant, orders),
        decided=options.decided_lately(g.tenant, orders),
        acting=may(Permission.QUEUES, changing=True),
    )


def _decide(activation_id: int, orders: bool, approve: bool):
    back = url_for("staff.orders" if orders else "staff.reviews")
    asked = options.request_in(g.tenant, activation_id, orders)
    if asked is None:
        abort(404)
    reason = ""
    if approve:
        if not ConfirmForm().validate_on_submit():
            return redirect(back, 303)
    else:
        form = RefuseForm()
        if not form.validate_on_submit():
            flash(str(NEEDS_REASON), "error")
            return redirect(back, 303)
        reason = form.reason.data
    before = asked.row.status
    decided = options.review(g.tenant, activation_id, approve, reason, utcnow())
    if decided is None:
        flash(str(DECIDED), "error")
        return redirect(back, 303)
    if orders:
        action = "orders.done" if approve else "orders.refused"
    else:
        action = "reviews.approved" if approve else "reviews.refused"
    audit.record(
        g.tenant.slug,
        action,
        subscriber_id=asked.subscriber.id,
        target=f"activation:{decided.id}",
        before={"status": str(before)},
        after={"status": str(decided.status), "reason": decided.decided_reason},
    )
    if orders:
        _tell_order(asked)
    name = _option_name(decided.code, current_locale())
    if approve:
        done = _("«%(option)s» is marked done.") if orders else _("«%(option)s» is approved.")
    else:
        done = _("«%(option)s» is refused; the subscriber reads the reason.")
    flash(done % {"option": name}, "info")
    return redirect(back, 303)


def _option_name(code: str, locale: str) -> str:
    option = options.option_of(g.tenant, code)
    return g.tenant.text(option.name, locale) if option else code


def _tell_order(asked) -> None:
    """Tell the subscriber their order is decided, through the channel they chose for
    answers to their requests; the reason is on «My services». A voluntary block and the
    other reviews have their notice there only, as before."""
    locales = g.tenant.config.locales
    locale = asked.subscriber.locale
    name = _option_name(asked.row.code, locale if locale in locales.available else locales.default)
    notify.tell(
        g.tenant,
        asked.subscriber.id,
        "request_answered",
        number=f"«{name}»",
        path=url_for("options.my_services"),
    )


@bp.route("/reviews")
@requires(Permission.QUEUES)
def reviews():
    return _queue_page(orders=False)


@bp.route("/reviews/<int:activation_id>/approve", methods=["POST"])
@requires(Permission.QUEUES)
def approve_review(activation_id: int):
    return _decide(activation_id, orders=False, approve=True)


@bp.route("/reviews/<int:activation_id>/refuse", methods=["POST"])
@requires(Permission.QUEUES)
def refuse_review(activation_id: int):
    return _decide(activation_id, orders=False, approve=False)


@bp.route("/orders")
@requires(Permission.QUEUES)
def orders():
    return _queue_page(orders=True)


@bp.route("/orders/<int:activation_id>/done", methods=["POST"])
@requires(Permission.QUEUES)
def order_done(activation_id: int):
    return _decide(activation_id, orders=True, approve=True)


@bp.route("/orders/<int:activation_id>/refuse", methods=["POST"])
@requires(Permission.QUEUES)
def refuse_order(activation_id: int):
    return _decide(activation_id, orders=True, approve=False)


# Transfers: approve moves the money (transfers.service.approve), refuse tells why.

NOT_APPROVED = {
    "decided": DECIDED,
    "no_source": _l("There is no account %(number)s in this ISP to take the money from."),
    "no_target": _l("There is no account %(number)s in this ISP to put the money on."),
    "same": _l("The money would go to the account it is taken from: check both numbers."),
}


@bp.route("/transfers")
@requires(Permission.LOOKUP)
def transfers():
    waiting = transfer_requests.open_requests(g.tenant)
    decided = transfer_requests.recent_decisions(g.tenant)
    return render_template(
        "staff/queues/transfers.html",
        waiting=waiting,
        decided=decided,
        holders=transfer_requests.holders(g.tenant, waiting + decided),
        acting=may(Permission.MONEY, changing=True),
        approve=TransferApproveForm(),
        refuse=TransferRefuseForm(),
        enabled=transfer_requests.enabled(g.tenant),
    )


def _transfer(transfer_id: int):
    filed = transfer_requests.request_in(g.tenant, transfer_id)
    if filed is None:
        abort(404)
    return filed


@bp.route("/transfers/<int:transfer_id>/receipt")
@requires(Permission.LOOKUP)
def transfer_receipt(transfer_id: int):
    """The copy of the receipt the subscriber sent, always as a download."""
    filed = _transfer(transfer_id)
    path = uploads.stored_path(uploads.uploads_root(current_app), filed.file_path)
    if path is None:
        abort(404)
    response = send_file(
        path,
        mimetype=filed.content_type,
        as_attachment=True,
        download_name=filed.original_filename,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.route("/transfers/<int:transfer_id>/approve", methods=["POST"])
@requires(Permission.MONEY)
def approve_transfer(transfer_id: int):
    filed = _transfer(transfer_id)
    back = url_for("staff.transfers")
    form = TransferApproveForm()
    if not form.validate_on_submit():
        flash(_("Please give both account numbers."), "error")
        return redirect(back, 303)
    try:
        moved = transfer_requests.approve(
            g.tenant, filed.id, form.source.data, form.target.data, form.note.data, _actor()
        )
    except transfer_requests.NotApproved as refused:
        number = form.source.data if refused.reason == "no_source" else form.target.data
        flash(str(NOT_APPROVED[refused.reason]) % {"number": number.strip()}, "error")
        return redirect(back, 303)
    flash(
        _(
            "%(number)s is done: the money moved from %(source)s to %(target)s.",
            number=filed.label,
            source=moved.source.number,
            target=moved.target.number,
        ),
        "info",
    )
    return redirect(back, 303)


@bp.route("/transfers/<int:transfer_id>/refuse", methods=["POST"])
@requires(Permission.MONEY)
def refuse_transfer(transfer_id: int):
    filed = _transfer(transfer_id)
    back = url_for("staff.transfers")
    form = TransferRefuseForm()
    if not form.validate_on_submit():
        flash(str(NEEDS_REASON), "error")
        return redirect(back, 303)
    try:
        transfer_requests.refuse(g.tenant, filed.id, form.reason.data, _actor())
    except transfer_requests.NotApproved:
        flash(str(DECIDED), "error")
        return redirect(back, 303)
    flash(_("%(number)s is refused; the subscriber reads the reason.", number=filed.label), "info")
    return redirect(back, 303)


def _actor() -> str:
    # TransferEvent.actor: who decided, as the request's history keeps it.
    return f"staff:{g.staff.account_id}"
