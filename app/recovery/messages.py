"""The SMS and e-mails recovery sends, in the subscriber's language and the ISP's name."""

from flask import render_template
from flask_babel import gettext as _

from app.notify.service import send_email, send_sms
from app.tenancy.registry import Tenant
from app.tenancy.resolve import public_url
from app.tenancy.theming import text


def _isp(tenant: Tenant) -> str:
    return text(tenant.config.name)


def _email(tenant: Tenant, to: str, subject: str, template: str, **context) -> None:
    context.update(tenant=tenant, isp=_isp(tenant), subject=subject)
    plain = render_template(f"recovery/email/{template}.txt", **context)
    html = render_template(f"recovery/email/{template}.html", **context)
    send_email(tenant, to, subject, plain, html)


def send_reset_code(tenant: Tenant, phone: str, code: str) -> None:
    """SMS with the one-time code for a password reset."""
    minutes = tenant.config.recovery.code_minutes
    send_sms(
        tenant,
        phone,
        _(
            "%(isp)s: password recovery code %(code)s, valid for %(minutes)s min. "
            "Do not tell it to anyone.",
            isp=_isp(tenant),
            code=code,
            minutes=minutes,
        ),
    )


def send_reset_link(tenant: Tenant, email: str, token: str) -> None:
    """E-mail with the link that opens the new-password page."""
    from flask import url_for

    link = public_url(tenant, url_for("recovery.link", token=token))
    _email(
        tenant,
        email,
        _("%(isp)s: setting a new password", isp=_isp(tenant)),
        "reset_link",
        link=link,
        hours=tenant.config.recovery.link_minutes // 60,
        minutes=tenant.config.recovery.link_minutes,
    )


def send_temporary_password(tenant: Tenant, channel: str, to: str, password: str) -> None:
    """The temporary password, which must be replaced at the next login."""
    if channel == "sms":
        send_sms(
            tenant,
            to,
            _(
                "%(isp)s: temporary password %(password)s. Log in and choose your own.",
                isp=_isp(tenant),
                password=password,
            ),
        )
        return
    _email(
        tenant,
        to,
        _("%(isp)s: your temporary password", isp=_isp(tenant)),
        "temporary_password",
        password=password,
    )


def send_password_changed(tenant: Tenant, channel: str, to: str) -> None:
    """Notice on the other channel, so an owner learns of a reset they did not make."""
    phones = tenant.config.contacts.phones
    help_phone = phones[0].number if phones else ""
    if channel == "sms":
        send_sms(
            tenant,
            to,
            _(
                "%(isp)s: the password of your personal account was changed. "
                "If it was not you, call %(phone)s.",
                isp=_isp(tenant),
                phone=help_phone,
            ),
        )
        return
    _email(
        tenant,
        to,
        _("%(isp)s: your password was changed", isp=_isp(tenant)),
        "password_changed",
        help_phone=help_phone,
    )


def send_contact_code(tenant: Tenant, channel: str, to: str, code: str) -> None:
    """Code proving the subscriber owns a phone or e-mail for recovery."""
    if channel == "sms":
        send_sms(
            tenant,
            to,
            _("%(isp)s: confirmation code %(code)s.", isp=_isp(tenant), code=code),
        )
        return
    _email(
        tenant,
        to,
        _("%(isp)s: confirm your e-mail", isp=_isp(tenant)),
        "contact_code",
        code=code,
    )
