"""checkin

Revision ID: 0008
Revises: 0005
Create Date: 2026-12-06

Self check-in of delegates with a short code shown in the hall: the forum keeps the secret the
codes are derived from (none while self check-in is off), each delegate row counts attempts so
that guessing is throttled.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("delib_forum") as batch_op:
        batch_op.add_column(sa.Column("checkin_secret", sa.String(length=64), nullable=True))
    with op.batch_alter_table("delib_delegate") as batch_op:
        batch_op.add_column(sa.Column("checkin_attempts", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("checkin_attempted_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("delib_delegate") as batch_op:
        batch_op.drop_column("checkin_attempted_at")
        batch_op.drop_column("checkin_attempts")
    with op.batch_alter_table("delib_forum") as batch_op:
        batch_op.drop_column("checkin_secret")
