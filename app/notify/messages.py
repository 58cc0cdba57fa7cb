"""Every text the portal sends: SMS and e-mails, in the current language and the ISP's name.

Features hand over plain facts (a code, a link, a request's number); the wording and the
e-mail templates (templates/notify/email/) live here, so a message reads the same whichever
feature sends it, and an ISP overrides one like any other template.

Every message is written to the outbox queue (app.notify.queue) in the caller's
transaction and sent after the request, so no caller ever waits for, or hears of, a
failed delivery. A message that carries a code is not sent after the code's lifetime.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from flask import render_template
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _

from app.core.money import money
from app.tenancy.names import feature_name
from app.tenancy.registry import Tenant
from app.tenancy.types import Text

from .queue import queue_email, queue_sms


def _locale(tenant: Tenant) -> str:
    # The page's language, or the one forced for a message sent outside a page.
    return str(get_locale() or tenant.config.locales.default)


def _isp(tenant: Tenant) -> str:
    return tenant.text(tenant.config.name, _locale(tenant))


def _email(
    tenant: Tenant,
    to: str,
    subject: str,
    template: str,
    valid_for: timedelta | None = None,
    not_before: datetime | None = None,
    unsubscribe: str | None = None,
    **context,
) -> None:
    context.update(tenant=tenant, isp=_isp(tenant), subject=subject, current_locale=_locale(tenant))
    plain = render_template(f"notify/email/{template}.txt", **context)
    html = render_template(f"notify/email/{template}.html", **context)
    queue_email(tenant, to, subject, plain, html, valid_for, not_before, unsubscribe)


def send_reset_code(tenant: Tenant, phone: str, code: str) -> None:
    """SMS with the one-time code for a password reset."""
    minutes = tenant.config.recovery.code_minutes
    queue_sms(
        tenant,
        phone,
        _(
            "%(isp)s: password recovery code %(code)s, valid for %(minutes)s min. "
            "Do not tell it to anyone.",
            isp=_isp(tenant),
            code=code,
            minutes=minutes,
        ),
        valid_for=timedelta(minutes=minutes),
    )


def send_reset_link(tenant: Tenant, email: str, link: str) -> None:
    """E-mail with the link that opens the new-password page."""
    _email(
        tenant,
        email,
        _("%(isp)s: setting a new password", isp=_isp(tenant)),
        "reset_link",
        valid_for=timedelta(minutes=tenant.config.recovery.link_minutes),
        link=link,
        hours=tenant.config.recovery.link_minutes // 60,
        minutes=tenant.config.recovery.link_minutes,
    )


def send_temporary_password(tenant: Tenant, channel: str, to: str, password: str) -> None:
    """The one-time temporary password; it opens only the page that sets a new one."""
    minutes = tenant.config.recovery.temporary_password_minutes
    valid_for = timedelta(minutes=minutes)
    if channel == "sms":
        queue_sms(
            tenant,
            to,
            _(
                "%(isp)s: one-time password %(password)s, valid for %(minutes)s min. "
                "Log in with it and choose your own; your old password still works.",
                isp=_isp(tenant),
                password=password,
                minutes=minutes,
            ),
            valid_for=valid_for,
        )
        return
    _email(
        tenant,
        to,
        _("%(isp)s: your temporary password", isp=_isp(tenant)),
        "temporary_password",
        valid_for=valid_for,
        password=password,
        minutes=minutes,
    )


def _security_notice(tenant: Tenant, channel: str, to: str, sms: str, subject: str, template: str):
    # Sent to a contact on record, so an owner learns of a change they did not make; the
    # ISP's first phone is the one to call.
    phones = tenant.config.contacts.phones
    help_phone = phones[0].number if phones else ""
    if channel == "sms":
        queue_sms(tenant, to, sms % {"isp": _isp(tenant), "phone": help_phone})
        return
    _email(tenant, to, subject % {"isp": _isp(tenant)}, template, help_phone=help_phone)


def send_password_changed(tenant: Tenant, channel: str, to: str) -> None:
    """Notice on the other channel, so an owner learns of a reset they did not make."""
    _security_notice(
        tenant,
        channel,
        to,
        _(
            "%(isp)s: the password of your personal account was changed. "
            "If it was not you, call %(phone)s."
        ),
        _("%(isp)s: your password was changed"),
        "password_changed",
    )


def send_passkey_added(tenant: Tenant, channel: str, to: str) -> None:
    """Notice that a passkey now opens the account: whoever holds it logs in without the
    password, so an owner who did not add it must hear at once."""
    _security_notice(
        tenant,
        channel,
        to,
        _(
            "%(isp)s: a passkey was added to your personal account. "
            "If it was not you, call %(phone)s."
        ),
        _("%(isp)s: a passkey was added to your account"),
        "passkey_added",
    )


def send_contact_code(tenant: Tenant, channel: str, to: str, code: str) -> None:
    """Code proving the subscriber owns a phone or e-mail for recovery."""
    if channel == "sms":
        queue_sms(
            tenant,
            to,
            _("%(isp)s: confirmation code %(code)s.", isp=_isp(tenant), code=code),
            valid_for=timedelta(minutes=tenant.config.recovery.code_minutes),
        )
        return
    _email(
        tenant,
        to,
        _("%(isp)s: confirm your e-mail", isp=_isp(tenant)),
        "contact_code",
        valid_for=timedelta(minutes=tenant.config.recovery.code_minutes),
        code=code,
    )


@dataclass(frozen=True)
class TransferNotice:
    """What the confirmation of a wrong-account transfer request repeats back."""

    label: str
    amount: int
    paid_on: date
    correct_account: str
    address: str


def send_transfer_received(tenant: Tenant, to: str, filed: TransferNotice, link: str) -> None:
    """E-mail: the request number, what was asked, and a link to follow its status."""
    phones = tenant.config.contacts.phones
    _email(
        tenant,
        to,
        _("%(isp)s: transfer request %(number)s received", isp=_isp(tenant), number=filed.label),
        "transfer_received",
        filed=filed,
        link=link,
        help_phone=phones[0].number if phones else "",
    )


def send_promised_code(
    tenant: Tenant, phone: str, code: str, amount: int, account: str, minutes: int
) -> None:
    """SMS with the code that confirms taking a promised payment."""
    queue_sms(
        tenant,
        phone,
        _(
            "%(isp)s: code %(code)s confirms: %(name)s of %(amount)s to account "
            "%(account)s. Valid for %(minutes)s min. Do not tell it to anyone.",
            isp=_isp(tenant),
            name=feature_name(tenant, "promised_payment"),
            code=code,
            amount=money(amount),
            account=account,
            minutes=minutes,
        ),
        valid_for=timedelta(minutes=minutes),
    )


def send_tariff_code(
    tenant: Tenant, phone: str, code: str, tariff: str, address: str, minutes: int
) -> None:
    """SMS with the code that confirms a change of tariff."""
    queue_sms(
        tenant,
        phone,
        _(
            "%(isp)s: code %(code)s confirms changing the tariff at %(address)s to "
            "«%(tariff)s». Valid for %(minutes)s min. Do not tell it to anyone.",
            isp=_isp(tenant),
            code=code,
            tariff=tariff,
            address=address,
            minutes=minutes,
        ),
        valid_for=timedelta(minutes=minutes),
    )


@dataclass(frozen=True)
class PaymentReceipt:
    """What the e-mail receipt of a credited payment tells."""

    reference: str
    account: str  # already masked
    amount: int
    paid_at: datetime
    zone: str  # the account holder's region's timezone
    method: Text | None = None  # the ISP's name of the method
    restored: bool = False  # the payment lifted a debt suspension (told to the holder only)


def send_payment_receipt(
    tenant: Tenant,
    to: str,
    receipt: PaymentReceipt,
    locale: str,
    not_before: datetime | None = None,
) -> None:
    """The receipt, written throughout in `locale`: it follows the bank's notice, not a page."""
    # Forced, so that gettext, ISP text and amounts speak it outside a request too.
    with force_locale(locale):
        _email(
            tenant,
            to,
            _("Payment receipt %(reference)s", reference=receipt.reference),
            "payment_receipt",
            not_before=not_before,
            receipt=receipt,
            paid_at=format_datetime(
                receipt.paid_at, "medium", tzinfo=ZoneInfo(receipt.zone), locale=locale
            ),
            method=tenant.text(receipt.method, locale) if receipt.method else "",
        )


def send_notice(
    tenant: Tenant, to: str, subject: str, paragraphs, link: str, not_before, unsubscribe: str
) -> None:
    """E-mail one notice of the notification centre: its paragraphs, the cabinet's link and
    the one-click link that turns this kind of notice off."""
    context = dict(paragraphs=paragraphs, link=link, unsubscribe_link=unsubscribe)
    _email(tenant, to, subject, "notice", None, not_before, unsubscribe, **context)
