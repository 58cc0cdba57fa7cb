"""help_callback, help_visit: callbacks and technician visits; help_request.subscriber_id
may be empty for a callback asked without logging in

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 07:55:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('help_request', schema=None) as batch_op:
        batch_op.alter_column('subscriber_id', existing_type=sa.Integer(), nullable=True)

    op.create_table('help_callback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('window_start', sa.DateTime(), nullable=False),
    sa.Column('window_end', sa.DateTime(), nullable=False),
    sa.Column('tenant', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['help_request.id'], name=op.f('fk_help_callback_request_id_help_request')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_help_callback')),
    sa.UniqueConstraint('request_id', name=op.f('uq_help_callback_request_id'))
    )
    with op.batch_alter_table('help_callback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_help_callback_tenant'), ['tenant'], unique=False)

    op.create_table('help_visit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('service_point_id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('region', sa.String(length=40), nullable=False),
    sa.Column('slot_start', sa.DateTime(), nullable=False),
    sa.Column('slot_end', sa.DateTime(), nullable=False),
    sa.Column('place', sa.Integer(), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.Column('tenant', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['help_request.id'], name=op.f('fk_help_visit_request_id_help_request')),
    sa.ForeignKeyConstraint(['service_point_id'], ['service_point.id'], name=op.f('fk_help_visit_service_point_id_service_point')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_help_visit')),
    sa.UniqueConstraint('request_id', name=op.f('uq_help_visit_request_id')),
    sa.UniqueConstraint('tenant', 'region', 'slot_start', 'place', name=op.f('uq_help_visit_tenant_region_slot_start_place'))
    )
    with op.batch_alter_table('help_visit', schema=None) as batch_op:
        batch_op.create_index('ix_help_visit_slot', ['tenant', 'slot_start'], unique=False)
        batch_op.create_index(batch_op.f('ix_help_visit_tenant'), ['tenant'], unique=False)


def downgrade():
    with op.batch_alter_table('help_visit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_help_visit_tenant'))
        batch_op.drop_index('ix_help_visit_slot')

    op.drop_table('help_visit')
    with op.batch_alter_table('help_callback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_help_callback_tenant'))

    op.drop_table('help_callback')
    # Public callbacks have no subscriber; they cannot stay once the column is required.
    op.execute("DELETE FROM help_message WHERE request_id IN "
               "(SELECT id FROM help_request WHERE subscriber_id IS NULL)")
    op.execute("DELETE FROM help_request WHERE subscriber_id IS NULL")
    with op.batch_alter_table('help_request', schema=None) as batch_op:
        batch_op.alter_column('subscriber_id', existing_type=sa.Integer(), nullable=False)
