"""the language a payment was made in, for its receipt

Revision ID: 0008
Revises: 0007_payment_method_choice
Create Date: 2026-12-01 22:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = "0008"
down_revision = "0007_payment_method_choice"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("payment") as batch:
        batch.add_column(sa.Column("locale", sa.String(length=10), nullable=True))


def downgrade():
    with op.batch_alter_table("payment") as batch:
        batch.drop_column("locale")
