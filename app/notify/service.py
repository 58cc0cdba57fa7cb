"""What other features call to reach a subscriber: the messages, raw delivery, the outbox."""

from .delivery import DeliveryError, mask_email, send_email, send_sms, sms_outbox
from .messages import (
    PaymentReceipt,
    TransferNotice,
    send_contact_code,
    send_password_changed,
    send_payment_receipt,
    send_promised_code,
    send_reset_code,
    send_reset_link,
    send_temporary_password,
    send_transfer_received,
)

__all__ = [
    "DeliveryError",
    "PaymentReceipt",
    "TransferNotice",
    "mask_email",
    "send_contact_code",
    "send_email",
    "send_password_changed",
    "send_payment_receipt",
    "send_promised_code",
    "send_reset_code",
    "send_reset_link",
    "send_sms",
    "send_temporary_password",
    "send_transfer_received",
    "sms_outbox",
]
