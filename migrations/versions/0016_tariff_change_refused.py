"""tariff_change: a scheduled change refused when it came due, and the sum it lacked

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 07:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('tariff_change', schema=None) as batch_op:
        batch_op.add_column(sa.Column('refused_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('missing', sa.BigInteger(), nullable=True))


def downgrade():
    with op.batch_alter_table('tariff_change', schema=None) as batch_op:
        batch_op.drop_column('missing')
        batch_op.drop_column('refused_at')
