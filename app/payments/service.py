"""Paying online: methods, amounts, recording a payment and handing it to the provider."""

import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from app.core import audit
from app.core.money import clamp
from app.core.scoped import owned
from app.core.subscribers import holder_of
from app.extensions import db
from app.tenancy.registry import Tenant
from app.tenancy.resolve import public_url
from app.tenancy.schema import MethodChoice, PaymentMethod, Region
from app.tenancy.schema import PaymentKind as MethodKind

from .models import Payment, PaymentKind, PaymentStatus
from .orders import order_of
from .providers import FailureReason, ProviderUnavailable, get_provider

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
log = logging.getLogger("app.payments")


def online_methods(tenant: Tenant, region: Region | None) -> list[PaymentMethod]:
    """Methods paid from the cabinet through the provider."""
    return [m for m in tenant.payment_methods_for(region) if m.online]


def methods_for(tenant: Tenant, region: Region | None, who: str) -> list[PaymentMethod]:
    """The online methods a payer may use: a guest only those the ISP offers without login."""
    methods = online_methods(tenant, region)
    allowed = tenant.config.payments.without_login_methods
    if who == "guest" and allowed is not None:
        methods = [m for m in methods if m.code in allowed]
    return methods


def offline_methods(tenant: Tenant, region: Region | None) -> list[PaymentMethod]:
    """Methods shown as information: terminals, bank transfer, cash, autopay."""
    return [m for m in tenant.payment_methods_for(region) if not m.online]


def autopay_offered(tenant: Tenant) -> bool:
    """The ISP lists autopay among its methods and has an online card method to save a card."""
    kinds = {m.kind for m in tenant.config.payments.methods}
    return MethodKind.AUTOPAY in kinds and any(
        m.kind == MethodKind.CARD and m.online for m in tenant.config.payments.methods
    )


def amount_allowed(tenant: Tenant, amount: int) -> bool:
    """Within the ISP's minimum and maximum for one payment."""
    rules = tenant.config.payments
    return rules.min_amount <= amount <= rules.max_amount


class Why(StrEnum):
    """Why the suggested amount is what it is; the pay page says it in words."""

    DEBT = "debt"  # clears the debt and pays the next month
    DEBT_CAPPED = "debt_capped"  # the most one payment may be: less than the debt and a month
    TOP_UP = "top_up"  # with the balance there is, it pays the next month
    MONTH = "month"  # nothing on the balance: what the next month costs
    MONTH_CAPPED = "month_capped"  # the most one payment may be: less than the month needs
    COVERED = "covered"  # the balance already pays the next month: one more month's fee
    MINIMUM = "minimum"  # less is needed than the smallest payment the ISP takes


@dataclass(frozen=True)
class Suggestion:
    amount: int  # kopecks, within the ISP's minimum and maximum
    why: Why
    covered: bool  # the balance already pays for the next month
    needed: int  # what the reason asks for before the limits: debt + month, or the rest


def suggestion(tenant: Tenant, balance: int, monthly_total: int) -> Suggestion:
    """What to pay: the debt and the next month, or what the month still needs, or one more
    month's fee when the balance already covers the next; never outside the ISP's limits."""
    rules = tenant.config.payments
    covered = balance >= 0 and balance >= monthly_total
    if balance < 0:
        needed, why = monthly_total - balance, Why.DEBT
    elif not covered:
        needed, why = monthly_total - balance, Why.TOP_UP if balance else Why.MONTH
    else:
        needed, why = monthly_total, Why.COVERED
    amount = clamp(needed, rules.min_amount, rules.max_amount)
    if amount < needed:
        why = Why.DEBT_CAPPED if balance < 0 else Why.MONTH_CAPPED
    elif amount > needed and why in (Why.MONTH, Why.COVERED):
        why = Why.MINIMUM  # «what the month costs» or «the monthly fee» would not be true
    return Suggestion(amount, why, covered, needed)


def new_reference() -> str:
    """A reference hard to guess and easy to read out on the phone."""
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(12))


@dataclass(frozen=True)
class NewPayment:
    account_id: int
    method: PaymentMethod
    amount: int
    kind: PaymentKind = PaymentKind.OWN
    payer_subscriber_id: int | None = None
    payer_email: str | None = None
    save_card: bool = False
    locale: str | None = None  # the payer's language, for the receipt
    method_choice: str | None = None


