"""Per-tenant running numbers (request numbers such as HR-000123 and TR-000123)."""

from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db


def next_number(counter, tenant_slug: str) -> int:
    """The tenant's next number from a counter table (columns `tenant`, `last_number`)."""
    # One atomic upsert: the counter row stays locked until commit, so two requests filed
    # at the same moment never get the same number.
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(counter)
        .values(tenant=tenant_slug, last_number=1)
        .on_conflict_do_update(
            index_elements=[counter.tenant],
            set_={"last_number": counter.last_number + 1},
        )
        .returning(counter.last_number)
    )
    return db.session.execute(statement).scalar_one()
