"""What other features call to reach a subscriber: the messages, the queue, the SMS outbox.

Everything here only queues (app.notify.queue): nothing is sent inside a request.
"""

from .delivery import mask_email, sms_outbox
from .messages import (
    PaymentReceipt,
    TransferNotice,
    send_contact_code,
    send_passkey_added,
    send_password_changed,
    send_payment_receipt,
    send_promised_code,
    send_reset_code,
    send_reset_link,
    send_tariff_code,
    send_temporary_password,
    send_transfer_received,
)
from .profile_messages import send_already_registered, send_registration_link
from .queue import queue_email, queue_sms

__all__ = [
    "PaymentReceipt",
    "TransferNotice",
    "mask_email",
    "queue_email",
    "queue_sms",
    "send_already_registered",
    "send_contact_code",
    "send_passkey_added",
    "send_password_changed",
    "send_payment_receipt",
    "send_promised_code",
    "send_registration_link",
    "send_reset_code",
    "send_reset_link",
    "send_tariff_code",
    "send_temporary_password",
    "send_transfer_received",
    "sms_outbox",
]
