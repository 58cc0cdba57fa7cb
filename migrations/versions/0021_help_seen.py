"""help_request.seen_message_id: the staff replies the subscriber has not seen yet

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 12:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('help_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seen_message_id', sa.Integer(), nullable=True))
    # Replies sent before the mark existed count as seen: nobody is told of old news.
    op.execute(
        "UPDATE help_request SET seen_message_id = "
        "(SELECT max(help_message.id) FROM help_message "
        "WHERE help_message.request_id = help_request.id)"
    )


def downgrade():
    with op.batch_alter_table('help_request', schema=None) as batch_op:
        batch_op.drop_column('seen_message_id')
