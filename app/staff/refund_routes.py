"""Refunds of a subscriber's online payments to the card, through the tenant's gateway."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Length

import app.payments.service as payments
from app.core.money import money
from app.core.subscribers import accounts_of
from app.extensions import db
from app.web.forms import REQUIRED

from . import bp
from . import money as staff_money
from .access import may, requires
from .forms import ConfirmForm, positive_roubles
from .lookup_routes import subscriber_or_404
from .roles import Permission

REFUSALS = {
    payments.RefundRefusal.NOT_PAID: _l("Only a paid online payment can be refunded."),
    payments.RefundRefusal.TOO_MUCH: _l(
        "A refund cannot be more than is left of the payment: at most %(amount)s."
    ),
    payments.RefundRefusal.OWN_REQUEST: _l(
        "Another staff member with the money right must decide on this."
    ),
    payments.RefundRefusal.DECIDED: _l("This refund is decided already."),
}
STATUS_NAMES = {
    payments.RefundStatus.PENDING: _l("waiting for approval"),
    payments.RefundStatus.SENDING: _l("sent to the bank, no answer yet"),
    payments.RefundStatus.REFUNDED: _l("refunded"),
    payments.RefundStatus.FAILED: _l("the bank refused"),
    payments.RefundStatus.REFUSED: _l("refused"),
}


class RefundForm(FlaskForm):
    payment = SelectField(_l("Payment"), validators=[REQUIRED])
    amount = StringField(
        _l("Amount to refund, ₽"),
        validators=[REQUIRED, Length(max=20), positive_roubles],
        description=_l("In roubles, e.g. 1 250,50."),
    )

    def __init__(self, paid, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.payment.choices = [(str(p.id), f"{p.reference}: {money(p.amount)}") for p in paid]
        self.kopecks = 0


def _page(person, paid, form, status: int = 200):
    refunds = payments.refunds_of(g.tenant, [p.id for p in paid])
    page = render_template(
        "staff/lookup/payments.html",
        person=person,
        paid=paid,
        left={p.id: payments.unrefunded(g.tenant, p) for p in paid},
        by_id={p.id: p for p in paid},
        refunds=refunds,
        statuses=STATUS_NAMES,
        form=form,
        confirm=ConfirmForm(),
        threshold=staff_money.four_eyes_above(g.tenant),
        may=may,
        Permission=Permission,
    )
    return page, status


def _send(refund) -> None:
    """Send a claimed refund to the gateway and say what came of it."""
    # The claim is committed before the bank hears of it, so no second click sends it again.
    db.session.commit()
    refund = payments.send_refund(g.tenant, refund.id)
    if refund.status == payments.RefundStatus.REFUNDED:
        flash(_("Refunded %(amount)s to the card.", amount=money(refund.amount)), "info")
    elif refund.status == payments.RefundStatus.FAILED:
        flash(_("The bank refused the refund: %(why)s", why=refund.message or "—"), "error")
    else:
        flash(
            _("The bank did not answer; nothing is debited yet. Send the refund again later."),
            "error",
        )


@bp.route("/subscribers/<int:subscriber_id>/payments", methods=["GET", "POST"])
@requires(Permission.MONEY)
def subscriber_payments(subscriber_id: int):
    person = subscriber_or_404(subscriber_id)
    paid = payments.online_payments(g.tenant, [a.id for a in accounts_of(g.tenant, person.id)])
    form = RefundForm(paid)
    if request.method == "GET":
        return _page(person, paid, form)
    if not form.validate_on_submit():
        return _page(person, paid, form, 422)
    outcome = payments.request_refund(
        g.tenant,
        int(form.payment.data),
        form.kopecks,
        g.staff.account_id,
        staff_money.four_eyes_above(g.tenant),
    )
    if outcome.refusal is not None:
        form.amount.errors = [str(REFUSALS[outcome.refusal]) % {"amount": money(outcome.left)}]
        return _page(person, paid, form, 422)
    if outcome.refund.status == payments.RefundStatus.SENDING:
        _send(outcome.refund)
    else:
        flash(
            _(
                "Above %(sum)s: it waits for another staff member with the money right "
                "to approve it.",
                sum=money(staff_money.four_eyes_above(g.tenant)),
            ),
            "info",
        )
    return redirect(url_for("staff.subscriber_payments", subscriber_id=person.id))


def _back(refund):
    holder = staff_money.holder_of(g.tenant, payments.account_of_refund(g.tenant, refund))
    return redirect(url_for("staff.subscriber_payments", subscriber_id=holder or 0))


def _decide(refund_id: int, approve: bool):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    decide = payments.approve_refund if approve else payments.refuse_refund
    try:
        outcome = decide(g.tenant, refund_id, g.staff.account_id)
    except LookupError:
        abort(404)
    if outcome.refusal is not None:
        flash(str(REFUSALS[outcome.refusal]) % {"amount": money(outcome.left)}, "error")
    elif approve:
        _send(outcome.refund)
    else:
        flash(_("Refused: nothing is refunded."), "info")
    return _back(outcome.refund)


@bp.route("/refunds/<int:refund_id>/approve", methods=["POST"])
@requires(Permission.MONEY)
def approve_refund(refund_id: int):
    return _decide(refund_id, approve=True)


@bp.route("/refunds/<int:refund_id>/send", methods=["POST"])
@requires(Permission.MONEY)
def resend_refund(refund_id: int):
    """Ask the gateway again about a refund it did not answer (ЮKassa's idempotence key
    makes the repeat the same refund)."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    refund = payments.refund_of(g.tenant, refund_id)
    if refund is None:
        abort(404)
    if refund.status == payments.RefundStatus.SENDING:
        _send(refund)
    return _back(refund)


@bp.route("/refunds/<int:refund_id>/refuse", methods=["POST"])
@requires(Permission.MONEY)
def refuse_refund(refund_id: int):
    return _decide(refund_id, approve=False)
