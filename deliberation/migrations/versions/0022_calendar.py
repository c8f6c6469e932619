"""calendar

Revision ID: 0022_calendar
Revises: 0021_consultations
Create Date: 2026-12-07

Workshop sessions (``delib_workshop_session``), the meetings of the half-year activity plan, and
the members registered for them (``delib_session_registration``, one row per member and session,
kept unique by the database so two requests at once cannot make two). Forums need no table here:
the calendar reads their own dates.

The document kind "activity plan" (``activity_plan``) is already among the values migration 0018
allows in ``delib_document.kind``, so no constraint changes. The status list below is this
migration's own copy (see 0018).
"""

import sqlalchemy as sa
from alembic import op

revision = "0022_calendar"
down_revision = "0021_consultations"
branch_labels = None
depends_on = None

_STATUSES = ("scheduled", "cancelled")


def upgrade() -> None:
    op.create_table(
        "delib_workshop_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.String(length=5000), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("online_url", sa.String(length=500), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("is_public", sa.Boolean(), nullable=False),
        sa.Column("plan_document_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("cancel_reason", sa.String(length=1000), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("registered_count", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN (" + ", ".join(f"'{value}'" for value in _STATUSES) + ")",
            name=op.f("ck_delib_workshop_session_status"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["delib_user.id"], name=op.f("fk_delib_workshop_session_created_by_delib_user")
        ),
        sa.ForeignKeyConstraint(
            ["plan_document_id"],
            ["delib_document.id"],
            name=op.f("fk_delib_workshop_session_plan_document_id_delib_document"),
        ),
        sa.ForeignKeyConstraint(
            ["workshop_id"], ["delib_workshop.id"], name=op.f("fk_delib_workshop_session_workshop_id_delib_workshop")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delib_workshop_session")),
    )
    with op.batch_alter_table("delib_workshop_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delib_workshop_session_plan_document_id"), ["plan_document_id"])
        batch_op.create_index(batch_op.f("ix_delib_workshop_session_starts_at"), ["starts_at"])
        batch_op.create_index(batch_op.f("ix_delib_workshop_session_workshop_id"), ["workshop_id"])

    op.create_table(
        "delib_session_registration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["delib_workshop_session.id"],
            name=op.f("fk_delib_session_registration_session_id_delib_workshop_session"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["delib_user.id"], name=op.f("fk_delib_session_registration_user_id_delib_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delib_session_registration")),
        sa.UniqueConstraint("session_id", "user_id", name=op.f("uq_delib_session_registration_session_id_user_id")),
    )
    with op.batch_alter_table("delib_session_registration", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delib_session_registration_session_id"), ["session_id"])
        batch_op.create_index(batch_op.f("ix_delib_session_registration_user_id"), ["user_id"])


def downgrade() -> None:
    op.drop_table("delib_session_registration")
    op.drop_table("delib_workshop_session")
