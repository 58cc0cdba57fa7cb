"""Paying online: methods, amounts, recording a payment and handing it to the provider."""

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa

from app.extensions import db
from app.tenancy.registry import Tenant
from app.tenancy.resolve import public_url
from app.tenancy.schema import PaymentKind as MethodKind
from app.tenancy.schema import PaymentMethod, Region

from .models import Payment, PaymentKind, PaymentStatus
from .providers import FailureReason, Order, ProviderUnavailable, get_provider

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
AMOUNT = re.compile(r"^\d{1,9}([.,]\d{1,2})?$")


def online_methods(tenant: Tenant, region: Region | None) -> list[PaymentMethod]:
    """Methods paid from the cabinet through the provider."""
    return [m for m in tenant.payment_methods_for(region) if m.online]


def offline_methods(tenant: Tenant, region: Region | None) -> list[PaymentMethod]:
    """Methods shown as information: terminals, bank transfer, cash, autopay."""
    return [m for m in tenant.payment_methods_for(region) if not m.online]


def autopay_offered(tenant: Tenant) -> bool:
    """The ISP lists autopay among its methods and has an online card method to save a card."""
    kinds = {m.kind for m in tenant.config.payments.methods}
    return MethodKind.AUTOPAY in kinds and any(
        m.kind == MethodKind.CARD and m.online for m in tenant.config.payments.methods
    )


def parse_amount(text: str) -> int | None:
    """Roubles as typed ("500", "930,50", "1 000.5") in kopecks; None when it is not an amount."""
    cleaned = re.sub(r"[\s\u00a0₽]", "", text or "").removesuffix("руб.").removesuffix("руб")
    if not AMOUNT.match(cleaned):
        return None
    try:
        return int(Decimal(cleaned.replace(",", ".")) * 100)
    except InvalidOperation:
        return None


def amount_allowed(tenant: Tenant, amount: int) -> bool:
    """Within the ISP's minimum and maximum for one payment."""
    rules = tenant.config.payments
    return rules.min_amount <= amount <= rules.max_amount


def suggested_amount(tenant: Tenant, balance: int, monthly_total: int) -> int:
    """What clears the debt and pays the next month; a positive balance counts towards it."""
    rules = tenant.config.payments
    return min(max(monthly_total - balance, rules.min_amount), rules.max_amount)


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


def create_payment(tenant: Tenant, new: NewPayment, reference: str | None = None) -> Payment:
    """Record a pending payment; the caller commits before sending the payer to the provider."""
    if not amount_allowed(tenant, new.amount):
        raise ValueError("amount outside the tenant's limits")
    payment = Payment(
        tenant=tenant.slug,
        reference=reference or new_reference(),
        account_id=new.account_id,
        payer_subscriber_id=new.payer_subscriber_id,
        kind=new.kind,
        method=new.method.code,
        amount=new.amount,
        currency=tenant.config.currency,
        status=PaymentStatus.PENDING,
        provider=tenant.config.payments.provider,
        save_card=new.save_card and new.method.kind == MethodKind.CARD,
        payer_email=new.payer_email or None,
    )
    db.session.add(payment)
    db.session.flush()
    return payment


def notify_url(tenant: Tenant) -> str:
    """Where the provider posts notifications: the tenant's configured host, never the request's."""
    return public_url(tenant, f"/payments/notify/{tenant.config.payments.provider}")


def order_of(tenant: Tenant, payment: Payment, method_kind: str) -> Order:
    """What the provider is told of a payment."""
    name = tenant.text(tenant.config.name, tenant.config.locales.default)
    return Order(
        tenant=tenant,
        reference=payment.reference,
        amount=payment.amount,
        currency=payment.currency,
        method_kind=method_kind,
        description=f"{name}: {payment.reference}",
        save_card=payment.save_card,
        payer_email=payment.payer_email,
    )


def start_payment(tenant: Tenant, payment: Payment, method: PaymentMethod, return_url: str) -> str:
    """Register the payment with the provider; the URL the payer's browser goes to next.

    A provider that cannot be reached fails the payment and raises ProviderUnavailable.
    """
    provider = get_provider(payment.provider)
    order = order_of(tenant, payment, method.kind.value)
    try:
        redirect = provider.start(order, return_url, notify_url(tenant))
    except ProviderUnavailable:
        payment.status = PaymentStatus.FAILED
        payment.failure_reason = FailureReason.UNAVAILABLE.value
        db.session.flush()
        raise
    payment.provider_payment_id = redirect.provider_payment_id
    db.session.flush()
    return redirect.url


def find_payment(tenant: Tenant, reference: str) -> Payment | None:
    """A payment of this tenant by its reference."""
    return db.session.scalar(
        sa.select(Payment).where(Payment.tenant == tenant.slug, Payment.reference == reference)
    )


def payments_by_reference(tenant: Tenant, references: Iterable[str]) -> dict[str, Payment]:
    """This tenant's payments with these references, by reference, in one query."""
    wanted = set(references)
    if not wanted:
        return {}
    rows = db.session.scalars(
        sa.select(Payment).where(Payment.tenant == tenant.slug, Payment.reference.in_(wanted))
    )
    return {payment.reference: payment for payment in rows}


def method_by_code(tenant: Tenant, code: str) -> PaymentMethod | None:
    """The tenant's method with this code, whatever the region."""
    return next((m for m in tenant.config.payments.methods if m.code == code), None)


def run_autopay(tenant: Tenant, local_date: date) -> int:
    """Charge every autopay rule due on the tenant's local date; how many payments were credited.

    Each charge is committed on its own (see autopay.run_due_rules): it reaches the provider.
    """
    from .autopay import run_due_rules

    return run_due_rules(tenant, local_date)
