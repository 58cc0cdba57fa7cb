"""chat_conversation, chat_message: the live chat with the ISP's consultants

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03 08:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('chat_conversation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('subscriber_id', sa.Integer(), nullable=True),
    sa.Column('visitor_name', sa.String(length=80), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('tenant', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['subscriber_id'], ['subscriber.id'], name=op.f('fk_chat_conversation_subscriber_id_subscriber')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chat_conversation')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_chat_conversation_token_hash'))
    )
    with op.batch_alter_table('chat_conversation', schema=None) as batch_op:
        batch_op.create_index('ix_chat_conversation_queue', ['tenant', 'status', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_chat_conversation_tenant'), ['tenant'], unique=False)

    op.create_table('chat_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=False),
    sa.Column('side', sa.String(length=20), nullable=False),
    sa.Column('staff_name', sa.String(length=80), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('tenant', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['conversation_id'], ['chat_conversation.id'], name=op.f('fk_chat_message_conversation_id_chat_conversation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chat_message'))
    )
    with op.batch_alter_table('chat_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chat_message_conversation_id'), ['conversation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_chat_message_tenant'), ['tenant'], unique=False)


def downgrade():
    with op.batch_alter_table('chat_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chat_message_tenant'))
        batch_op.drop_index(batch_op.f('ix_chat_message_conversation_id'))
    op.drop_table('chat_message')
    with op.batch_alter_table('chat_conversation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chat_conversation_tenant'))
        batch_op.drop_index('ix_chat_conversation_queue')
    op.drop_table('chat_conversation')
