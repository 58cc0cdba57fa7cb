"""staff_passkey, staff_account.ceremony: passkeys as the console's second factor

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-03 13:16:23.760037

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('staff_passkey',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('credential_id', sa.String(length=1400), nullable=False),
    sa.Column('public_key', sa.LargeBinary(), nullable=False),
    sa.Column('sign_count', sa.BigInteger(), nullable=False),
    sa.Column('transports', sa.String(length=200), nullable=False),
    sa.Column('rp_id', sa.String(length=253), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_used_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['staff_account.id'], name=op.f('fk_staff_passkey_account_id_staff_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_passkey')),
    sa.UniqueConstraint('credential_id', name=op.f('uq_staff_passkey_credential_id'))
    )
    with op.batch_alter_table('staff_passkey', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_passkey_account_id'), ['account_id'], unique=False)

    with op.batch_alter_table('staff_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ceremony', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('ceremony_purpose', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('ceremony_expires_at', sa.DateTime(), nullable=True))



def downgrade():
    with op.batch_alter_table('staff_account', schema=None) as batch_op:
        batch_op.drop_column('ceremony_expires_at')
        batch_op.drop_column('ceremony_purpose')
        batch_op.drop_column('ceremony')

    with op.batch_alter_table('staff_passkey', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_passkey_account_id'))

    op.drop_table('staff_passkey')
