"""The e-mail receipt sent to a payer who gave an address, once the payment is credited.

It follows the bank's notice, not a page: it is written throughout in the language the
payer used when paying (the ISP's default if unknown) and shows the time where the
account holder lives: the region's timezone, not the ISP's head office's.
"""

import logging
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from flask_babel import force_locale
from flask_babel import gettext as _

from app.core.money import money
from app.core.scoped import get_owned
from app.core.signals import payment_credited
from app.core.subscribers import Account, account_region
from app.notify.service import DeliveryError, send_email
from app.tenancy.registry import Tenant

from .lookup import mask_number
from .models import Payment
from .service import method_by_code

log = logging.getLogger("app.payments")


def _locale(tenant: Tenant, payment: Payment) -> str:
    """The language the payer used; the receipt follows the bank's notice, not a page."""
    available = tenant.config.locales.available
    return payment.locale if payment.locale in available else tenant.config.locales.default


def receipt_text(tenant: Tenant, payment: Payment, account_number: str) -> str:
    """A short plain-text receipt: ISP, account, amount, date, payment reference."""
    locale = _locale(tenant, payment)
    zone = ZoneInfo(tenant.timezone(account_region(tenant, payment.account_id)))
    # Forced, so that gettext and the money helper speak it outside a request too.
    with force_locale(locale):
        moment = format_datetime(payment.completed_at, "medium", tzinfo=zone, locale=locale)
        method = method_by_code(tenant, payment.method)
        lines = [
            f"{tenant.text(tenant.config.name, locale)} ({tenant.config.legal_name})",
            _("Payment received. Thank you!"),
            "",
            _("Account: %(number)s", number=mask_number(account_number)),
            _("Amount: %(amount)s", amount=money(payment.amount)),
            _("Date: %(date)s", date=moment),
            _("Payment reference: %(reference)s", reference=payment.reference),
        ]
        if method is not None:
            lines.append(_("Method: %(method)s", method=tenant.text(method.name, locale)))
    return "\n".join(lines) + "\n"


def receipt_subject(tenant: Tenant, payment: Payment) -> str:
    """The e-mail's subject, in the receipt's language."""
    with force_locale(_locale(tenant, payment)):
        return _("Payment receipt %(reference)s", reference=payment.reference)


def subscribe() -> None:
    """E-mail a receipt whenever a payment is credited."""
    payment_credited.connect(_on_payment_credited)


def _on_payment_credited(tenant: Tenant, payment_id: int) -> None:
    send_receipt(tenant, payment_id)


def send_receipt(tenant: Tenant, payment_id: int) -> bool:
    """E-mail the receipt if the payer gave an address; False when it could not be sent."""
    payment = get_owned(Payment, tenant, payment_id)
    if payment is None or not payment.payer_email:
        return True
    account = get_owned(Account, tenant, payment.account_id)
    subject = receipt_subject(tenant, payment)
    text = receipt_text(tenant, payment, account.number)
    try:
        send_email(tenant, payment.payer_email, subject, text)
    except DeliveryError:
        # The money is credited; a lost receipt is logged, never a reason to undo anything.
        log.warning("receipt for payment %s could not be sent", payment.reference)
        return False
    return True
