"""option_activation: the history of options switched on, asked for, ended or refused

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 21:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

OPEN_SQL = "address IS NOT NULL AND status IN ('requested', 'scheduled', 'active')"


def upgrade():
    op.create_table('option_activation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('point_id', sa.Integer(), nullable=True),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=True),
    sa.Column('price', sa.BigInteger(), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decided_reason', sa.String(length=300), nullable=True),
    sa.Column('tenant', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_option_activation_account_id_account')),
    sa.ForeignKeyConstraint(['point_id'], ['service_point.id'], name=op.f('fk_option_activation_point_id_service_point')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_option_activation'))
    )
    with op.batch_alter_table('option_activation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_option_activation_tenant'), ['tenant'], unique=False)
        batch_op.create_index('ix_option_activation_account', ['account_id', 'code', 'starts_at'], unique=False)
        batch_op.create_index('ix_option_activation_status', ['tenant', 'status'], unique=False)
        batch_op.create_index('uq_option_activation_address', ['tenant', 'code', 'address'], unique=True, postgresql_where=sa.text(OPEN_SQL), sqlite_where=sa.text(OPEN_SQL))


def downgrade():
    with op.batch_alter_table('option_activation', schema=None) as batch_op:
        batch_op.drop_index('uq_option_activation_address')
        batch_op.drop_index('ix_option_activation_status')
        batch_op.drop_index('ix_option_activation_account')
        batch_op.drop_index(batch_op.f('ix_option_activation_tenant'))

    op.drop_table('option_activation')
