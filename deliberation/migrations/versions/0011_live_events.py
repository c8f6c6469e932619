"""live events

Revision ID: 0011
Revises: 0005
Create Date: 2026-12-06

The forum's live event log (``deliberation.live``): written in the transaction that made the change,
read by one listener per process, its ids the ``id:`` lines of the event stream. On SQLite the
table is AUTOINCREMENT so an id is never reused after pruning.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "delib_live_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("forum_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("facts", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delib_live_event")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("delib_live_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delib_live_event_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_delib_live_event_forum_id"), ["forum_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("delib_live_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delib_live_event_forum_id"))
        batch_op.drop_index(batch_op.f("ix_delib_live_event_created_at"))
    op.drop_table("delib_live_event")
