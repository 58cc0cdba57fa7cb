"""wrong-account transfer requests, their history and per-tenant numbering

Revision ID: 0005
Revises: 0002
Create Date: 2026-11-22 04:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('transfer_counter',
    sa.Column('tenant', sa.String(length=40), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('tenant', name=op.f('pk_transfer_counter'))
    )
    op.create_table('transfer_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('subscriber_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('correct_account', sa.String(length=40), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('comment', sa.String(length=1000), nullable=False),
    sa.Column('file_path', sa.String(length=200), nullable=False),
    sa.Column('original_filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=40), nullable=False),
    sa.Column('file_size', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('staff_note', sa.String(length=1000), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('tenant', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_transfer_request_account_id_account')),
    sa.ForeignKeyConstraint(['subscriber_id'], ['subscriber.id'], name=op.f('fk_transfer_request_subscriber_id_subscriber')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transfer_request')),
    sa.UniqueConstraint('tenant', 'number', name=op.f('uq_transfer_request_tenant_number'))
    )
    with op.batch_alter_table('transfer_request', schema=None) as batch_op:
        batch_op.create_index('ix_transfer_request_owner', ['tenant', 'subscriber_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_transfer_request_tenant'), ['tenant'], unique=False)

    op.create_table('transfer_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('note', sa.String(length=1000), nullable=True),
    sa.Column('actor', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('tenant', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['transfer_request.id'], name=op.f('fk_transfer_event_request_id_transfer_request')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transfer_event'))
    )
    with op.batch_alter_table('transfer_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_transfer_event_request_id'), ['request_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_transfer_event_tenant'), ['tenant'], unique=False)


def downgrade():
    with op.batch_alter_table('transfer_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_transfer_event_tenant'))
        batch_op.drop_index(batch_op.f('ix_transfer_event_request_id'))

    op.drop_table('transfer_event')
    with op.batch_alter_table('transfer_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_transfer_request_tenant'))
        batch_op.drop_index('ix_transfer_request_owner')

    op.drop_table('transfer_request')
    op.drop_table('transfer_counter')
