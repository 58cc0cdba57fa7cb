"""tariff_change and tariff_period: ordered tariff changes and each point's tariff history

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 20:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('tariff_period',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('point_id', sa.Integer(), nullable=False),
    sa.Column('tariff_code', sa.String(length=40), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('tenant', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['point_id'], ['service_point.id'], name=op.f('fk_tariff_period_point_id_service_point')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tariff_period'))
    )
    with op.batch_alter_table('tariff_period', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tariff_period_tenant'), ['tenant'], unique=False)
        batch_op.create_index('ix_tariff_period_point_dates', ['point_id', 'starts_on'], unique=False)

    op.create_table('tariff_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('point_id', sa.Integer(), nullable=False),
    sa.Column('from_code', sa.String(length=40), nullable=False),
    sa.Column('to_code', sa.String(length=40), nullable=False),
    sa.Column('timing', sa.String(length=20), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('fee', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('applied_at', sa.DateTime(), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.Column('tenant', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_tariff_change_account_id_account')),
    sa.ForeignKeyConstraint(['point_id'], ['service_point.id'], name=op.f('fk_tariff_change_point_id_service_point')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tariff_change'))
    )
    with op.batch_alter_table('tariff_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tariff_change_tenant'), ['tenant'], unique=False)
        batch_op.create_index(batch_op.f('ix_tariff_change_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tariff_change_point_id'), ['point_id'], unique=False)
        batch_op.create_index('ix_tariff_change_due', ['tenant', 'status', 'effective_on'], unique=False)
        batch_op.create_index(
            'uq_tariff_change_pending', ['point_id'], unique=True,
            postgresql_where=sa.text("status = 'pending'"),
            sqlite_where=sa.text("status = 'pending'"),
        )


def downgrade():
    with op.batch_alter_table('tariff_change', schema=None) as batch_op:
        batch_op.drop_index('uq_tariff_change_pending')
        batch_op.drop_index('ix_tariff_change_due')
        batch_op.drop_index(batch_op.f('ix_tariff_change_point_id'))
        batch_op.drop_index(batch_op.f('ix_tariff_change_account_id'))
        batch_op.drop_index(batch_op.f('ix_tariff_change_tenant'))
    op.drop_table('tariff_change')
    with op.batch_alter_table('tariff_period', schema=None) as batch_op:
        batch_op.drop_index('ix_tariff_period_point_dates')
        batch_op.drop_index(batch_op.f('ix_tariff_period_tenant'))
    op.drop_table('tariff_period')
