"""merge the money branches: billing, payments, transfer requests

Revision ID: 0006
Revises: 0003, 0004, 0005
Create Date: 2026-11-22 04:45:00

"""

revision = "0006"
down_revision = ("0003", "0004", "0005")
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
