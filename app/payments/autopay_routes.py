"""The autopay page: the saved card, the rule for each account, switching it off."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.core.money import NotAnAmount, money, parse_roubles, plain_roubles

from . import autopay, bp, lookup, service
from .forms import AccountActionForm, ConfirmForm, autopay_form
from .models import RuleKind


def _roubles_or_none(typed: str | None) -> int | None:
    try:
        return parse_roubles(typed)
    except NotAnAmount:
        return None


def _settings(form) -> autopay.RuleSettings | None:
    """The rule the form describes, or None with the errors on the fields."""
    if form.kind.data == RuleKind.MONTHLY:
        if form.day.data is None:
            form.day.errors.append(_("Enter a day from 1 to 28."))
            return None
        return autopay.RuleSettings(RuleKind.MONTHLY, day=form.day.data)
    threshold = _roubles_or_none(form.threshold.data)
    top_up = _roubles_or_none(form.top_up.data)
    if threshold is None:
        form.threshold.errors.append(_("Enter the balance limit in roubles, for example 100."))
    if top_up is None or not service.amount_allowed(g.tenant, top_up):
        rules = g.tenant.config.payments
        form.top_up.errors.append(
            _(
                "Enter an amount from %(min)s to %(max)s.",
                min=money(rules.min_amount),
                max=money(rules.max_amount),
            )
        )
    if threshold is None or form.top_up.errors:
        return None
    return autopay.RuleSettings(RuleKind.THRESHOLD, threshold=threshold, amount=top_up)


def _typed(kopecks: int | None) -> str | None:
    return None if kopecks is None else plain_roubles(kopecks, whole_without_kopecks=True)


def _prefill(form, rule) -> None:
    form.kind.data = rule.kind
    form.threshold.data = _typed(rule.threshold)
    form.top_up.data = _typed(rule.amount)
    form.day.data = rule.day


def _accounts():
    if not service.autopay_offered(g.tenant):
        abort(404)
    return lookup.subscriber_accounts(g.tenant, current_user.subscriber_id)


@bp.route("/autopay", methods=["GET", "POST"])
@login_required
def autopay_page():
    """The saved card, each account's rule, and the form to switch autopay on."""
    tenant, subscriber_id = g.tenant, current_user.subscriber_id
    accounts = _accounts()
    card = autopay.saved_card(tenant, subscriber_id)
    rules = {a.id: autopay.rule_for(tenant, a.id) for a in accounts}
    form = autopay_form(accounts)
    if request.method == "GET" and accounts and rules[accounts[0].id]:
        _prefill(form, rules[accounts[0].id])
    if card and accounts and form.validate_on_submit():
        settings = _settings(form)
        if settings is not None:
            chosen = form.account.data if "account" in form else str(accounts[0].id)
            account = next(a for a in accounts if str(a.id) == chosen)
            autopay.set_rule(tenant, subscriber_id, account.id, settings)
            flash(_("Autopay is on for account %(number)s.", number=account.number), "info")
            return redirect(url_for("payments.autopay_page"))
    return render_template(
        "payments/autopay.html",
        form=form,
        card=card,
        accounts=accounts,
        rules=rules,
        off_form=AccountActionForm(),
        remove_form=ConfirmForm(),
    )


@bp.route("/autopay/off", methods=["POST"])
@login_required
def autopay_off():
    """Switch one account's autopay rule off."""
    accounts = _accounts()
    form = AccountActionForm()
    account = next((a for a in accounts if str(a.id) == form.account.data), None)
    if not form.validate_on_submit() or account is None:
        abort(400)
    if autopay.switch_off(g.tenant, account.id):
        flash(_("Autopay is off for account %(number)s.", number=account.number), "info")
    return redirect(url_for("payments.autopay_page"))


@bp.route("/autopay/card", methods=["POST"])
@login_required
def autopay_remove_card():
    """Forget the saved card (revoked at the provider) and the rules using it."""
    _accounts()
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if autopay.remove_card(g.tenant, current_user.subscriber_id):
        flash(_("The card is removed and autopay is off."), "info")
    return redirect(url_for("payments.autopay_page"))
