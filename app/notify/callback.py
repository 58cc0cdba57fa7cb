"""SMS.ru's delivery reports: the status of each text it took, posted to the account's
callback URL, matched to the queued message by the gateway's sms_id.

SMS.ru posts form fields data[] (up to 100 at once), each one report of lines:
"sms_status", the sms_id, the status code, the Unix time. It signs nothing, so the URL
carries a secret (SMSRU_CALLBACK_TOKEN), and it expects the answer "100". The callback is
set once per SMS.ru account, which several ISPs may share: the message's own row, found by
the sms_id, tells the tenant. A report for an id the portal did not send is ignored, and
one already applied changes nothing.
"""

import hmac
import logging
from collections.abc import Iterable
from datetime import UTC, datetime

import sqlalchemy as sa

from app.extensions import db

from .models import QueuedMessage

log = logging.getLogger("app.notify")

DELIVERED = "delivered"
NOT_DELIVERED = "not_delivered"
IN_TRANSIT = "in_transit"
# SMS.ru's status codes: 100–102 on the way, 103 delivered (110: read, in Viber), 104
# lifetime expired, 105 deleted by the operator, 106 phone failure, 107 unknown reason,
# 108 rejected, 150 no route to the number.
STATUS_OF = {100: IN_TRANSIT, 101: IN_TRANSIT, 102: IN_TRANSIT, 103: DELIVERED, 110: DELIVERED}
FINAL = {DELIVERED, NOT_DELIVERED}
MAX_REPORTS = 100


def token_matches(expected: str | None, given: str) -> bool:
    """Whether the URL's token is the configured one; never, when none is configured."""
    if not expected:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


def apply_reports(entries: Iterable[str]) -> int:
    """Record each report on its message; how many changed a message."""
    changed = 0
    for entry in list(entries)[:MAX_REPORTS]:
        report = _parse(entry)
        if report is not None:
            changed += _apply(*report)
    return changed


def _parse(entry: str) -> tuple[str, int, datetime | None] | None:
    lines = entry.strip().splitlines()
    if len(lines) < 3 or lines[0].strip() != "sms_status":
        return None  # SMS.ru also posts other kinds of callbacks (e.g. a call check)
    sms_id = lines[1].strip()
    try:
        code = int(lines[2])
    except ValueError:
        return None
    when = None
    if len(lines) > 3:
        try:
            when = datetime.fromtimestamp(int(lines[3]), UTC)
        except (ValueError, OverflowError, OSError):
            when = None
    if not sms_id or len(sms_id) > 64:
        return None
    return sms_id, code, when


def _apply(sms_id: str, code: int, when: datetime | None) -> bool:
    status = STATUS_OF.get(code, NOT_DELIVERED if code >= 104 else None)
    if status is None:
        return False
    message = db.session.scalar(sa.select(QueuedMessage).where(QueuedMessage.provider_id == sms_id))
    if message is None:
        log.info("sms status for an unknown sms_id ignored: code=%d", code)
        return False
    # A late «on its way» does not undo a final answer; the same report twice changes nothing.
    if message.delivery_status == status or (
        message.delivery_status in FINAL and status == IN_TRANSIT
    ):
        return False
    message.delivery_status = status
    message.delivered_at = when if status == DELIVERED else None
    log.info(
        "sms status: id=%s tenant=%s sms_id=%s code=%d %s",
        message.id,
        message.tenant,
        sms_id,
        code,
        status,
    )
    return True
