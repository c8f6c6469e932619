"""reports on carrying out resolutions

Revision ID: 0019b_reports
Revises: 0019_places
Create Date: 2026-12-07

``delib_report`` holds each member's current report per resolution and hromada;
``delib_report_version`` every wording a report had, append-only.
"""

import sqlalchemy as sa
from alembic import op

from deliberation.migrations import append_only

revision = "0019b_reports"
down_revision = "0019_places"
branch_labels = None
depends_on = None

STATUSES = "status IN ('not_started', 'in_progress', 'carried_out', 'blocked')"


def upgrade() -> None:
    op.create_table(
        "delib_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resolution_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("hromada_code", sa.String(length=19), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("account", sa.Text(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=False),
        sa.Column("links", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("hidden_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("hidden_by", sa.Integer(), nullable=True),
        sa.Column("hidden_reason", sa.String(length=500), nullable=False),
        sa.CheckConstraint(STATUSES, name=op.f("ck_delib_report_status")),
        sa.ForeignKeyConstraint(["author_id"], ["delib_user.id"], name=op.f("fk_delib_report_author_id_delib_user")),
        sa.ForeignKeyConstraint(["hidden_by"], ["delib_user.id"], name=op.f("fk_delib_report_hidden_by_delib_user")),
        sa.ForeignKeyConstraint(
            ["hromada_code"], ["delib_place.code"], name=op.f("fk_delib_report_hromada_code_delib_place")
        ),
        sa.ForeignKeyConstraint(
            ["resolution_id"], ["delib_resolution.id"], name=op.f("fk_delib_report_resolution_id_delib_resolution")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delib_report")),
        sa.UniqueConstraint(
            "resolution_id",
            "author_id",
            "hromada_code",
            name=op.f("uq_delib_report_resolution_id_author_id_hromada_code"),
        ),
    )
    with op.batch_alter_table("delib_report", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delib_report_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_delib_report_hromada_code"), ["hromada_code"], unique=False)
        batch_op.create_index("ix_delib_report_resolution_hidden", ["resolution_id", "hidden_at"], unique=False)
    op.create_table(
        "delib_report_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("account", sa.Text(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=False),
        sa.Column("links", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(STATUSES, name=op.f("ck_delib_report_version_status")),
        sa.ForeignKeyConstraint(
            ["report_id"], ["delib_report.id"], name=op.f("fk_delib_report_version_report_id_delib_report")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delib_report_version")),
        sa.UniqueConstraint("report_id", "number", name=op.f("uq_delib_report_version_report_id_number")),
    )
    with op.batch_alter_table("delib_report_version", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delib_report_version_report_id"), ["report_id"], unique=False)
    append_only.create("delib_report_version")
    append_only.refuse_replace("delib_report_version", (("id",), ("report_id", "number")))


def downgrade() -> None:
    append_only.drop("delib_report_version")
    append_only.allow_replace("delib_report_version")
    with op.batch_alter_table("delib_report_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delib_report_version_report_id"))
    op.drop_table("delib_report_version")
    with op.batch_alter_table("delib_report", schema=None) as batch_op:
        batch_op.drop_index("ix_delib_report_resolution_hidden")
        batch_op.drop_index(batch_op.f("ix_delib_report_hromada_code"))
        batch_op.drop_index(batch_op.f("ix_delib_report_author_id"))
    op.drop_table("delib_report")
