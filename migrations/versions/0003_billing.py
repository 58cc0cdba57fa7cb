"""billing: promised payments

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 04:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('promised_payment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('fee', sa.BigInteger(), nullable=False),
    sa.Column('taken_at', sa.DateTime(), nullable=False),
    sa.Column('due_at', sa.DateTime(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('reference', sa.String(length=100), nullable=False),
    sa.Column('tenant', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_promised_payment_account_id_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_promised_payment')),
    sa.UniqueConstraint('tenant', 'reference', name=op.f('uq_promised_payment_tenant_reference'))
    )
    with op.batch_alter_table('promised_payment', schema=None) as batch_op:
        batch_op.create_index('ix_promised_payment_account_taken', ['account_id', 'taken_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_promised_payment_tenant'), ['tenant'], unique=False)
        batch_op.create_index('uq_promised_payment_open', ['account_id'], unique=True, postgresql_where=sa.text('closed_at IS NULL'), sqlite_where=sa.text('closed_at IS NULL'))


def downgrade():
    with op.batch_alter_table('promised_payment', schema=None) as batch_op:
        batch_op.drop_index('uq_promised_payment_open')
        batch_op.drop_index(batch_op.f('ix_promised_payment_tenant'))
        batch_op.drop_index('ix_promised_payment_account_taken')

    op.drop_table('promised_payment')
