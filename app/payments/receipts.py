"""The e-mail receipt sent to a payer who gave an address, once the payment is credited,
and the account holder's notice of it: one message each, never two to one person.

The receipt follows the bank's notice, not a page: it is written throughout in the
language the payer used when paying (the ISP's default if unknown) and shows the time
where the account holder lives: the region's timezone, not the ISP's head office's.

The holder hears through the channel they chose for «payment credited» (notification
centre); by e-mail the receipt itself is that notice. A holder who paid and asked for the
receipt has it already: it is their notice, sent at once, whatever the hour. A payment that
lifts a debt suspension says so in that one notice: no «access restored» besides.
"""

import dataclasses
import logging

import app.notify.service as notify
from app.core.scoped import get_owned
from app.core.signals import payment_credited
from app.core.subscribers import Account, account_region
from app.tenancy.registry import Tenant

from .lookup import mask_number
from .models import Payment
from .service import method_by_code

log = logging.getLogger("app.payments")


def _locale(tenant: Tenant, payment: Payment) -> str:
    """The language the payer used; the receipt follows the bank's notice, not a page."""
    available = tenant.config.locales.available
    return payment.locale if payment.locale in available else tenant.config.locales.default


def subscribe() -> None:
    """E-mail a receipt whenever a payment is credited."""
    payment_credited.connect(_on_payment_credited)


def _on_payment_credited(tenant: Tenant, payment_id: int, restored: bool = False) -> None:
    send_receipt(tenant, payment_id, restored)


def send_receipt(tenant: Tenant, payment_id: int, restored: bool = False) -> bool:
    """Queue the receipt if the payer gave an address, and the holder's notice unless that
    receipt is theirs; False when the receipt cannot be sent to the address given.

    restored: the payment lifted a debt suspension, which the holder's notice then says."""
    payment = get_owned(Payment, tenant, payment_id)
    if payment is None:
        return True
    account = get_owned(Account, tenant, payment.account_id)
    receipt = _receipt(tenant, payment, account)
    # Access is the holder's business: only their own message tells it.
    holders = dataclasses.replace(receipt, restored=restored)
    holder = account.contract.subscriber
    own = _holders_own(payment, holder)
    if not own:
        facts = {"account": account.number, "balance": account.balance}
        channel = notify.tell(
            tenant,
            holder.id,
            "payment_credited",
            receipt=holders,
            amount=payment.amount,
            restored=restored,
            **facts,
        )
        if restored and channel == "none":
            # No payment notices wanted: access back is still told, the suspension's way.
            notify.tell(tenant, holder.id, "resumed", **facts)
    if not payment.payer_email:
        return True
    try:
        notify.send_payment_receipt(
            tenant, payment.payer_email, holders if own else receipt, _locale(tenant, payment)
        )
    except ValueError:
        # The money is credited; an address no e-mail can go to is logged, never a reason
        # to undo anything.
        log.warning("receipt for payment %s could not be queued", payment.reference)
        return False
    return True


def _holders_own(payment: Payment, holder) -> bool:
    """Whether the receipt the payer asked for goes to the holder themselves."""
    if not payment.payer_email:
        return False
    if payment.payer_subscriber_id == holder.id:
        return True
    return bool(holder.email) and holder.email.casefold() == payment.payer_email.casefold()


def _receipt(tenant: Tenant, payment: Payment, account: Account):
    method = method_by_code(tenant, payment.method)
    return notify.PaymentReceipt(
        reference=payment.reference,
        account=mask_number(account.number),
        amount=payment.amount,
        paid_at=payment.completed_at,
        zone=tenant.timezone(account_region(tenant, payment.account_id)),
        method=method.name if method else None,
    )
