"""billing_run: the scheduled daily run's progress across its account ranges

Revision ID: 0032
Revises: 0029
Create Date: 2026-12-04 19:40:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0032"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "billing_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("ranges", sa.Integer(), nullable=False),
        sa.Column("ranges_done", sa.Integer(), nullable=False),
        sa.Column("charged", sa.Integer(), nullable=False),
        sa.Column("kopecks", sa.BigInteger(), nullable=False),
        sa.Column("suspended", sa.Integer(), nullable=False),
        sa.Column("repaid", sa.Integer(), nullable=False),
        sa.Column("tariffs_changed", sa.Integer(), nullable=False),
        sa.Column("tariffs_refused", sa.Integer(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("tenant", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_run")),
    )
    with op.batch_alter_table("billing_run", schema=None) as batch_op:
        batch_op.create_index("ix_billing_run_tenant_started", ["tenant", "started_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_billing_run_tenant"), ["tenant"], unique=False)


def downgrade():
    with op.batch_alter_table("billing_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_billing_run_tenant"))
        batch_op.drop_index("ix_billing_run_tenant_started")
    op.drop_table("billing_run")
