"""practices and the register of hromadas sharing experience

Revision ID: 0019c_practices
Revises: 0019b_reports
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0019c_practices"
down_revision = "0019b_reports"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "delib_practice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("resolution_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("hromada_code", sa.String(length=19), nullable=False),
        sa.Column("oblast_code", sa.String(length=19), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("sector", sa.String(length=30), nullable=False),
        sa.Column("theme", sa.String(length=30), nullable=False),
        sa.Column("lemmas", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("hidden_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("hidden_by", sa.Integer(), nullable=True),
        sa.Column("hidden_reason", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["delib_user.id"], name=op.f("fk_delib_practice_author_id_delib_user")),
        sa.ForeignKeyConstraint(["hidden_by"], ["delib_user.id"], name=op.f("fk_delib_practice_hidden_by_delib_user")),
        sa.ForeignKeyConstraint(
            ["hromada_code"], ["delib_place.code"], name=op.f("fk_delib_practice_hromada_code_delib_place")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"], ["delib_report.id"], name=op.f("fk_delib_practice_report_id_delib_report")
        ),
        sa.ForeignKeyConstraint(
            ["resolution_id"], ["delib_resolution.id"], name=op.f("fk_delib_practice_resolution_id_delib_resolution")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delib_practice")),
        sa.UniqueConstraint("report_id", name=op.f("uq_delib_practice_report_id")),
    )
    with op.batch_alter_table("delib_practice", schema=None) as batch_op:
        for column in ("author_id", "hromada_code", "oblast_code", "resolution_id", "sector", "theme"):
            batch_op.create_index(batch_op.f(f"ix_delib_practice_{column}"), [column], unique=False)
    op.create_table(
        "delib_experience_offer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("hromada_code", sa.String(length=19), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("contact", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["hromada_code"], ["delib_place.code"], name=op.f("fk_delib_experience_offer_hromada_code_delib_place")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["delib_user.id"], name=op.f("fk_delib_experience_offer_user_id_delib_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delib_experience_offer")),
        sa.UniqueConstraint("hromada_code", "user_id", name=op.f("uq_delib_experience_offer_hromada_code_user_id")),
    )
    with op.batch_alter_table("delib_experience_offer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delib_experience_offer_hromada_code"), ["hromada_code"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("delib_experience_offer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delib_experience_offer_hromada_code"))
    op.drop_table("delib_experience_offer")
    with op.batch_alter_table("delib_practice", schema=None) as batch_op:
        for column in ("theme", "sector", "resolution_id", "oblast_code", "hromada_code", "author_id"):
            batch_op.drop_index(batch_op.f(f"ix_delib_practice_{column}"))
    op.drop_table("delib_practice")
