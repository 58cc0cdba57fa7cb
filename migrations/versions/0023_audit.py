"""audit_entry: the append-only audit trail

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-03 12:47:09.488245

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor_kind', sa.String(length=20), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_name', sa.String(length=120), nullable=False),
    sa.Column('network', sa.String(length=50), nullable=False),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('subscriber_id', sa.Integer(), nullable=True),
    sa.Column('target', sa.String(length=80), nullable=False),
    sa.Column('before', sa.Text(), nullable=True),
    sa.Column('after', sa.Text(), nullable=True),
    sa.Column('tenant', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['subscriber_id'], ['subscriber.id'], name=op.f('fk_audit_entry_subscriber_id_subscriber')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entry'))
    )
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entry_action'), ['action'], unique=False)
        batch_op.create_index('ix_audit_entry_subscriber', ['tenant', 'subscriber_id', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_tenant'), ['tenant'], unique=False)
        batch_op.create_index('ix_audit_entry_tenant_at', ['tenant', 'at'], unique=False)

    # Append-only in the database too, whatever writes to it.
    for statement in APPEND_ONLY[op.get_bind().dialect.name]:
        op.execute(statement)


APPEND_ONLY = {
    "postgresql": [
        """CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION 'audit entries are append-only'; END; $$ LANGUAGE plpgsql""",
        """CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry
        FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()""",
    ],
    "sqlite": [
        """CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry
        BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END""",
        """CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry
        BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END""",
    ],
}


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_entry")
        op.execute("DROP FUNCTION IF EXISTS audit_entry_append_only()")
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_entry_tenant_at')
        batch_op.drop_index(batch_op.f('ix_audit_entry_tenant'))
        batch_op.drop_index('ix_audit_entry_subscriber')
        batch_op.drop_index(batch_op.f('ix_audit_entry_action'))

    op.drop_table('audit_entry')
