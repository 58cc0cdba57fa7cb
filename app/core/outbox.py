"""What every outbox shares: rows written in a transaction, claimed by one deliverer, retried.

A row is pending until a deliverer claims it with a conditional UPDATE (pending -> sending)
that only one deliverer can win; on PostgreSQL the candidates are read with FOR UPDATE SKIP
LOCKED so two deliverers do not queue up behind each other's locks. SQLite renders no lock
and relies on the conditional UPDATE alone, as its writes are serialised. A claim older than
STALE_CLAIM belongs to a deliverer that died mid-send: the row is due again.
"""

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from logging import Logger

import sqlalchemy as sa

from app.extensions import db

PENDING = "pending"  # waiting for its (next) try
SENDING = "sending"  # claimed by one deliverer
STALE_CLAIM = timedelta(minutes=10)


def due(model, now: datetime) -> sa.ColumnElement[bool]:
    """Rows of model that a deliverer may claim now."""
    return sa.or_(
        sa.and_(model.status == PENDING, model.next_attempt_at <= now),
        sa.and_(model.status == SENDING, model.claimed_at <= now - STALE_CLAIM),
    )


def claim(model, now: datetime, limit: int, ids: Sequence[int] | None = None) -> list[int]:
    """Mark up to limit due rows (only ids, when given) as this deliverer's and commit."""
    candidates = sa.select(model.id).where(due(model, now))
    if ids is not None:
        candidates = candidates.where(model.id.in_(ids))
    candidates = candidates.order_by(model.id).limit(limit)
    found = db.session.scalars(candidates.with_for_update(skip_locked=True)).all()
    claimed = []
    for row_id in found:
        won = db.session.execute(
            sa.update(model)
            .where(model.id == row_id, due(model, now))
            .values(status=SENDING, claimed_at=now)
        )
        if won.rowcount == 1:
            claimed.append(row_id)
    db.session.commit()
    return claimed


def deliver_claimed(model, claimed: Sequence[int], attempt: Callable[[object], bool]) -> int:
    """Try each claimed row (attempt says whether it went out), one commit each; how many did.

    Every tenant's rows: a deliverer works for the whole portal.
    """
    done = 0
    for row_id in claimed:
        done += attempt(db.session.scalar(sa.select(model).where(model.id == row_id)))
        db.session.commit()
    return done


def pause_after(attempts: int, delays: Sequence[timedelta]) -> timedelta | None:
    """The pause before the next try after `attempts` failed ones; None: give up."""
    return delays[attempts - 1] if attempts <= len(delays) else None


def run_every(one_pass: Callable[[], int], every: float, log: Logger) -> None:
    """Run one_pass for ever, sleeping `every` seconds whenever it found nothing to do."""
    while True:
        try:
            done = one_pass()
        except Exception:  # e.g. the database restarting: the deliverer keeps going
            db.session.rollback()
            log.exception("delivery pass failed; trying again in %s s", every)
            done = 0
        if done == 0:
            time.sleep(every)


@dataclass(frozen=True)
class Page:
    """One page of an outbox's rows for staff, newest first; more: an older page follows."""

    rows: list
    number: int
    more: bool


def page_of(query: sa.Select, number: int, per_page: int = 50) -> Page:
    """The rows of query on page number (from 1), reading one row more to know of the next."""
    number = max(number, 1)
    rows = list(db.session.scalars(query.limit(per_page + 1).offset((number - 1) * per_page)))
    return Page(rows[:per_page], number, len(rows) > per_page)
