"""The audit trail takes entries and gives them back; nothing changes or removes one."""

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DatabaseError

from app.core import audit
from app.extensions import db


def _one(app) -> int:
    with app.app_context():
        entry = audit.record(
            "acme",
            "password.changed",
            target="subscriber:1",
            before={"a": 1},
            after={"a": 2},
            by=audit.Actor("staff", 7, "Оля", "10.0.0.0/24"),
        )
        db.session.commit()
        return entry.id


def test_an_entry_keeps_who_what_and_where(app):
    entry_id = _one(app)
    with app.app_context():
        (entry,) = audit.entries("acme")
        assert entry.id == entry_id
        assert (entry.actor_kind, entry.actor_id, entry.actor_name) == ("staff", 7, "Оля")
        assert entry.network == "10.0.0.0/24" and entry.action == "password.changed"
        assert entry.changes() == ({"a": 1}, {"a": 2})
        assert audit.entries("tomtel") == [], "another tenant's trail is its own"
        assert audit.entries("acme", action="password") and not audit.entries(
            "acme", action="tariff"
        )


def test_the_session_refuses_to_change_or_remove_an_entry(app):
    entry_id = _one(app)
    with app.app_context():
        entry = db.session.get(audit.AuditEntry, entry_id)
        entry.action = "nothing.happened"
        with pytest.raises(audit.AppendOnly):
            db.session.flush()
        db.session.rollback()
        db.session.delete(db.session.get(audit.AuditEntry, entry_id))
        with pytest.raises(audit.AppendOnly):
            db.session.flush()
        db.session.rollback()


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_entry SET action = 'nothing.happened'", "DELETE FROM audit_entry"],
)
def test_the_database_refuses_it_too(app, statement):
    _one(app)
    with app.app_context():
        with pytest.raises(DatabaseError, match="append-only"), db.engine.begin() as conn:
            conn.execute(sa.text(statement))
        assert [e.action for e in audit.entries("acme")] == ["password.changed"]


def test_outside_a_request_the_system_acts(app):
    with app.app_context():
        assert audit.actor() == audit.SYSTEM
