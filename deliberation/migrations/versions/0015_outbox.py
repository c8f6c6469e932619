"""outbox

Revision ID: 0015
Revises: 0005
Create Date: 2026-12-06

E-mails and host events written in the transaction of the change that decided them, delivered
after the commit (``deliberation.outbox``). Rows are marked when delivered, so the table is not
append-only; delivered rows are removed after a week.
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "delib_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delivery_id", sa.String(length=36), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delib_outbox")),
        sa.UniqueConstraint("delivery_id", name=op.f("uq_delib_outbox_delivery_id")),
    )
    with op.batch_alter_table("delib_outbox", schema=None) as batch_op:
        batch_op.create_index("ix_delib_outbox_due", ["delivered_at", "next_attempt_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("delib_outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_delib_outbox_due")
    op.drop_table("delib_outbox")
