"""Composing a tenant's e-mail and handing it to the SMTP server in one session.

Every message has a Date, a Message-ID in the sender's domain and a MIME structure
(text/plain, with text/html as its alternative), so it can be signed as it is: with
DKIM_SELECTOR and DKIM_PRIVATE_KEY_FILE set, the worker signs each message (dkimpy) just
before it goes to SMTP, for DKIM_DOMAIN or else the From address's domain. A notice the
subscriber may turn off carries List-Unsubscribe and List-Unsubscribe-Post (RFC 8058).
"""

import smtplib
import socket
import ssl
from collections.abc import Mapping
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

import dkim

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


# What the signature covers: what a reader sees and what says where the message goes.
SIGNED_HEADERS = (
    "From",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "MIME-Version",
    "Content-Type",
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
)


def compose(
    from_: Address,
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    unsubscribe: str | None = None,
) -> EmailMessage:
    """A UTF-8 message: the text part, plus the HTML as an alternative when given; with
    the one-click unsubscribe headers when an unsubscribe link is given."""
    message = EmailMessage()
    message["From"] = from_
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(utcnow())
    # The sender's domain, not make_msgid's default getfqdn(), which may wait on DNS.
    message["Message-ID"] = make_msgid(domain=from_.domain or "localhost")
    if unsubscribe is not None:
        message["List-Unsubscribe"] = f"<{unsubscribe}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
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
        signed = dkim_signed(message, config)
        if signed is None:
            client.send_message(message)
        else:
            sender = message["From"].addresses[0].addr_spec
            client.sendmail(sender, [message["To"].addresses[0].addr_spec], signed)


def dkim_signed(message: EmailMessage, config: Mapping) -> bytes | None:
    """The message as sent, with a DKIM-Signature first; None when DKIM is not set up."""
    selector, key_file = config.get("DKIM_SELECTOR"), config.get("DKIM_PRIVATE_KEY_FILE")
    if not (selector and key_file):
        return None
    with open(key_file, "rb") as key:
        private_key = key.read()
    domain = config.get("DKIM_DOMAIN") or message["From"].addresses[0].domain
    raw = message.as_bytes(policy=policy.SMTP)
    present = [name.encode() for name in SIGNED_HEADERS if name in message]
    signature = dkim.sign(
        raw,
        selector.encode(),
        domain.encode(),
        private_key,
        canonicalize=(b"relaxed", b"relaxed"),
        include_headers=present,
    )
    return signature + raw
