"""Telling a subscriber of an event through the channel they chose, outside quiet hours.

Security notices and one-time codes do not come here: they are not optional and never
wait (messages.py sends them directly).
"""

import logging
from datetime import datetime

import sqlalchemy as sa
from flask_babel import force_locale
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from app.core.scoped import get_owned
from app.core.subscribers import Account, Contract, Subscriber
from app.extensions import db
from app.persistence import utcnow
from app.tenancy.registry import Tenant
from app.tenancy.resolve import public_url

from . import unsubscribe
from .delivery import MAX_SMS_CHARS
from .messages import PaymentReceipt, send_notice, send_payment_receipt
from .models import NoticeSent
from .notices import NOTICES
from .preferences import NONE, channel_for, quiet_hours, reachable
from .queue import queue_sms
from .quiet import send_after

log = logging.getLogger("app.notify")


def locale_of(tenant: Tenant, subscriber: Subscriber) -> str:
    """The subscriber's language if the ISP speaks it, else the ISP's default."""
    available = tenant.config.locales.available
    return subscriber.locale if subscriber.locale in available else tenant.config.locales.default


def tell(
    tenant: Tenant,
    subscriber_id: int,
    notice: str,
    *,
    urgent: bool = False,
    now: datetime | None = None,
    receipt: PaymentReceipt | None = None,
    path: str = "/",
    **facts,
) -> str:
    """Queue the notice through the subscriber's channel for its event; the channel used,
    "none" when it goes nowhere. Not urgent: held until the subscriber's quiet hours end.

    notice: a key of notices.NOTICES; facts: what its wording needs (account, amount …);
    receipt: a payment's receipt, which is then the e-mail of a payment credited;
    path: the cabinet page the e-mail links to (the dashboard unless said).
    """
    subscriber = get_owned(Subscriber, tenant, subscriber_id)
    if subscriber is None:
        return NONE
    event, wording_of = NOTICES[notice]
    channel = channel_for(tenant, subscriber, event)
    if channel == NONE:
        return NONE
    zone = tenant.timezone(tenant.region(subscriber.region))
    held = None if urgent else send_after(now or utcnow(), zone, quiet_hours(tenant, subscriber_id))
    locale = locale_of(tenant, subscriber)
    try:
        if channel == "email" and receipt is not None:
            send_payment_receipt(tenant, subscriber.email, receipt, locale, not_before=held)
            return channel
        with force_locale(locale):
            wording = wording_of(tenant, **facts)
            if channel == "sms":
                queue_sms(tenant, subscriber.phone, wording.sms[:MAX_SMS_CHARS], not_before=held)
            else:
                send_notice(
                    tenant,
                    subscriber.email,
                    wording.subject,
                    wording.paragraphs,
                    public_url(tenant, path),
                    held,
                    unsubscribe=unsubscribe.link(tenant, subscriber_id, event),
                )
    except ValueError:
        # A contact no message can go to: logged, never a reason to undo what happened.
        log.warning("notice %s to subscriber %s could not be queued", notice, subscriber_id)
        return NONE
    except SQLAlchemyError:
        raise  # the caller's transaction is broken: it must not go on as if nothing happened
    except Exception:
        # A notice rides in the transaction of a payment or a charging batch: a fault in
        # its wording must not undo the money.
        log.exception("notice %s to subscriber %s failed", notice, subscriber_id)
        return NONE
    return channel


def tell_holders(tenant: Tenant, notice: str, account_ids: list[int], **facts) -> int:
    """tell() the holder of each account, with its number and balance among the facts; how
    many were told. Holders with neither contact are passed over in the one query, so a
    run that suspends thousands of accounts does not look at each of them."""
    if not account_ids:
        return 0
    rows = db.session.execute(
        sa.select(Account.number, Account.balance, Contract.subscriber_id)
        .join(Contract, Contract.id == Account.contract_id)
        .join(Subscriber, Subscriber.id == Contract.subscriber_id)
        .where(Account.tenant == tenant.slug, Account.id.in_(account_ids))
        .where(reachable(tenant))
        .order_by(Account.id)
    )
    told = 0
    for number, balance, subscriber_id in rows:
        channel = tell(tenant, subscriber_id, notice, account=number, balance=balance, **facts)
        told += channel != NONE
    return told


def tell_once(tenant: Tenant, subscriber_id: int, notice: str, key: str, **facts) -> bool:
    """tell() unless this notice was already told for key; whether it was told now.

    The key is taken with INSERT … ON CONFLICT DO NOTHING on a unique constraint, so two
    runs at once (or a rerun) tell it once, on PostgreSQL as on SQLite.
    """
    table = NoticeSent.__table__
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    taken = db.session.execute(
        insert(table)
        .values(
            tenant=tenant.slug,
            notice=notice,
            key=key,
            subscriber_id=subscriber_id,
            channel=NONE,
            created_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=["tenant", "notice", "key"])
        .returning(table.c.id)
    ).scalar()
    if taken is None:
        return False
    channel = tell(tenant, subscriber_id, notice, **facts)
    db.session.execute(table.update().where(table.c.id == taken).values(channel=channel))
    return True
