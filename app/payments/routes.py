"""The pay page, the result page and the provider's notification endpoint."""

from flask import abort, flash, g, redirect, render_template, request, session, url_for
from flask_babel import format_percent
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.core.money import money, plain_roubles
from app.core.subscribers import subscriber_of
from app.extensions import csrf, db
from app.tenancy.locale import current_locale
from app.tenancy.theming import text

from . import bp, lookup, service
from .callback import handle_notification
from .forms import chosen, payment_form
from .models import Payment, PaymentKind, PaymentStatus
from .providers import FailureReason, ProviderUnavailable

SESSION_PAYMENTS = "payments"  # references this browser started: guests may see their results

FAILURE_TEXT = {
    FailureReason.WRONG_CARD_DATA: _l("The card details were entered incorrectly."),
    FailureReason.INSUFFICIENT_FUNDS: _l("There is not enough money on the card."),
    FailureReason.NOT_ALLOWED_ONLINE: _l(
        "The card is not allowed for internet payments. Ask your bank to allow them, "
        "or use another card."
    ),
    FailureReason.NO_3DS: _l(
        "3-D Secure is not enabled for this card. Ask your bank to enable it, or use another card."
    ),
    FailureReason.THREE_DS_FAILED: _l("3-D Secure failed: the one-time password was not accepted."),
    FailureReason.NOT_CONFIRMED: _l("The payment was not confirmed with the code from the SMS."),
    FailureReason.CANCELLED: _l("The payment was cancelled."),
    FailureReason.CARD_REVOKED: _l("The saved card can no longer be charged."),
    FailureReason.DECLINED: _l("The bank declined the payment."),
    FailureReason.UNAVAILABLE: _l("The payment service did not answer. Nothing was charged."),
}


WHY_TEXT = {
    service.Why.DEBT: _l(
        "Suggested amount %(amount)s: it clears the debt and pays for the next month."
    ),
    service.Why.DEBT_CAPPED: _l(
        "Suggested amount %(amount)s: the most one payment can be. Clearing the debt and "
        "paying for the next month takes %(needed)s."
    ),
    service.Why.TOP_UP: _l(
        "Suggested amount %(amount)s: together with the balance it pays for the next month."
    ),
    service.Why.MONTH: _l("Suggested amount %(amount)s: this is what the next month costs."),
    service.Why.MONTH_CAPPED: _l(
        "Suggested amount %(amount)s: the most one payment can be. The next month takes %(needed)s."
    ),
    service.Why.COVERED: _l("Suggested amount %(amount)s: the monthly fee, to pay a month ahead."),
    service.Why.MINIMUM: _l("Suggested amount %(amount)s: the smallest payment accepted."),
}


def suggestion_text(account, suggestion: service.Suggestion) -> str:
    """The line above the pay form: the balance, then why the suggested amount is what it is."""
    if suggestion.covered:
        status = _(
            "Account %(number)s: balance %(balance)s, which already pays for the next month.",
            number=account.number,
            balance=money(account.balance),
        )
    else:
        status = _(
            "Account %(number)s: balance %(balance)s.",
            number=account.number,
            balance=money(account.balance),
        )
    why = str(WHY_TEXT[suggestion.why]) % {
        "amount": money(suggestion.amount),
        "needed": money(suggestion.needed),
    }
    return f"{status} {why}"


def commission_text(commission, amount: int | None = None) -> str:
    """The method's commission in words, and what it comes to on `amount` when given."""
    if commission.free:
        return _("No commission")
    parts = []
    if commission.percent:
        parts.append(format_percent(commission.percent / 100, "#,##0.##%"))
    if commission.fixed:
        parts.append(money(commission.fixed))
    rule = _("Commission %(rule)s", rule=" + ".join(parts) or money(commission.minimum))
    if commission.minimum and parts:
        rule = _("%(rule)s, at least %(minimum)s", rule=rule, minimum=money(commission.minimum))
    if amount is None:
        return rule
    return _(
        "%(rule)s: %(commission)s on %(amount)s, %(total)s in all",
        rule=rule,
        commission=money(commission.of(amount)),
        amount=money(amount),
        total=money(amount + commission.of(amount)),
    )


def method_hints(methods, amount: int | None = None) -> dict[str, str]:
    """What each method costs (on `amount`, when known) and how soon the money arrives,
    shown under its choice."""
    hints = {}
    for method in methods:
        cost = commission_text(method.commission, amount)
        hints[method.code] = f"{cost}. {text(method.crediting)}".strip()
    return hints


def method_name(method, choice=None) -> str:
    """«E-wallets: QIWI Wallet»: the method and the wallet or bank picked within it."""
    name = text(method.name)
    if choice is None or text(choice.name) == name:
        return name
    return f"{name}: {text(choice.name)}"


