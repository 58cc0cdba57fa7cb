"""Paying for an account found by its number: a guest without logging in, or for another."""

from flask import abort, g, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required

from app.extensions import db, limiter
from app.tenancy.locale import current_locale

from . import bp, lookup, service
from .forms import ConfirmForm, chosen, payment_form
from .models import PaymentKind
from .routes import go_to_provider, method_hints, method_name

DRAFT = "payment_draft"
LOOKED_UP = "payee_looked_up"  # on g: this request looked a payee up, so it counts


def _looked_up(response) -> bool:
    return bool(g.get(LOOKED_UP))


def _address_key() -> str:
    return f"{g.tenant.slug}:{get_remote_address()}"


def _tenant_key() -> str:
    return g.tenant.slug


# Finding an account by number shows masked initials: it must not become a directory. Only
# requests that looked a payee up count, per client address and per tenant, at the rates of
# the tenant's payments.lookup_limits; over either, the portal answers 429 «Too many attempts».
limit_per_address = limiter.shared_limit(
    lambda: g.tenant.config.payments.lookup_limits.address,
    scope="payee-lookup-address",
    key_func=_address_key,
    methods=["POST"],
    deduct_when=_looked_up,
)
limit_per_tenant = limiter.shared_limit(
    lambda: g.tenant.config.payments.lookup_limits.tenant,
    scope="payee-lookup-tenant",
    key_func=_tenant_key,
    methods=["POST"],
    deduct_when=_looked_up,
)


def _find(tenant, who: str, typed: str) -> list[int]:
    """The accounts the typed number names; counted against the look-up limits."""
    g.setdefault(LOOKED_UP, True)
    if who == "guest":
        return lookup.find_payee(tenant, typed, tenant.config.payments.without_login_find_by)
    account_id = lookup.by_account_number(tenant, typed)
    return [account_id] if account_id else []


def _find_page(who: str):
    tenant = g.tenant
    form = payment_form(tenant, g.region, who)
    methods = service.methods_for(tenant, g.region, who)
    if form.validate_on_submit():
        found = _find(tenant, who, form.target.data)
        if len(found) == 1:
            method = next(m for m in methods if m.code == form.method.data)
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
    hints = method_hints(methods)
    return render_template("payments/find.html", form=form, who=who, hints=hints)


def _confirm_page(who: str):
    tenant = g.tenant
    draft = session.get(DRAFT)
    if not draft or draft.get("who") != who:
        return redirect(url_for(f"payments.{who}"))
    holder = lookup.holder(tenant, draft["account_id"])
    method = next(
        (m for m in service.methods_for(tenant, g.region, who) if m.code == draft["method"]), None
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
        db.session.commit()  # durable before the provider hears of it
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
        locale=current_locale(),
    )


def _require(flag: bool) -> None:
    if not flag:
        abort(404)


@bp.route("/guest", methods=["GET", "POST"])
@limit_per_address
@limit_per_tenant
def guest():
    """Pay without logging in: find the account by contract or phone number."""
    _require(g.tenant.config.payments.without_login)
    if current_user.is_authenticated:
        return redirect(url_for("payments.pay"))
    return _find_page("guest")


@bp.route("/guest/confirm", methods=["GET", "POST"])
def guest_confirm():
    """Show the masked holder, then send the guest to the provider."""
    _require(g.tenant.config.payments.without_login)
    return _confirm_page("guest")


@bp.route("/other", methods=["GET", "POST"])
@login_required
@limit_per_address
@limit_per_tenant
def other():
    """Top up another subscriber's account: find it by its number."""
    _require(g.tenant.config.payments.for_others)
    return _find_page("other")


@bp.route("/other/confirm", methods=["GET", "POST"])
@login_required
def other_confirm():
    """Show the masked holder, then send the payer to the provider."""
    _require(g.tenant.config.payments.for_others)
    return _confirm_page("other")
