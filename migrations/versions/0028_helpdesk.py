"""helpdesk: who of the staff has a callback, visit or chat; done and cancelled with a reason

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-03 13:05:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("help_request", schema=None) as batch_op:
        batch_op.add_column(sa.Column("assignee_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("done_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("cancel_reason", sa.String(length=300), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_help_request_assignee_id_staff_account"),
            "staff_account",
            ["assignee_id"],
            ["id"],
        )
    with op.batch_alter_table("chat_conversation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("staff_account_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("taken_at", sa.DateTime(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_chat_conversation_staff_account_id_staff_account"),
            "staff_account",
            ["staff_account_id"],
            ["id"],
        )


def downgrade():
    with op.batch_alter_table("chat_conversation", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_chat_conversation_staff_account_id_staff_account"), type_="foreignkey"
        )
        batch_op.drop_column("taken_at")
        batch_op.drop_column("staff_account_id")
    with op.batch_alter_table("help_request", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_help_request_assignee_id_staff_account"), type_="foreignkey"
        )
        batch_op.drop_column("cancel_reason")
        batch_op.drop_column("done_at")
        batch_op.drop_column("assignee_id")
