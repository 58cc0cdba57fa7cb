"""Corrections and refunds on a subscriber's account, and the ones waiting for four eyes."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Length

from app.core import audit
from app.core.money import money
from app.core.subscribers import accounts_of
from app.web.forms import REQUIRED

from . import bp
from . import money as service
from .access import may, requires
from .forms import ConfirmForm, positive_roubles
from .home_routes import section
from .lookup_routes import subscriber_or_404
from .roles import Permission

section(
    "staff.corrections",
    _l("Corrections"),
    _l("Corrections and refunds waiting for a second staff member's approval."),
    Permission.MONEY,
)


class CorrectionForm(FlaskForm):
    account = SelectField(_l("Account"), validators=[REQUIRED])
    kind = SelectField(_l("What to do"), validators=[REQUIRED])
    amount = StringField(
        _l("Amount, ₽"),
        validators=[REQUIRED, Length(max=20), positive_roubles],
        description=_l("In roubles, e.g. 1 250,50."),
    )
    reason = TextAreaField(
        _l("Reason"),
        validators=[REQUIRED, Length(max=300)],
        description=_l("Kept with the entry for the audit; the subscriber does not see it."),
    )

    def __init__(self, accounts, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.account.choices = [(a.number, a.number) for a in accounts]
        self.kind.choices = [(k.value, str(name)) for k, name in service.KIND_NAMES.items()]
        self.kopecks = 0


class RefuseForm(FlaskForm):
    why = StringField(_l("Why it is refused"), validators=[REQUIRED, Length(max=300)])


def _money_page(person, form, status: int = 200):
    accounts = accounts_of(g.tenant, person.id)
    page = render_template(
        "staff/lookup/money.html",
        person=person,
        accounts=accounts,
        form=form,
        threshold=service.four_eyes_above(g.tenant),
        corrections=service.of_accounts(g.tenant, [a.id for a in accounts]),
        correction_kinds=service.KIND_NAMES,
        correction_statuses=service.STATUS_NAMES,
        may=may,
        Permission=Permission,
    )
    return page, status


# One view for the page and its form: a huge id in the path must be a 404 for both methods
# (two rules on one path would answer 405 for the one whose converter refused it).
@bp.route("/subscribers/<int:subscriber_id>/money", methods=["GET", "POST"])
@requires(Permission.MONEY)
def subscriber_money(subscriber_id: int):
    person = subscriber_or_404(subscriber_id)
    accounts = accounts_of(g.tenant, person.id)
    form = CorrectionForm(accounts)
    if request.method == "GET":
        return _money_page(person, form)
    if not form.validate_on_submit():
        return _money_page(person, form, 422)
    account = next(a for a in accounts if a.number == form.account.data)
    kind = service.CorrectionKind(form.kind.data)
    outcome = service.ask(
        g.tenant,
        account.id,
        kind,
        form.kopecks,
        form.reason.data.strip(),
        g.staff.account_id,
        g.staff.name,
    )
    if outcome.refusal is not None:
        form.amount.errors = [
            str(service.REFUSALS[outcome.refusal]) % {"amount": money(outcome.limit)}
        ]
        return _money_page(person, form, 422)
    correction = outcome.correction
    applied = correction.status == service.CorrectionStatus.APPLIED
    audit.record(
        g.tenant.slug,
        "money.correction_posted" if applied else "money.correction_requested",
        subscriber_id=person.id,
        target=f"account:{account.id}",
        before={"balance": outcome.balance_before},
        after={
            "balance": outcome.balance_after,
            "correction": correction.id,
            "kind": correction.kind,
            "amount": correction.amount,
            "reason": correction.reason,
            "status": correction.status,
        },
    )
    if applied:
        flash(
            _("Posted: the balance is now %(balance)s.", balance=money(outcome.balance_after)),
            "info",
        )
    else:
        flash(
            _(
                "Above %(sum)s: it waits for another staff member with the money right "
                "to approve it.",
                sum=money(service.four_eyes_above(g.tenant)),
            ),
            "info",
        )
    return redirect(url_for("staff.subscriber_money", subscriber_id=person.id))


@bp.route("/corrections")
@requires(Permission.MONEY)
def corrections():
    return render_template(
        "staff/lookup/corrections.html",
        waiting=service.pending(g.tenant),
        correction_kinds=service.KIND_NAMES,
        confirm=ConfirmForm(),
        refuse=RefuseForm(),
        may=may,
        Permission=Permission,
    )


def _correction_or_404(correction_id: int):
    correction = service.correction_of(g.tenant, correction_id)
    if correction is None:
        abort(404)
    return correction


def _decided(correction, outcome, action: str):
    if outcome.refusal is not None:
        message = str(service.REFUSALS[outcome.refusal]) % {"amount": money(outcome.limit)}
        flash(message, "error")
        return redirect(url_for("staff.corrections"))
    before = {"status": service.CorrectionStatus.PENDING.value}
    after = {"correction": correction.id, "status": correction.status}
    if outcome.balance_before is not None:  # approved: the money moved
        before["balance"] = outcome.balance_before
        after["balance"] = outcome.balance_after
    else:
        after["refusal"] = correction.refusal
    audit.record(
        g.tenant.slug,
        action,
        subscriber_id=service.holder_of(g.tenant, correction.account_id),
        target=f"account:{correction.account_id}",
        before=before,
        after=after,
    )
    return None


@bp.route("/corrections/<int:correction_id>/approve", methods=["POST"])
@requires(Permission.MONEY)
def approve_correction(correction_id: int):
    correction = _correction_or_404(correction_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("staff.corrections"))
    outcome = service.approve(g.tenant, correction, g.staff.account_id, g.staff.name)
    refused = _decided(correction, outcome, "money.correction_approved")
    if refused is not None:
        return refused
    flash(
        _("Approved: the balance is now %(balance)s.", balance=money(outcome.balance_after)), "info"
    )
    return redirect(url_for("staff.corrections"))


@bp.route("/corrections/<int:correction_id>/refuse", methods=["POST"])
@requires(Permission.MONEY)
def refuse_correction(correction_id: int):
    correction = _correction_or_404(correction_id)
    form = RefuseForm()
    if not form.validate_on_submit():
        flash(_("Please say why it is refused."), "error")
        return redirect(url_for("staff.corrections"))
    outcome = service.refuse(
        g.tenant, correction, g.staff.account_id, g.staff.name, form.why.data.strip()
    )
    refused = _decided(correction, outcome, "money.correction_refused")
    if refused is not None:
        return refused
    flash(_("Refused: nothing is posted."), "info")
    return redirect(url_for("staff.corrections"))
