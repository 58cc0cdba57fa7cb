"""message_queue: the gateway's id of a sent SMS, its delivery status, and the
List-Unsubscribe link of a notice e-mail

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-04 19:40:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("message_queue", schema=None) as batch_op:
        batch_op.add_column(sa.Column("provider_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("delivery_status", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("delivered_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("unsubscribe_url", sa.String(length=500), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_message_queue_provider_id"), ["provider_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("message_queue", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_message_queue_provider_id"))
        batch_op.drop_column("unsubscribe_url")
        batch_op.drop_column("delivered_at")
        batch_op.drop_column("delivery_status")
        batch_op.drop_column("provider_id")
