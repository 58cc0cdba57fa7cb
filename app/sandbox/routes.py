"""The sandbox bank's pages: card, 3-D Secure, mobile operator, e-wallet confirmation."""

from flask import abort, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.core.identifiers import e164
from app.core.money import money
from app.extensions import db, limiter
from app.notify.service import queue_sms
from app.tenancy.theming import text
from app.web.redirects import path_of

from . import bank, bp
from .forms import ActionForm, CardForm, CodeForm, OtpForm, PhoneForm, card_digits
from .looks import look_of
from .models import SandboxOperation

STEP_ENDPOINTS = {
    "card": "sandbox.pay",
    "confirm": "sandbox.pay",
    "done": "sandbox.pay",
    "otp": "sandbox.otp",
    "phone": "sandbox.phone",
    "code": "sandbox.code",
}
CARD_NOTES = {
    None: _l("Approved"),
    bank.INSUFFICIENT_FUNDS: _l("Declined: insufficient funds"),
    bank.WRONG_CARD_DATA: _l("Declined: wrong card data"),
    bank.NOT_ALLOWED_ONLINE: _l("Declined: card not allowed for internet payments"),
    bank.NO_3DS: _l("Declined: 3-D Secure not enabled"),
}


def _operation(operation_id: str, *states: str):
    """The operation, or a redirect to the step it is at when that is not one of states."""
    operation = bank.find(g.tenant.slug, operation_id)
    if operation is None:
        abort(404)
    if operation.state not in states:
        return operation, redirect(
            url_for(STEP_ENDPOINTS[operation.state], operation_id=operation.id)
        )
    return operation, None


def _render(template: str, operation: SandboxOperation, **context):
    return render_template(
        f"sandbox/{template}",
        operation=operation,
        merchant=text(g.tenant.config.name),
        cancel_form=ActionForm(),
        **context,
    )


def _settle(operation: SandboxOperation):
    """Commit the bank's outcome, notify the merchant, send the payer back."""
    # The bank's records stand before it tells the merchant, who answers on its own
    # connection (and SQLite lets one writer at a time).
    db.session.commit()
    bank.deliver(operation)
    # Back to this portal only: a stored return address never sends the payer elsewhere.
    back = path_of(operation.return_url)
    return redirect(back or url_for("sandbox.pay", operation_id=operation.id))


def _service_name(operation: SandboxOperation) -> str:
    """The wallet or bank the order names, as the merchant (tenant) lists it."""
    for method in g.tenant.config.payments.methods:
        if method.kind.value != operation.method:
            continue
        for choice in method.choices:
            if choice.code == operation.choice:
                return text(choice.name)
    return operation.choice or _("E-wallet or online bank")


def _service_page(operation: SandboxOperation):
    """The wallet's or online bank's own confirmation: pay, or (a test) be declined."""
    form = ActionForm()
    if form.validate_on_submit():
        bank.finish(operation, None)
        return _settle(operation)
    return _render(
        "wallet.html",
        operation,
        form=form,
        service=_service_name(operation),
        look=look_of(operation.choice),
    )


def _test_cards():
    return [
        (" ".join(n[i : i + 4] for i in range(0, 16, 4)), CARD_NOTES[o])
        for n, o in bank.TEST_CARDS.items()
    ]


@bp.route("/pay/<operation_id>", methods=["GET", "POST"])
def pay(operation_id: str):
    """The bank's first page: the card form, or the wallet confirmation, or «complete»."""
    operation, elsewhere = _operation(operation_id, "card", "confirm", "done")
    if elsewhere:
        return elsewhere
    if operation.state == "done":
        return _render("done.html", operation)
    if operation.state == "confirm":
        return _service_page(operation)
    form = CardForm()
    if form.validate_on_submit():
        bank.submit_card(operation, card_digits(form.number.data))
        if operation.state == "done":
            return _settle(operation)
        return redirect(url_for("sandbox.otp", operation_id=operation.id))
    return _render("card.html", operation, form=form, test_cards=_test_cards())


@bp.route("/pay/<operation_id>/3ds", methods=["GET", "POST"])
@limiter.limit("30 per 10 minutes", methods=["POST"])
def otp(operation_id: str):
    """The 3-D Secure step; the test code is shown on the page."""
    operation, elsewhere = _operation(operation_id, "otp")
    if elsewhere:
        return elsewhere
    form = OtpForm()
    if form.validate_on_submit():
        bank.confirm_otp(operation, form.code.data)
        return _settle(operation)
    return _render("otp.html", operation, form=form, test_code=bank.otp_code(operation))


@bp.route("/pay/<operation_id>/phone", methods=["GET", "POST"])
@limiter.limit("10 per 10 minutes", methods=["POST"])
def phone(operation_id: str):
    """The mobile operator's page: the phone to text the confirmation code to."""
    operation, elsewhere = _operation(operation_id, "phone", "code")
    if elsewhere:
        return elsewhere
    form = PhoneForm()
    if form.validate_on_submit():
        try:
            number = e164(form.phone.data, g.tenant.config.phone_region)
        except ValueError:
            form.phone.errors.append(_("Enter a mobile number such as +7 913 123-45-67."))
        else:
            code = bank.start_mobile(operation, number)
            message = _(
                "Sandbox operator: code %(code)s confirms paying %(amount)s to %(merchant)s. "
                "Do not tell it to anyone.",
                code=code,
                amount=money(operation.amount),
                merchant=text(g.tenant.config.name),
            )
            queue_sms(g.tenant, number, message)
            return redirect(url_for("sandbox.code", operation_id=operation.id))
    return _render("phone.html", operation, form=form)


@bp.route("/pay/<operation_id>/code", methods=["GET", "POST"])
@limiter.limit("30 per 10 minutes", methods=["POST"])
def code(operation_id: str):
    """The mobile operator's code from the SMS."""
    operation, elsewhere = _operation(operation_id, "code")
    if elsewhere:
        return elsewhere
    form = CodeForm()
    if form.validate_on_submit():
        if bank.confirm_mobile(operation, form.code.data) or operation.state == "done":
            return _settle(operation)
        form.code.errors.append(_("The code is wrong. Check the SMS and try again."))
    return _render("code.html", operation, form=form)


@bp.route("/pay/<operation_id>/decline", methods=["POST"])
def decline(operation_id: str):
    """The test wallet or online bank says no: the merchant is told it was declined."""
    operation, elsewhere = _operation(operation_id, "confirm")
    if elsewhere:
        return elsewhere
    if not ActionForm().validate_on_submit():
        abort(400)
    bank.finish(operation, bank.DECLINED)
    return _settle(operation)


@bp.route("/pay/<operation_id>/cancel", methods=["POST"])
def cancel(operation_id: str):
    """The payer gives up: the merchant is told the payment was cancelled."""
    operation, elsewhere = _operation(operation_id, "card", "confirm", "otp", "phone", "code")
    if elsewhere:
        return elsewhere
    if not ActionForm().validate_on_submit():
        abort(400)
    bank.finish(operation, bank.CANCELLED)
    return _settle(operation)
