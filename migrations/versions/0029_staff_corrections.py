"""staff_correction: corrections and refunds staff make, with four eyes above a sum

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-03 13:20:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "staff_correction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("requested_by", sa.Integer(), nullable=False),
        sa.Column("requested_by_name", sa.String(length=120), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_by_name", sa.String(length=120), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("refusal", sa.String(length=300), nullable=True),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("tenant", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["account.id"], name=op.f("fk_staff_correction_account_id_account")
        ),
        sa.ForeignKeyConstraint(
            ["requested_by"],
            ["staff_account.id"],
            name=op.f("fk_staff_correction_requested_by_staff_account"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"],
            ["staff_account.id"],
            name=op.f("fk_staff_correction_decided_by_staff_account"),
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["ledger_entry.id"],
            name=op.f("fk_staff_correction_entry_id_ledger_entry"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_correction")),
    )
    with op.batch_alter_table("staff_correction", schema=None) as batch_op:
        batch_op.create_index(
            "ix_staff_correction_tenant_status", ["tenant", "status"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_staff_correction_account_id"), ["account_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_staff_correction_tenant"), ["tenant"], unique=False)


def downgrade():
    with op.batch_alter_table("staff_correction", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_correction_tenant"))
        batch_op.drop_index(batch_op.f("ix_staff_correction_account_id"))
        batch_op.drop_index("ix_staff_correction_tenant_status")

    op.drop_table("staff_correction")
