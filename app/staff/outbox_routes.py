"""The outbox: SMS and e-mail sent and failed, the network's provisioning deliveries, and
sending a failed one again."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

import app.notify.service as notify
import app.provisioning.service as provisioning
from app.core import audit

from . import bp
from .access import may, requires
from .forms import ConfirmForm
from .home_routes import section
from .roles import Permission

section(
    "staff.outbox",
    _l("Outbox"),
    _l("SMS and e-mail sent and failed, deliveries to the network; send a failed one again."),
    Permission.OUTBOX,
)


def _choice(name: str, allowed) -> str:
    value = request.args.get(name, "")
    return value if value in allowed else ""


def _page_number() -> int:
    return request.args.get("page", 1, type=int) or 1


@bp.route("/outbox")
@requires(Permission.OUTBOX)
def outbox():
    """This ISP's SMS and e-mail, filtered and paged, codes masked."""
    status = _choice("status", notify.MESSAGE_STATUSES)
    channel = _choice("channel", notify.MESSAGE_CHANNELS)
    recipient = request.args.get("recipient", "")[:254]
    page = notify.messages(g.tenant.slug, status, channel, recipient, _page_number())
    return render_template(
        "staff/outbox/messages.html",
        page=page,
        filters={"status": status, "channel": channel, "recipient": recipient},
        statuses=notify.MESSAGE_STATUSES,
        channels=notify.MESSAGE_CHANNELS,
        shown_body=notify.shown_body,
        resendable=notify.resendable,
        can_change=may(Permission.OUTBOX, changing=True),
        confirm=ConfirmForm(),
    )


@bp.route("/outbox/messages/<int:message_id>/resend", methods=["POST"])
@requires(Permission.OUTBOX)
def resend_message(message_id: int):
    """Queue a failed message to be sent once more after the response."""
    message = notify.message(g.tenant.slug, message_id)
    if message is None:
        abort(404)  # another ISP's message is not here
    if ConfirmForm().validate_on_submit():
        if notify.resend(message):
            audit.record(
                g.tenant.slug,
                "outbox.message_resent",
                target=f"message:{message.id}",
                before={"status": "failed"},
                after={"status": "pending"},
            )
            flash(_("The message is queued to be sent again."), "info")
        else:
            flash(_("This message cannot be sent again."), "error")
    return redirect(url_for("staff.outbox"))


@bp.route("/outbox/deliveries")
@requires(Permission.OUTBOX)
def deliveries():
    """This ISP's deliveries to its network, filtered and paged."""
    status = _choice("status", provisioning.STATUSES)
    page = provisioning.deliveries(g.tenant.slug, status, _page_number())
    return render_template(
        "staff/outbox/deliveries.html",
        page=page,
        filters={"status": status},
        statuses=provisioning.STATUSES,
        can_change=may(Permission.OUTBOX, changing=True),
    )


@bp.route("/outbox/deliveries/<int:event_id>/retry", methods=["POST"])
@requires(Permission.OUTBOX)
def retry_delivery(event_id: int):
    """Queue a failed delivery to be tried once more after the response."""
    event = provisioning.delivery(g.tenant.slug, event_id)
    if event is None:
        abort(404)
    if ConfirmForm().validate_on_submit():
        if provisioning.retry(event):
            audit.record(
                g.tenant.slug,
                "outbox.delivery_retried",
                target=f"provisioning:{event.id}",
                before={"status": "failed"},
                after={"status": "pending"},
            )
            flash(_("The delivery is queued to be tried again."), "info")
        else:
            flash(_("Only a failed delivery can be tried again."), "error")
    return redirect(url_for("staff.deliveries"))
