"""What happened, said once, heard by whichever features care (blinker, via Flask).

A feature that must react to another's event subscribes here instead of importing it:
receipts and autopay hear of payments, future notifications hear of everything. Senders
pass the tenant as the sender and the facts as keyword arguments. Each signal says when it
is sent: inside the sender's transaction (receivers flush, never commit) or after its commit.
"""

from blinker import Namespace

_signals = Namespace()

# After the credit is committed. sender=tenant; payment_id, restored: whether this credit
# lifted a debt suspension (its notice then says access is back: no «resumed» besides).
payment_credited = _signals.signal("payment-credited")
# After the daily charges are committed; each receiver is committed (or rolled back) on its
# own and returns a line for the operator's report. sender=tenant; local_date.
daily_run = _signals.signal("daily-run")
# Inside the transaction that stores the new password. sender=tenant; subscriber_id, reason:
# "changed" (by the subscriber), "reset", "temporary" (sent by recovery), "issued".
password_changed = _signals.signal("password-changed")
# Inside the transaction that switches the account. sender=tenant; account_id, old, new,
# cause: an app.core.ledger.Cause ("payment", "promised", "credit", "option"). The daily
# run suspends in bulk without it (app/billing/charging.py tells the holders itself).
account_status_changed = _signals.signal("account-status-changed")
# Inside the transaction that changes what the ISP's network must enforce (a tariff, an
# option, a pause or block, a speed, a new service point). sender=tenant; account_id,
# point_id (None for the whole account), event: "tariff-changed", "option-on", "option-off",
# "pause-start", "pause-end", "block-start", "block-end", "speed-changed" or "point-added"
# (a point of a contract staff created: address, tariff, speed_mbps, effective); details:
# a JSON-ready dict.
service_changed = _signals.signal("service-changed")
# Inside the request (and transaction) that begins a login session in this browser, after
# its session was renewed. sender=tenant; subscriber_id, before: what the browser's session
# held until then, so a feature may carry over what is still its own (the chat's hold).
logged_in = _signals.signal("logged-in")
# Inside the request in which staff unlock a subscriber's login: the failed tries counted
# against the account are forgotten. sender=tenant; subscriber_id.
login_unlocked = _signals.signal("login-unlocked")
