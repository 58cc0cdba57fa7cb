"""provision_import: CSV imports of new contracts, their rows and progress

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-03 13:30:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "provision_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("lines", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.Column("problems", sa.Text(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("tenant", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff_account.id"],
            name=op.f("fk_provision_import_staff_id_staff_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provision_import")),
    )
    with op.batch_alter_table("provision_import", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_provision_import_tenant"), ["tenant"], unique=False)
    op.create_table(
        "provision_import_row",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("tenant", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["provision_import.id"],
            name=op.f("fk_provision_import_row_import_id_provision_import"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provision_import_row")),
        sa.UniqueConstraint(
            "import_id", "position", name=op.f("uq_provision_import_row_import_id_position")
        ),
    )
    with op.batch_alter_table("provision_import_row", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_provision_import_row_tenant"), ["tenant"], unique=False
        )


def downgrade():
    with op.batch_alter_table("provision_import_row", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_provision_import_row_tenant"))
    op.drop_table("provision_import_row")
    with op.batch_alter_table("provision_import", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_provision_import_tenant"))
    op.drop_table("provision_import")
