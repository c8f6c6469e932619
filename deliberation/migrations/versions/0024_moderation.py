"""moderation

Revision ID: 0024
Revises: 0018
Create Date: 2026-12-07

Members' reports about what they read (``delib_flag``), open until a coordinator hides the thing
or keeps it. The CHECK lists are this migration's own copy of the values (see 0018).
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "delib_flag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=20), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=10), nullable=True),
        sa.Column("closed_note", sa.String(length=500), nullable=False),
        sa.CheckConstraint("outcome IN ('hidden', 'kept')", name=op.f("ck_delib_flag_outcome")),
        sa.CheckConstraint(
            "reason IN ('spam', 'abuse', 'personal_data', 'false', 'off_topic', 'other')",
            name=op.f("ck_delib_flag_reason"),
        ),
        sa.CheckConstraint("subject IN ('comment')", name=op.f("ck_delib_flag_subject")),
        sa.ForeignKeyConstraint(["closed_by"], ["delib_user.id"], name=op.f("fk_delib_flag_closed_by_delib_user")),
        sa.ForeignKeyConstraint(["reporter_id"], ["delib_user.id"], name=op.f("fk_delib_flag_reporter_id_delib_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delib_flag")),
        sa.UniqueConstraint(
            "subject", "subject_id", "reporter_id", name=op.f("uq_delib_flag_subject_subject_id_reporter_id")
        ),
    )
    with op.batch_alter_table("delib_flag", schema=None) as batch_op:
        batch_op.create_index("ix_delib_flag_open", ["closed_at", "subject", "subject_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_delib_flag_reporter_id"), ["reporter_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("delib_flag", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delib_flag_reporter_id"))
        batch_op.drop_index("ix_delib_flag_open")

    op.drop_table("delib_flag")
