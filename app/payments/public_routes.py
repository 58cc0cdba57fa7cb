"""Paying for an account found by its number: a guest without logging in, or for another."""

from flask import abort, g, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.extensions import db, limiter

from . import bp, lookup, service
from .forms import ConfirmForm, chosen, payment_form
from .models import PaymentKind
from .routes import go_to_provider, method_hints, method_name

DRAFT = "payment_draft"
LOOKUP_LIMIT = "20 per 10 minutes"  # finding accounts by number must not become a directory


def _find_page(who: str):
    tenant = g.tenant
    form = payment_form(tenant, g.region, who)
    if form.validate_on_submit():
        if who == "guest":
            found = lookup.by_contract_or_phone(tenant, form.target.data)
        else:
            account_id = lookup.by_account_number(tenant, form.target.data)
            found = [account_id] if account_id else []
        if len(found) == 1:
            method = next(
                m for m in service.online_methods(tenant, g.region) if m.code == form.method.data
            )
            session[DRAFT] = {
                "who": who,
                "account_id": found[0],
                "method": method.code,
                "choice": chosen(form, method),
                "amount": form.amount.kopecks,
                "email": form.email.data or None,
            }
            return redirect(url_for(f"payments.{who}_confirm"))
        form.target.errors.append(
            _("Several accounts use this phone number. Please enter the contract number.")
            if found
            else _("No account was found by this number. Please check it and try again.")
        )
    hints = method_hints(service.online_methods(tenant, g.region))
    return render_template("payments/find.html", form=form, who=who, hints=hints)


def _confirm_page(who: str):
    tenant = g.tenant
    draft = session.get(DRAFT)
    if not draft or draft.get("who") != who:
        return redirect(url_for(f"payments.{who}"))
    holder = lookup.holder(tenant, draft["account_id"])
    method = next(
        (m for m in service.online_methods(tenant, g.region) if m.code == draft["method"]), None
    )
    if (
        holder is None
        or method is None
        or not service.amount_allowed(tenant, draft["amount"])
        or not service.choice_allowed(method, draft.get("choice"))
    ):
        session.pop(DRAFT, None)
        return redirect(url_for(f"payments.{who}"))
    form = ConfirmForm()
    if form.validate_on_submit():
        payment = service.create_payment(tenant, _drafted_payment(who, draft, holder, method))
        db.session.commit()
        session.pop(DRAFT, None)
        return go_to_provider(payment, method)
    choice = service.method_choice(tenant, method.code, draft.get("choice"))
    return render_template(
        "payments/confirm.html",
        form=form,
        who=who,
        holder=holder,
        method=method,
        method_name=method_name(method, choice),
        draft=draft,
    )


def _drafted_payment(who: str, draft: dict, holder, method) -> service.NewPayment:
    payer = current_user.subscriber_id if who == "other" else None
    own = payer is not None and lookup.owns_account(g.tenant, payer, holder.account_id)
    kind = PaymentKind.GUEST if who == "guest" else PaymentKind.OTHER
    return service.NewPayment(
        account_id=holder.account_id,
        method=method,
        method_choice=draft.get("choice"),
        amount=draft["amount"],
        kind=PaymentKind.OWN if own else kind,
        payer_subscriber_id=payer,
        payer_email=draft["email"],
    )


def _require(flag: bool) -> None:
    if not flag:
        abort(404)


@bp.route("/pay", methods=["GET", "POST"])
@limiter.limit(LOOKUP_LIMIT, methods=["POST"])
def guest():
    """Pay without logging in: find the account by contract or phone number."""
    _require(g.tenant.config.payments.without_login)
    if current_user.is_authenticated:
        return redirect(url_for("payments.pay"))
    return _find_page("guest")


@bp.route("/pay/confirm", methods=["GET", "POST"])
def guest_confirm():
    """Show the masked holder, then send the guest to the provider."""
    _require(g.tenant.config.payments.without_login)
    return _confirm_page("guest")


@bp.route("/payments/other", methods=["GET", "POST"])
@login_required
@limiter.limit(LOOKUP_LIMIT, methods=["POST"])
def other():
    """Top up another subscriber's account: find it by its number."""
    _require(g.tenant.config.payments.for_others)
    return _find_page("other")


@bp.route("/payments/other/confirm", methods=["GET", "POST"])
@login_required
def other_confirm():
    """Show the masked holder, then send the payer to the provider."""
    _require(g.tenant.config.payments.for_others)
    return _confirm_page("other")
