"""consultations

Revision ID: 0021_consultations
Revises: 0020_proposals
Create Date: 2026-12-07

Expert consultations (``deliberation.consultations``): the request (``delib_consultation``), its
private thread (``delib_consultation_message``) and its one attachment, bytes included
(``delib_consultation_attachment``: in the database so every process reads it and a backup
carries it; see the models' docstring). Messages and attachments never change once written: both
are append-only, with the triggers of ``append_only`` (and SQLite's guard against REPLACE).
The CHECK constraints carry this migration's own copy of the values, as in 0018.
"""

import sqlalchemy as sa
from alembic import op

from deliberation.migrations import append_only

revision = "0021_consultations"
down_revision = "0020_proposals"
branch_labels = None
depends_on = None

_STATUSES = ("new", "assigned", "answered", "closed")
_KINDS = ("pdf", "docx")
_APPEND_ONLY = {
    "delib_consultation_message": (("id",),),
    "delib_consultation_attachment": (("id",), ("consultation_id",)),
}


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    op.create_table(
        "delib_consultation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("requester_id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("question", sa.String(length=10000), nullable=False),
        sa.Column("region", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("request_key", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(_in("status", _STATUSES), name=op.f("ck_delib_consultation_status")),
        sa.ForeignKeyConstraint(
            ["assignee_id"], ["delib_user.id"], name=op.f("fk_delib_consultation_assignee_id_delib_user")
        ),
        sa.ForeignKeyConstraint(
            ["requester_id"], ["delib_user.id"], name=op.f("fk_delib_consultation_requester_id_delib_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delib_consultation")),
        sa.UniqueConstraint("requester_id", "request_key", name=op.f("uq_delib_consultation_requester_id_request_key")),
    )
    with op.batch_alter_table("delib_consultation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delib_consultation_assignee_id"), ["assignee_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_delib_consultation_region"), ["region"], unique=False)
        batch_op.create_index(batch_op.f("ix_delib_consultation_requester_id"), ["requester_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_delib_consultation_status"), ["status"], unique=False)

    op.create_table(
        "delib_consultation_attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("filename", sa.String(length=120), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(_in("kind", _KINDS), name=op.f("ck_delib_consultation_attachment_kind")),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["delib_consultation.id"],
            name=op.f("fk_delib_consultation_attachment_consultation_id_delib_consultation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delib_consultation_attachment")),
        sa.UniqueConstraint("consultation_id", name=op.f("uq_delib_consultation_attachment_consultation_id")),
    )
    op.create_table(
        "delib_consultation_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.String(length=10000), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["delib_user.id"], name=op.f("fk_delib_consultation_message_author_id_delib_user")
        ),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["delib_consultation.id"],
            name=op.f("fk_delib_consultation_message_consultation_id_delib_consultation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delib_consultation_message")),
    )
    with op.batch_alter_table("delib_consultation_message", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_delib_consultation_message_consultation_id"), ["consultation_id"], unique=False
        )
    for table, keys in _APPEND_ONLY.items():
        append_only.create(table)
        append_only.refuse_replace(table, keys)


def downgrade() -> None:
    for table in _APPEND_ONLY:
        append_only.allow_replace(table)
        append_only.drop(table)
    with op.batch_alter_table("delib_consultation_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delib_consultation_message_consultation_id"))
    op.drop_table("delib_consultation_message")
    op.drop_table("delib_consultation_attachment")
    with op.batch_alter_table("delib_consultation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delib_consultation_status"))
        batch_op.drop_index(batch_op.f("ix_delib_consultation_requester_id"))
        batch_op.drop_index(batch_op.f("ix_delib_consultation_region"))
        batch_op.drop_index(batch_op.f("ix_delib_consultation_assignee_id"))
    op.drop_table("delib_consultation")
