"""the wallet or bank picked within a payment method

Revision ID: 0007_payment_method_choice
Revises: 0006
Create Date: 2026-11-26 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0007_payment_method_choice"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("method_choice", sa.String(length=40), nullable=True))
    with op.batch_alter_table("sandbox_operation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("choice", sa.String(length=40), nullable=True))


def downgrade():
    with op.batch_alter_table("sandbox_operation", schema=None) as batch_op:
        batch_op.drop_column("choice")
    with op.batch_alter_table("payment", schema=None) as batch_op:
        batch_op.drop_column("method_choice")
