"""SMS.ru (https://sms.ru/api): SMS_PROVIDER=smsru.

One POST to <SMSRU_API_URL>/sms/send with api_id, to, msg, from and json=1; the answer says
per number whether it was taken ("OK" with the gateway's sms_id) or refused (a status_code).
The account is SMSRU_API_ID, or SMSRU_<SLUG>_API_ID for an ISP with its own; the sender name
is the ISP's notifications.sms.sender. Errors carry the gateway's code, never the text (it
holds one-time codes) nor the whole number.

A text whose answer did not come in SMS_TIMEOUT seconds may still have been taken; SMS.ru
knows no client-side id to ask about it, so it is tried again later, and a code arriving
twice is the lesser harm than one that never does. A text the gateway has answered for is
never sent again: its sms_id is kept on the queued message (app/notify/queue.py).

Delivery reports: SMS.ru posts them to the callback URL of the account (callback.py).
"""

import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping

from flask import current_app

from app.config import ConfigError
from app.tenancy import registry_of

from .delivery import DeliveryError
from .sms import mask_phone

log = logging.getLogger("app.notify")

# Refusals the same text to the same number meets again tomorrow: wrong number, no text,
# too long, a number that may not get messages or is in the stop list, too many numbers.
# Everything else (a bad api_id, no money, an unapproved sender, limits, the gateway's own
# trouble) is the operator's or the gateway's to fix, after which a later try succeeds.
PERMANENT = {202, 203, 205, 207, 209, 213}


class SmsRuProvider:
    """Sends through SMS.ru's HTTP API with a bounded timeout."""

    def __init__(self, config: Mapping):
        base = config["SMSRU_API_URL"].rstrip("/")
        if urllib.parse.urlsplit(base).scheme not in ("https", "http"):
            raise ConfigError(f"SMSRU_API_URL must be an http(s) URL, not {base!r}")
        self.url = base + "/sms/send"
        self.timeout = float(config["SMS_TIMEOUT"])
        if not 0 < self.timeout <= 60:
            raise ConfigError("SMS_TIMEOUT must be more than 0 and at most 60 seconds")
        self.api_id = config.get("SMSRU_API_ID")
        self.tenant_ids = dict(config.get("SMSRU_TENANT_API_IDS") or {})

    def api_id_for(self, tenant_slug: str) -> str | None:
        """The ISP's own account if it has one, else the portal's."""
        return self.tenant_ids.get(tenant_slug.upper().replace("-", "_")) or self.api_id

    def send(self, tenant_slug: str, phone: str, text: str) -> str:
        """Hand one text to SMS.ru; the sms_id it gave, or DeliveryError with its code."""
        api_id = self.api_id_for(tenant_slug)
        if not api_id:
            raise DeliveryError(f"smsru: no api_id for tenant {tenant_slug} (SMSRU_API_ID)")
        number = phone.lstrip("+")
        fields = {"api_id": api_id, "to": number, "msg": text, "json": "1"}
        sender = _sender(tenant_slug)
        if sender:
            fields["from"] = sender
        answer = self._post(fields)
        where = f"tenant={tenant_slug} phone={mask_phone(phone)}"
        if answer.get("status") != "OK":
            raise _refused(answer, where)
        taken = (answer.get("sms") or {}).get(number) or {}
        if taken.get("status") != "OK" or not taken.get("sms_id"):
            raise _refused(taken, where)
        sms_id = str(taken["sms_id"])
        log.info("sms taken by smsru: %s sms_id=%s chars=%d", where, sms_id, len(text))
        return sms_id

    def _post(self, fields: dict) -> dict:
        body = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(self.url, data=body, method="POST")
        try:
            # The scheme was checked at start-up: http(s) only.
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # nosec B310
                raw = response.read(64 * 1024)
        except urllib.error.HTTPError as exc:
            raise DeliveryError(f"smsru: HTTP {exc.code}") from None
        except TimeoutError as exc:
            raise DeliveryError(f"smsru: no answer within {self.timeout:g} s") from exc
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, TimeoutError):
                raise DeliveryError(f"smsru: no answer within {self.timeout:g} s") from None
            raise DeliveryError(f"smsru: {type(reason).__name__}: {reason}") from None
        except OSError as exc:
            raise DeliveryError(f"smsru: {type(exc).__name__}") from None
        try:
            answer = json.loads(raw)
        except ValueError:
            raise DeliveryError("smsru: the answer is not JSON") from None
        if not isinstance(answer, dict):
            raise DeliveryError("smsru: the answer is not a JSON object")
        return answer


def _sender(tenant_slug: str) -> str | None:
    tenant = registry_of(current_app).tenants.get(tenant_slug)
    return tenant.config.notifications.sms.sender if tenant is not None else None


def _refused(answer: dict, where: str) -> DeliveryError:
    # The code only: status_text is the gateway's prose, and nothing of the text goes to logs.
    try:
        code = int(answer.get("status_code"))
    except (TypeError, ValueError):
        code = 0
    return DeliveryError(f"smsru refused: {where} status_code={code}", permanent=code in PERMANENT)
