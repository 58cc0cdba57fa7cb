"""provisioning_outbox and usage_record: service changes to the network, traffic back

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 21:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('provisioning_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.String(length=36), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('account_number', sa.String(length=40), nullable=False),
    sa.Column('point_id', sa.Integer(), nullable=True),
    sa.Column('event', sa.String(length=30), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
    sa.Column('claimed_at', sa.DateTime(), nullable=True),
    sa.Column('delivered_at', sa.DateTime(), nullable=True),
    sa.Column('last_error', sa.String(length=300), nullable=True),
    sa.Column('tenant', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_provisioning_outbox_account_id_account')),
    sa.ForeignKeyConstraint(['point_id'], ['service_point.id'], name=op.f('fk_provisioning_outbox_point_id_service_point')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_provisioning_outbox')),
    sa.UniqueConstraint('event_id', name=op.f('uq_provisioning_outbox_event_id'))
    )
    with op.batch_alter_table('provisioning_outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_provisioning_outbox_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_provisioning_outbox_tenant'), ['tenant'], unique=False)
        batch_op.create_index('ix_provisioning_outbox_due', ['status', 'next_attempt_at'], unique=False)

    op.create_table('usage_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('point_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('bytes_in', sa.BigInteger(), nullable=False),
    sa.Column('bytes_out', sa.BigInteger(), nullable=False),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.Column('tenant', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['point_id'], ['service_point.id'], name=op.f('fk_usage_record_point_id_service_point')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_usage_record')),
    sa.UniqueConstraint('point_id', 'day', name=op.f('uq_usage_record_point_id_day'))
    )
    with op.batch_alter_table('usage_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_usage_record_tenant'), ['tenant'], unique=False)


def downgrade():
    with op.batch_alter_table('usage_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_usage_record_tenant'))

    op.drop_table('usage_record')
    with op.batch_alter_table('provisioning_outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_provisioning_outbox_due')
        batch_op.drop_index(batch_op.f('ix_provisioning_outbox_tenant'))
        batch_op.drop_index(batch_op.f('ix_provisioning_outbox_account_id'))

    op.drop_table('provisioning_outbox')
