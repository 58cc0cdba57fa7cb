"""help_request, help_message, help_attachment: requests to staff and their thread

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 07:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('help_counter',
    sa.Column('tenant', sa.String(length=40), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('tenant', name=op.f('pk_help_counter'))
    )
    op.create_table('help_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('subscriber_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('subject', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('tenant', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['subscriber_id'], ['subscriber.id'], name=op.f('fk_help_request_subscriber_id_subscriber')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_help_request')),
    sa.UniqueConstraint('tenant', 'number', name=op.f('uq_help_request_tenant_number'))
    )
    with op.batch_alter_table('help_request', schema=None) as batch_op:
        batch_op.create_index('ix_help_request_owner', ['tenant', 'subscriber_id', 'updated_at'], unique=False)
        batch_op.create_index('ix_help_request_queue', ['tenant', 'status', 'updated_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_help_request_tenant'), ['tenant'], unique=False)

    op.create_table('help_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('author', sa.String(length=20), nullable=False),
    sa.Column('staff_name', sa.String(length=80), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('tenant', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['help_request.id'], name=op.f('fk_help_message_request_id_help_request')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_help_message'))
    )
    with op.batch_alter_table('help_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_help_message_request_id'), ['request_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_help_message_tenant'), ['tenant'], unique=False)

    op.create_table('help_attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('file_path', sa.String(length=200), nullable=False),
    sa.Column('original_filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=40), nullable=False),
    sa.Column('file_size', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('tenant', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['message_id'], ['help_message.id'], name=op.f('fk_help_attachment_message_id_help_message')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_help_attachment'))
    )
    with op.batch_alter_table('help_attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_help_attachment_message_id'), ['message_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_help_attachment_tenant'), ['tenant'], unique=False)



def downgrade():
    with op.batch_alter_table('help_attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_help_attachment_tenant'))
        batch_op.drop_index(batch_op.f('ix_help_attachment_message_id'))

    op.drop_table('help_attachment')
    with op.batch_alter_table('help_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_help_message_tenant'))
        batch_op.drop_index(batch_op.f('ix_help_message_request_id'))

    op.drop_table('help_message')
    with op.batch_alter_table('help_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_help_request_tenant'))
        batch_op.drop_index('ix_help_request_queue')
        batch_op.drop_index('ix_help_request_owner')

    op.drop_table('help_request')
    op.drop_table('help_counter')