def remember(reference: str) -> None:
    """Let this browser see the payment's result without logging in."""
    started = [r for r in session.get(SESSION_PAYMENTS, []) if r != reference]
    session[SESSION_PAYMENTS] = [*started[-19:], reference]


def go_to_provider(payment: Payment, method):
    """Hand a committed pending payment to the provider and send the browser there."""
    return_url = url_for("payments.result", reference=payment.reference, _external=True)
    remember(payment.reference)
    try:
        target = service.start_payment(g.tenant, payment, method, return_url)
    except ProviderUnavailable:
        flash(
            _("The payment service is not answering. Nothing was charged; please try later."),
            "error",
        )
        return redirect(url_for("payments.result", reference=payment.reference))
    return redirect(target)


def _own_payment(form, accounts, methods) -> service.NewPayment:
    """The payment the validated pay form asks for."""
    account = form.account.data if "account" in form else str(accounts[0].id)
    method = next(m for m in methods if m.code == form.method.data)
    return service.NewPayment(
        account_id=next(a.id for a in accounts if str(a.id) == account),
        method=method,
        method_choice=chosen(form, method),
        amount=form.amount.kopecks,
        payer_subscriber_id=current_user.subscriber_id,
        payer_email=form.email.data,
        save_card=bool("save_card" in form and form.save_card.data),
        locale=current_locale(),
    )


@bp.route("", methods=["GET", "POST"])
@login_required
def pay():
    """The «Top up» page: online methods, the suggested amount, other ways to pay."""
    tenant, region = g.tenant, g.region
    accounts = lookup.subscriber_accounts(tenant, current_user.subscriber_id)
    methods = service.online_methods(tenant, region)
    form = payment_form(tenant, region, "own", accounts)
    suggestions = {a.id: service.suggestion(tenant, a.balance, a.monthly_total) for a in accounts}
    if request.method == "GET" and accounts:
        form.amount.data = plain_roubles(
            suggestions[accounts[0].id].amount, whole_without_kopecks=True
        )
        profile = subscriber_of(tenant, current_user.subscriber_id)
        form.email.data = profile.email if profile else None
    if accounts and methods and form.validate_on_submit():
        new = _own_payment(form, accounts, methods)
        payment = service.create_payment(tenant, new)
        db.session.commit()  # durable before the provider hears of it
        return go_to_provider(payment, new.method)
    offline = service.offline_methods(tenant, region)
    payer = subscriber_of(tenant, current_user.subscriber_id)
    return render_template(
        "payments/pay.html",
        # Bank transfer goes to the payer's region's account, wherever they opened the page.
        requisites=tenant.requisites_for(tenant.region(payer.region)) if payer else None,
        form=form,
        accounts=accounts,
        suggestions={a.id: suggestion_text(a, suggestions[a.id]) for a in accounts},
        hints=method_hints(methods, suggestions[accounts[0].id].amount if accounts else None),
        offline=offline,
        offline_hints=method_hints(offline),
        autopay=service.autopay_offered(tenant),
    )


def failure_text(payment: Payment, choice) -> str | None:
    """Why a failed payment failed, in plain words; a wallet or bank that declined is named."""
    if payment.status != PaymentStatus.FAILED:
        return None
    if payment.failure_reason == FailureReason.DECLINED and choice is not None:
        return _("%(name)s declined the payment.", name=text(choice.name))
    return str(FAILURE_TEXT.get(payment.failure_reason, FAILURE_TEXT[FailureReason.DECLINED]))


def _may_see(payment: Payment) -> bool:
    if current_user.is_authenticated and payment.payer_subscriber_id == current_user.subscriber_id:
        return True
    return payment.reference in session.get(SESSION_PAYMENTS, [])


@bp.route("/result/<reference>")
def result(reference: str):
    """The «Result» line of a payment, for its payer or the browser that started it."""
    payment = service.find_payment(g.tenant, reference)
    if payment is None or not _may_see(payment):
        abort(404)
    balance = None
    if payment.status == PaymentStatus.SUCCEEDED and payment.kind == PaymentKind.OWN:
        balance = lookup.account_choice(g.tenant, payment.account_id).balance
    method = service.method_by_code(g.tenant, payment.method)
    choice = service.method_choice(g.tenant, payment.method, payment.method_choice)
    return render_template(
        "payments/result.html",
        payment=payment,
        method=method,
        method_name=method_name(method, choice) if method else None,
        holder=lookup.holder(g.tenant, payment.account_id),
        balance=balance,
        reason=failure_text(payment, choice),
    )


@bp.route("/notify/<provider>", methods=["POST"])
@csrf.exempt
def notify(provider: str):
    """The provider's server-to-server notification; 400 when refused."""
    answer = handle_notification(g.tenant, provider, request.get_data(), request.headers)
    if answer is None:
        return "rejected\n", 400, {"Content-Type": "text/plain; charset=utf-8"}
    return answer, 200, {"Content-Type": "text/plain; charset=utf-8"}
