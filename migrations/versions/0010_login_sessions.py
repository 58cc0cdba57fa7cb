"""login sessions per device, login history, shared demo accounts

One row per browser's login replaces the single session token per subscriber, so logging
out on one device leaves the others logged in. Open sessions are not carried over: every
subscriber logs in once more after the upgrade.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 16:30:00.000000

"""

import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "login_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant", sa.String(length=40), nullable=False),
        sa.Column("subscriber_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("browser", sa.String(length=40), nullable=False),
        sa.Column("system", sa.String(length=40), nullable=False),
        sa.Column("network", sa.String(length=50), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["subscriber_id"],
            ["subscriber.id"],
            name=op.f("fk_login_session_subscriber_id_subscriber"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_session")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_login_session_token_hash")),
    )
    with op.batch_alter_table("login_session", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_login_session_subscriber_id"), ["subscriber_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_login_session_tenant"), ["tenant"], unique=False)

    op.create_table(
        "login_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant", sa.String(length=40), nullable=False),
        sa.Column("subscriber_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.Column("browser", sa.String(length=40), nullable=False),
        sa.Column("system", sa.String(length=40), nullable=False),
        sa.Column("network", sa.String(length=50), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["subscriber_id"],
            ["subscriber.id"],
            name=op.f("fk_login_event_subscriber_id_subscriber"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_event")),
    )
    with op.batch_alter_table("login_event", schema=None) as batch_op:
        batch_op.create_index("ix_login_event_subscriber_at", ["subscriber_id", "at"], unique=False)
        batch_op.create_index(batch_op.f("ix_login_event_tenant"), ["tenant"], unique=False)

    with op.batch_alter_table("subscriber", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("shared_demo", sa.Boolean(), server_default=sa.false(), nullable=False)
        )

    with op.batch_alter_table("credential", schema=None) as batch_op:
        batch_op.drop_column("session_token")


def downgrade():
    with op.batch_alter_table("credential", schema=None) as batch_op:
        # Every subscriber is logged out: a fresh random token that no cookie carries.
        batch_op.add_column(
            sa.Column("session_token", sa.String(length=64), nullable=False, server_default="")
        )
    bind = op.get_bind()
    credential = sa.table("credential", sa.column("subscriber_id"), sa.column("session_token"))
    for (subscriber_id,) in bind.execute(sa.select(credential.c.subscriber_id)).all():
        bind.execute(
            credential.update()
            .where(credential.c.subscriber_id == subscriber_id)
            .values(session_token=secrets.token_urlsafe(32))
        )

    with op.batch_alter_table("subscriber", schema=None) as batch_op:
        batch_op.drop_column("shared_demo")

    with op.batch_alter_table("login_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_event_tenant"))
        batch_op.drop_index("ix_login_event_subscriber_at")
    op.drop_table("login_event")

    with op.batch_alter_table("login_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_session_tenant"))
        batch_op.drop_index(batch_op.f("ix_login_session_subscriber_id"))
    op.drop_table("login_session")
