"""payment_refund: refunds of online payments to the card; sandbox_operation.refunded

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-04 19:55:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "payment_refund",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("provider_refund_id", sa.String(length=64), nullable=True),
        sa.Column("message", sa.String(length=300), nullable=True),
        sa.Column("requested_by", sa.Integer(), nullable=False),
        sa.Column("approved_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("tenant", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payment.id"], name=op.f("fk_payment_refund_payment_id_payment")
        ),
        sa.ForeignKeyConstraint(
            ["requested_by"],
            ["staff_account.id"],
            name=op.f("fk_payment_refund_requested_by_staff_account"),
        ),
        sa.ForeignKeyConstraint(
            ["approved_by"],
            ["staff_account.id"],
            name=op.f("fk_payment_refund_approved_by_staff_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_refund")),
    )
    with op.batch_alter_table("payment_refund", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_payment_refund_payment_id"), ["payment_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_payment_refund_tenant"), ["tenant"], unique=False)
    with op.batch_alter_table("sandbox_operation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("refunded", sa.BigInteger(), server_default="0", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("sandbox_operation", schema=None) as batch_op:
        batch_op.drop_column("refunded")
    with op.batch_alter_table("payment_refund", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_refund_tenant"))
        batch_op.drop_index(batch_op.f("ix_payment_refund_payment_id"))
    op.drop_table("payment_refund")
