"""What a provider is told of a payment, or of a refund of one: the Order."""

from dataclasses import replace

from app.core.subscribers import holder_of, subscriber_of
from app.tenancy.registry import Tenant

from .models import Payment
from .providers import Order


def _receipt_contact(tenant: Tenant, payment: Payment) -> tuple[str | None, str | None]:
    """(e-mail, phone) for the 54-FZ receipt: the payer's e-mail, else the account holder's
    e-mail or phone; none looked up when the tenant sends no receipts."""
    if payment.payer_email or tenant.config.payments.receipt is None:
        return payment.payer_email, None
    holder = subscriber_of(tenant, holder_of(tenant.slug, payment.account_id) or 0)
    if holder is None:
        return None, None
    return holder.email or None, holder.phone or None


def order_of(tenant: Tenant, payment: Payment, method_kind: str) -> Order:
    """What the provider is told of a payment."""
    name = tenant.text(tenant.config.name, tenant.config.locales.default)
    email, phone = _receipt_contact(tenant, payment)
    return Order(
        tenant=tenant,
        reference=payment.reference,
        amount=payment.amount,
        currency=payment.currency,
        method_kind=method_kind,
        description=f"{name}: {payment.reference}",
        save_card=payment.save_card,
        payer_email=email,
        payer_phone=phone,
        method_choice=payment.method_choice,
    )


def refund_order(tenant: Tenant, payment: Payment, amount: int, reference: str) -> Order:
    """A refund of `amount` kopecks of the payment as an order: its reference is the refund's
    (the gateway's idempotence key) and the payer's contact gets the refund's receipt."""
    return replace(order_of(tenant, payment, "card"), reference=reference, amount=amount)