def choice_allowed(method: PaymentMethod, code: str | None) -> bool:
    """The pick is one of the method's wallets or banks; no pick for a method without them."""
    if not method.choices:
        return code is None
    return any(c.code == code for c in method.choices)


def method_choice(tenant: Tenant, method_code: str, code: str | None) -> MethodChoice | None:
    """The wallet or bank a payment was made through, as the tenant names it."""
    method = method_by_code(tenant, method_code)
    if method is None or code is None:
        return None
    return next((c for c in method.choices if c.code == code), None)


def create_payment(tenant: Tenant, new: NewPayment, reference: str | None = None) -> Payment:
    """Record a pending payment; the caller commits before sending the payer to the provider."""
    if not amount_allowed(tenant, new.amount):
        raise ValueError("amount outside the tenant's limits")
    if not choice_allowed(new.method, new.method_choice):
        raise ValueError("not one of the method's wallets or banks")
    payment = Payment(
        tenant=tenant.slug,
        reference=reference or new_reference(),
        account_id=new.account_id,
        payer_subscriber_id=new.payer_subscriber_id,
        kind=new.kind,
        method=new.method.code,
        method_choice=new.method_choice,
        amount=new.amount,
        currency=tenant.config.currency,
        status=PaymentStatus.PENDING,
        provider=tenant.config.payments.provider,
        save_card=new.save_card and new.method.kind == MethodKind.CARD,
        payer_email=new.payer_email or None,
        locale=new.locale,
    )
    db.session.add(payment)
    db.session.flush()
    audit.record(
        tenant.slug,
        "payment.started",
        subscriber_id=new.payer_subscriber_id or holder_of(tenant.slug, new.account_id),
        target=f"account:{new.account_id}",
        after={"amount": new.amount, "method": new.method.code, "reference": payment.reference},
    )
    return payment


def notify_url(tenant: Tenant) -> str:
    """Where the provider posts notifications: the tenant's configured host, never the request's."""
    return public_url(tenant, f"/payments/notify/{tenant.config.payments.provider}")


def start_payment(tenant: Tenant, payment: Payment, method: PaymentMethod, return_url: str) -> str:
    """Register the payment with the provider; the URL the payer's browser goes to next.

    A provider that cannot be reached fails the payment and raises ProviderUnavailable.
    """
    provider = get_provider(payment.provider)
    order = order_of(tenant, payment, method.kind.value)
    try:
        redirect = provider.start(order, return_url, notify_url(tenant))
    except ProviderUnavailable as exc:
        # The payer reads «not answering, nothing was charged»; the operator reads why.
        log.warning("payment %s not started: %s", payment.reference, exc)
        payment.status = PaymentStatus.FAILED
        payment.failure_reason = FailureReason.UNAVAILABLE.value
        db.session.flush()
        raise
    payment.provider_payment_id = redirect.provider_payment_id
    db.session.flush()
    return redirect.url


def find_payment(tenant: Tenant, reference: str) -> Payment | None:
    """A payment of this tenant by its reference."""
    return db.session.scalar(owned(Payment, tenant).where(Payment.reference == reference))


def payments_by_reference(tenant: Tenant, references: Iterable[str]) -> dict[str, Payment]:
    """This tenant's payments with these references, by reference, in one query."""
    wanted = set(references)
    if not wanted:
        return {}
    rows = db.session.scalars(owned(Payment, tenant).where(Payment.reference.in_(wanted)))
    return {payment.reference: payment for payment in rows}


def method_by_code(tenant: Tenant, code: str) -> PaymentMethod | None:
    """The tenant's method with this code, whatever the region."""
    return next((m for m in tenant.config.payments.methods if m.code == code), None)


# Refunds to the card, for the staff console (app/staff reaches payments only through here).
from .models import PaymentRefund, RefundStatus  # noqa: E402, F401
from .refunds import (  # noqa: E402, F401
    RefundOutcome,
    RefundRefusal,
    account_of_refund,
    approve_refund,
    online_payments,
    refund_of,
    refunds_of,
    refuse_refund,
    request_refund,
    send_refund,
    unrefunded,
)
