"""SMS providers: how a text reaches a phone.

`SMS_PROVIDER` names the provider; `create_provider` builds it once at start-up, so an
unknown name stops the application from starting rather than failing at the first code.

Adding a real gateway:

1. Write one class in its own module (app/notify/smsru.py is one) with
   ``__init__(self, config: Mapping)`` reading its settings, e.g. ``SMS_EXAMPLE_URL`` and
   ``SMS_EXAMPLE_TOKEN``, and ``send(tenant_slug, phone, text)`` that calls the gateway
   with a bounded timeout, returns the gateway's id of the accepted text (or None) and
   raises ``app.notify.delivery.DeliveryError`` when it could not deliver. It must not log
   the text: texts carry one-time codes.
2. Add its name to ``PROVIDERS`` where app/notify/__init__.py registers the others:
   ``PROVIDERS.setdefault("example", ExampleSmsProvider)``.
3. Add its settings to ``load_settings`` in app/config.py, read from the environment,
   and check there that a production deployment sets them.

A gateway that needs different credentials per ISP reads them keyed by the tenant slug
it is given; no tenant slug is ever written in code.
"""

import logging
from collections.abc import Callable, Mapping
from typing import Protocol

from app.config import ConfigError
from app.extensions import db
from app.observe.masking import mask_phone

from .models import SmsMessage

log = logging.getLogger("app.notify")


class SmsProvider(Protocol):
    def send(self, tenant_slug: str, phone: str, text: str) -> str | None:
        """Deliver one text to an E.164 phone number: the gateway's id of it, or None;
        DeliveryError when it could not."""


class OutboxSmsProvider:
    """Development provider: keeps every text in the sms_message table instead of sending.

    Read them with `flask outbox show`. The row joins the caller's transaction (flush,
    no commit), so a text is kept exactly when the code that caused it is.
    """

    def __init__(self, config: Mapping):
        self.config = config

    def send(self, tenant_slug: str, phone: str, text: str) -> None:
        """Store the text in the outbox (no gateway, so no id)."""
        message = SmsMessage(tenant=tenant_slug, phone=phone, text=text)
        db.session.add(message)
        db.session.flush()
        log.info(
            "sms stored in outbox: tenant=%s phone=%s chars=%d id=%s (flask outbox show)",
            tenant_slug,
            mask_phone(phone),
            len(text),
            message.id,
        )


PROVIDERS: dict[str, Callable[[Mapping], SmsProvider]] = {
    "outbox": OutboxSmsProvider,
}


def create_provider(config: Mapping) -> SmsProvider:
    """The provider SMS_PROVIDER names; a clear ConfigError for an unknown name."""
    name = config["SMS_PROVIDER"]
    factory = PROVIDERS.get(name)
    if factory is None:
        known = ", ".join(sorted(PROVIDERS))
        raise ConfigError(f"SMS_PROVIDER {name!r} is unknown; choose one of: {known}")
    return factory(config)
