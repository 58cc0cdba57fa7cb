"""What happened, said once, heard by whichever features care (blinker, via Flask).

A feature that must react to another's event subscribes here instead of importing it:
receipts and autopay hear of payments, future notifications hear of everything. Senders
pass the tenant as the sender and the facts as keyword arguments; receivers run inside
the sender's transaction, so they flush and never commit.
"""

from blinker import Namespace

_signals = Namespace()

# sender=tenant; payment_id, account_id, amount, payer_subscriber_id, card (CardToken | None).
payment_credited = _signals.signal("payment-credited")
# sender=tenant; local_date: the daily run charged the tenant's accounts for that date.
daily_run = _signals.signal("daily-run")
# sender=tenant; subscriber_id, reason ("changed" | "reset" | "temporary").
password_changed = _signals.signal("password-changed")
# sender=tenant; account_id, old, new (AccountStatus values).
account_status_changed = _signals.signal("account-status-changed")
