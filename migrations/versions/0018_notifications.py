"""notice_preference, notice_quiet_hours, notice_sent: the notification centre's choices
and the notices the daily run tells once

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 07:06:44.237844

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notice_preference',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subscriber_id', sa.Integer(), nullable=False),
    sa.Column('event', sa.String(length=40), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.Column('tenant', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['subscriber_id'], ['subscriber.id'], name=op.f('fk_notice_preference_subscriber_id_subscriber')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_preference')),
    sa.UniqueConstraint('tenant', 'subscriber_id', 'event', name=op.f('uq_notice_preference_tenant_subscriber_id_event'))
    )
    with op.batch_alter_table('notice_preference', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_preference_subscriber_id'), ['subscriber_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notice_preference_tenant'), ['tenant'], unique=False)

    op.create_table('notice_quiet_hours',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subscriber_id', sa.Integer(), nullable=False),
    sa.Column('quiet_from', sa.String(length=5), nullable=True),
    sa.Column('quiet_until', sa.String(length=5), nullable=True),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.Column('tenant', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['subscriber_id'], ['subscriber.id'], name=op.f('fk_notice_quiet_hours_subscriber_id_subscriber')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_quiet_hours')),
    sa.UniqueConstraint('tenant', 'subscriber_id', name=op.f('uq_notice_quiet_hours_tenant_subscriber_id'))
    )
    with op.batch_alter_table('notice_quiet_hours', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_quiet_hours_tenant'), ['tenant'], unique=False)

    op.create_table('notice_sent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notice', sa.String(length=40), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('subscriber_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('tenant', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['subscriber_id'], ['subscriber.id'], name=op.f('fk_notice_sent_subscriber_id_subscriber')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_sent')),
    sa.UniqueConstraint('tenant', 'notice', 'key', name=op.f('uq_notice_sent_tenant_notice_key'))
    )
    with op.batch_alter_table('notice_sent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_sent_subscriber_id'), ['subscriber_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notice_sent_tenant'), ['tenant'], unique=False)



def downgrade():
    with op.batch_alter_table('notice_sent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notice_sent_tenant'))
        batch_op.drop_index(batch_op.f('ix_notice_sent_subscriber_id'))

    op.drop_table('notice_sent')
    with op.batch_alter_table('notice_quiet_hours', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notice_quiet_hours_tenant'))

    op.drop_table('notice_quiet_hours')
    with op.batch_alter_table('notice_preference', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notice_preference_tenant'))
        batch_op.drop_index(batch_op.f('ix_notice_preference_subscriber_id'))

    op.drop_table('notice_preference')
