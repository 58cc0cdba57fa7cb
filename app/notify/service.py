"""What other features call to reach a subscriber: the messages, the queue, the SMS outbox,
and `tell` for every notice a subscriber chooses a channel for (notification centre).

Everything here only queues (app.notify.queue): nothing is sent inside a request.

    notify.tell(tenant, subscriber_id, "request_answered", number="R-12")

picks the channel the subscriber chose for the notice's event (the ISP's default else),
holds it until their quiet hours end, and writes it in their language. The notices and
the facts each needs are in app/notify/notices.py (NOTICES).
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
from .notices import NOTICES
from .preferences import channel_for, choices, offered, quiet_hours, reachable
from .profile_messages import (
    send_already_registered,
    send_cabinet_linked,
    send_connection_password,
    send_link_code,
    send_registration_link,
)
from .queue import queue_email, queue_sms
from .sent import CHANNELS as MESSAGE_CHANNELS
from .sent import STATUSES as MESSAGE_STATUSES
from .sent import message, message_to, messages, messages_to, resend, resendable, shown_body
from .tell import tell, tell_holders, tell_once

__all__ = [
    "MESSAGE_CHANNELS",
    "MESSAGE_STATUSES",
    "NOTICES",
    "PaymentReceipt",
    "TransferNotice",
    "channel_for",
    "choices",
    "mask_email",
    "message",
    "message_to",
    "messages",
    "messages_to",
    "offered",
    "queue_email",
    "queue_sms",
    "quiet_hours",
    "reachable",
    "resend",
    "resendable",
    "send_already_registered",
    "send_cabinet_linked",
    "send_connection_password",
    "send_contact_code",
    "send_link_code",
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
    "shown_body",
    "sms_outbox",
    "tell",
    "tell_holders",
    "tell_once",
]
