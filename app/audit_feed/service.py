"""The audit trail as people read it: what happened, who did it, what it changed.

The subscriber's Security page and the staff console's search both say it with these
words; an action without words here shows as its code, so a new one is never hidden.
"""

from flask_babel import lazy_gettext as _l

from app.core.audit import AuditEntry
from app.core.money import money

ACTIONS = {
    "login.succeeded": _l("Logged in"),
    "login.switched": _l("Switched from a linked contract"),
    "logout": _l("Logged out"),
    "password.changed": _l("Password changed"),
    "password.reset": _l("Password reset by a code"),
    "password.temporary": _l("Temporary password sent"),
    "password.issued": _l("Password issued by the ISP"),
    "password.registered": _l("First password set"),
    "contact.phone_changed": _l("Phone changed"),
    "contact.email_changed": _l("E-mail changed"),
    "contact.phone_confirmed": _l("Phone confirmed"),
    "contact.email_confirmed": _l("E-mail confirmed"),
    "recovery.switched_off": _l("Password recovery switched off"),
    "login_name.changed": _l("Login changed"),
    "profile.language_changed": _l("Language changed"),
    "notices.channel_chosen": _l("Notification channel chosen"),
    "notices.quiet_hours_set": _l("Quiet hours changed"),
    "session.ended": _l("Session on another device ended"),
    "session.ended_others": _l("Logged out on every other device"),
    "passkey.added": _l("Passkey added"),
    "passkey.removed": _l("Passkey removed"),
    "cabinet.linked": _l("Contracts linked"),
    "cabinet.unlinked": _l("Contract unlinked"),
    "tariff.ordered": _l("Tariff change ordered"),
    "tariff.cancelled": _l("Tariff change cancelled"),
    "service.tariff_changed": _l("Tariff changed"),
    "option.ordered": _l("Service ordered"),
    "option.stopped": _l("Service switched off"),
    "option.cancelled": _l("Service order cancelled"),
    "option.address_changed": _l("Fixed IP address changed"),
    "pause.asked": _l("Pause asked for"),
    "pause.resumed": _l("Service resumed after a pause"),
    "pause.cancelled": _l("Pause cancelled"),
    "service.option_on": _l("Service switched on"),
    "service.option_off": _l("Service switched off"),
    "service.pause_start": _l("Pause began"),
    "service.pause_end": _l("Pause ended"),
    "service.block_start": _l("Voluntary block began"),
    "service.block_end": _l("Voluntary block ended"),
    "service.speed_changed": _l("Speed changed"),
    "account.status_changed": _l("Access status changed"),
    "payment.started": _l("Payment started"),
    "payment.credited": _l("Payment credited"),
    "payment.failed": _l("Payment failed"),
    "autopay.switched_on": _l("Autopay switched on"),
    "autopay.changed": _l("Autopay changed"),
    "autopay.switched_off": _l("Autopay switched off"),
    "autopay.card_saved": _l("Card saved for autopay"),
    "autopay.card_removed": _l("Saved card removed"),
    "promised.taken": _l("Promised payment taken"),
    "transfer.asked": _l("Payment transfer asked for"),
    "help.request_opened": _l("Help request sent"),
    "help.replied": _l("Reply to a help request"),
    "help.closed": _l("Help request closed"),
    "help.reopened": _l("Help request reopened"),
    "visit.booked": _l("Technician visit booked"),
    "visit.moved": _l("Technician visit moved"),
    "visit.cancelled": _l("Technician visit cancelled"),
    "callback.asked": _l("Callback asked for"),
    "chat.started": _l("Chat started"),
}

# Who acted, as the subscriber reads it. A staff member's name stays in the console: the
# subscriber is told it was the ISP's staff, which is who answers for it, and a name
# would only invite calls to one person (the console's search shows who it was).
ACTORS_FOR_SUBSCRIBER = {
    "subscriber": _l("you"),
    "staff": _l("ISP staff member"),
    "system": _l("the system"),
    "visitor": _l("someone not logged in"),
}

FIELDS = {
    "tariff": _l("tariff"),
    "status": _l("status"),
    "phone": _l("phone"),
    "email": _l("e-mail"),
    "login": _l("login"),
    "language": _l("language"),
    "channel": _l("channel"),
    "hours": _l("quiet hours"),
    "amount": _l("amount"),
    "price": _l("price"),
    "fee": _l("fee"),
    "at": _l("time"),
    "name": _l("name"),
}
MONEY = {"amount", "price", "fee"}


def action_text(code: str) -> str:
    """What an action code means, in the page's language (the code itself when unknown)."""
    words = ACTIONS.get(code)
    return str(words) if words is not None else code


def _value(key: str, value) -> str:
    if value is None or value == "":
        return "—"
    if key in MONEY and isinstance(value, int):
        return money(value)
    return str(value)


def changes(entry: AuditEntry) -> list[tuple[str, str, str]]:
    """(field, before, after) of each value the entry names, in a person's words."""
    before, after = entry.changes()
    keys = list(dict.fromkeys([*before, *after]))
    return [
        (
            str(FIELDS.get(key, key)),
            _value(key, before.get(key)) if key in before else "",
            _value(key, after.get(key)) if key in after else "",
        )
        for key in keys
    ]


def actor_for_subscriber(entry: AuditEntry) -> str:
    """Who acted, as the subscriber is told: never a staff member's name."""
    words = ACTORS_FOR_SUBSCRIBER.get(entry.actor_kind)
    return str(words) if words is not None else entry.actor_kind
