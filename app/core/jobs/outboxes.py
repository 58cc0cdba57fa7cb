"""What waits in each outbox, for `flask jobs status` and monitoring."""

import sqlalchemy as sa

from app.core import outbox
from app.extensions import db
from app.persistence import utcnow

_OUTBOXES: dict[str, type] = {}


def watch(name: str, model: type) -> None:
    """Count an outbox's rows (a model with app/core/outbox.py's columns) in the status."""
    _OUTBOXES[name] = model


def outbox_counts() -> dict[str, dict]:
    """Per outbox: rows due now, rows given up, and how long the oldest due one has waited."""
    now = utcnow()
    counts = {}
    for name, model in _OUTBOXES.items():
        due, oldest = db.session.execute(
            sa.select(sa.func.count(), sa.func.min(model.next_attempt_at)).where(
                outbox.due(model, now)
            )
        ).one()
        failed = db.session.scalar(
            sa.select(sa.func.count()).select_from(model).where(model.status == "failed")
        )
        counts[name] = {
            "due": due,
            "failed": failed,
            "oldest_due_seconds": (now - oldest).total_seconds() if oldest else None,
        }
    return counts
