"""drafting: documents and revisions

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

Revisions are append-only in the database itself.
"""

import sqlalchemy as sa
from alembic import op

from deliberation.migrations import append_only

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "delib_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("sectors", sa.JSON(), nullable=False),
        sa.Column("themes", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("head_number", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["delib_user.id"], name=op.f("fk_delib_document_created_by_delib_user")
        ),
        sa.ForeignKeyConstraint(
            ["workshop_id"], ["delib_workshop.id"], name=op.f("fk_delib_document_workshop_id_delib_workshop")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delib_document")),
    )
    with op.batch_alter_table("delib_document", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delib_document_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_delib_document_workshop_id"), ["workshop_id"], unique=False)

    op.create_table(
        "delib_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("parent_number", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("summary", sa.String(length=300), nullable=False),
        sa.Column("origin", sa.String(length=10), nullable=False),
        sa.Column("source_number", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("body_sha256", sa.String(length=64), nullable=False),
        sa.Column("paragraph_ids", sa.JSON(), nullable=False),
        sa.Column("attribution", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["delib_user.id"], name=op.f("fk_delib_revision_author_id_delib_user")),
        sa.ForeignKeyConstraint(
            ["document_id"], ["delib_document.id"], name=op.f("fk_delib_revision_document_id_delib_document")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delib_revision")),
        sa.UniqueConstraint("document_id", "number", name=op.f("uq_delib_revision_document_id_number")),
    )
    with op.batch_alter_table("delib_revision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delib_revision_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_delib_revision_document_id"), ["document_id"], unique=False)

    append_only.create("delib_revision")


def downgrade() -> None:
    append_only.drop("delib_revision")

    with op.batch_alter_table("delib_revision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delib_revision_document_id"))
        batch_op.drop_index(batch_op.f("ix_delib_revision_author_id"))

    op.drop_table("delib_revision")
    with op.batch_alter_table("delib_document", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delib_document_workshop_id"))
        batch_op.drop_index(batch_op.f("ix_delib_document_status"))

    op.drop_table("delib_document")
