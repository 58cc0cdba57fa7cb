"""The confirmation e-mail a subscriber gets after filing a transfer request."""

from flask import render_template, url_for
from flask_babel import gettext as _

from app.notify.service import send_email
from app.tenancy.registry import Tenant
from app.tenancy.resolve import public_url
from app.tenancy.theming import text

from .models import TransferRequest


def send_confirmation(tenant: Tenant, to: str, filed: TransferRequest) -> None:
    """E-mail: the request number, what was asked, and a link to follow its status."""
    isp = text(tenant.config.name)
    subject = _("%(isp)s: transfer request %(number)s received", isp=isp, number=filed.label)
    phones = tenant.config.contacts.phones
    context = {
        "tenant": tenant,
        "isp": isp,
        "subject": subject,
        "filed": filed,
        "link": public_url(tenant, url_for("transfers.detail", number=filed.number)),
        "help_phone": phones[0].number if phones else "",
    }
    plain = render_template("transfers/email/confirmation.txt", **context)
    html = render_template("transfers/email/confirmation.html", **context)
    send_email(tenant, to, subject, plain, html)
