"""message_queue: every e-mail and SMS, queued with the request's changes and sent after it

Revision ID: 0012
Revises: 0009
Create Date: 2026-12-02 17:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('message_queue',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('html', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
    sa.Column('discard_after', sa.DateTime(), nullable=True),
    sa.Column('claimed_at', sa.DateTime(), nullable=True),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('last_error', sa.String(length=300), nullable=True),
    sa.Column('tenant', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message_queue'))
    )
    with op.batch_alter_table('message_queue', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_message_queue_tenant'), ['tenant'], unique=False)
        batch_op.create_index('ix_message_queue_due', ['status', 'next_attempt_at'], unique=False)


def downgrade():
    with op.batch_alter_table('message_queue', schema=None) as batch_op:
        batch_op.drop_index('ix_message_queue_due')
        batch_op.drop_index(batch_op.f('ix_message_queue_tenant'))

    op.drop_table('message_queue')
