"""cabinet_link: groups of linked cabinets, one person's several contracts

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-03 12:40:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "cabinet_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subscriber_id", sa.Integer(), nullable=False),
        sa.Column("group_key", sa.String(length=32), nullable=False),
        sa.Column("linked_at", sa.DateTime(), nullable=False),
        sa.Column("proof", sa.String(length=20), nullable=False),
        sa.Column("tenant", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["subscriber_id"],
            ["subscriber.id"],
            name=op.f("fk_cabinet_link_subscriber_id_subscriber"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cabinet_link")),
        sa.UniqueConstraint("subscriber_id", name=op.f("uq_cabinet_link_subscriber_id")),
    )
    with op.batch_alter_table("cabinet_link", schema=None) as batch_op:
        batch_op.create_index("ix_cabinet_link_tenant_group", ["tenant", "group_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_cabinet_link_tenant"), ["tenant"], unique=False)


def downgrade():
    with op.batch_alter_table("cabinet_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cabinet_link_tenant"))
        batch_op.drop_index("ix_cabinet_link_tenant_group")

    op.drop_table("cabinet_link")
