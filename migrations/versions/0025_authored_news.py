"""authored_news: news, promotions and notices written by staff in the console

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-03 13:30:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "authored_news",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("regions", sa.JSON(), nullable=False),
        sa.Column("title", sa.JSON(), nullable=False),
        sa.Column("text", sa.JSON(), nullable=False),
        sa.Column("publish", sa.DateTime(), nullable=False),
        sa.Column("expires", sa.DateTime(), nullable=True),
        sa.Column("shown_until", sa.DateTime(), nullable=True),
        sa.Column("important", sa.Boolean(), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("tenant", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["staff_account.id"],
            name=op.f("fk_authored_news_created_by_staff_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_authored_news")),
    )
    with op.batch_alter_table("authored_news", schema=None) as batch_op:
        batch_op.create_index(
            "ix_authored_news_live", ["tenant", "withdrawn_at", "shown_until"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_authored_news_tenant"), ["tenant"], unique=False)


def downgrade():
    with op.batch_alter_table("authored_news", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_authored_news_tenant"))
        batch_op.drop_index("ix_authored_news_live")
    op.drop_table("authored_news")
