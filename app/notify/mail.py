"""Composing a tenant's e-mail and handing it to the SMTP server in one session."""

import smtplib
import socket
import ssl
from collections.abc import Mapping
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from app.persistence import utcnow
from app.tenancy.registry import Tenant


def sender(tenant: Tenant, default_sender: str) -> Address:
    """The From address: the ISP's own name and address, in its default language."""
    language = tenant.config.locales.default
    mail = tenant.config.mail
    if mail is not None:
        return Address(tenant.text(mail.sender_name, language), addr_spec=mail.sender_address)
    # No mail section: the portal's address, still under the ISP's name unless the
    # setting names someone itself, so subscribers recognise whose message it is.
    name, address = parseaddr(default_sender)
    return Address(name or tenant.text(tenant.config.name, language), addr_spec=address)


def compose(
    from_: Address, to: str, subject: str, text: str, html: str | None = None
) -> EmailMessage:
    """A UTF-8 message: the text part, plus the HTML as an alternative when given."""
    message = EmailMessage()
    message["From"] = from_
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(utcnow())
    # The sender's domain, not make_msgid's default getfqdn(), which may wait on DNS.
    message["Message-ID"] = make_msgid(domain=from_.domain or "localhost")
    message.set_content(text, charset="utf-8")
    if html is not None:
        message.add_alternative(html, subtype="html", charset="utf-8")
    return message


def transmit(message: EmailMessage, config: Mapping) -> None:
    """One SMTP session: connect, secure and log in as configured, send, quit."""
    host, port = config["SMTP_HOST"], int(config["SMTP_PORT"])
    timeout = float(config["SMTP_TIMEOUT"])
    # gethostname() for EHLO: smtplib's default getfqdn() can stall on reverse DNS.
    options = {"timeout": timeout, "local_hostname": socket.gethostname()}
    security = config["SMTP_SECURITY"]
    if security == "ssl":
        client = smtplib.SMTP_SSL(host, port, context=ssl.create_default_context(), **options)
    else:
        client = smtplib.SMTP(host, port, **options)
    with client:
        if security == "starttls":
            client.starttls(context=ssl.create_default_context())
        if config.get("SMTP_USERNAME"):
            client.login(config["SMTP_USERNAME"], config.get("SMTP_PASSWORD") or "")
        client.send_message(message)
