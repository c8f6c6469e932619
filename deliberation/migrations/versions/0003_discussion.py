"""discussion

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23

Comments, amendments with versions and stances, follows and notifications. Earlier texts of
edited comments and earlier versions of amendments are append-only.
"""

import sqlalchemy as sa
from alembic import op

from deliberation.migrations import append_only

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "delib_notification_preference",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("delivery", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["delib_user.id"], name=op.f("fk_delib_notification_preference_user_id_delib_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delib_notification_preference")),
        sa.UniqueConstraint("user_id", "kind", name=op.f("uq_delib_notification_preference_user_id_kind")),
    )
    with op.batch_alter_table("delib_notification_preference", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delib_notification_preference_user_id"), ["user_id"], unique=False)

    op.create_table(
        "delib_amendment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("base_number", sa.Integer(), nullable=False),
        sa.Column("target_pid", sa.String(length=16), nullable=True),
        sa.Column("original", sa.Text(), nullable=False),
        sa.Column("original_start", sa.Integer(), nullable=True),
        sa.Column("proposed", sa.Text(), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_reason", sa.String(length=2000), nullable=False),
        sa.Column("accepted_number", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["author_id"], ["delib_user.id"], name=op.f("fk_delib_amendment_author_id_delib_user")),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["delib_user.id"], name=op.f("fk_delib_amendment_decided_by_delib_user")
        ),
        sa.ForeignKeyConstraint(
            ["document_id"], ["delib_document.id"], name=op.f("fk_delib_amendment_document_id_delib_document")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delib_amendment")),
    )
    with op.batch_alter_table("delib_amendment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delib_amendment_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_delib_amendment_document_id"), ["document_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_delib_amendment_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_delib_amendment_target_pid"), ["target_pid"], unique=False)

    op.create_table(
        "delib_follow",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"], ["delib_document.id"], name=op.f("fk_delib_follow_document_id_delib_document")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["delib_user.id"], name=op.f("fk_delib_follow_user_id_delib_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delib_follow")),
        sa.UniqueConstraint("user_id", "document_id", name=op.f("uq_delib_follow_user_id_document_id")),
    )
    with op.batch_alter_table("delib_follow", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delib_follow_document_id"), ["document_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_delib_follow_user_id"), ["user_id"], unique=False)

    op.create_table(
        "delib_notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("emailed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["delib_user.id"], name=op.f("fk_delib_notification_actor_id_delib_user")
        ),
        sa.ForeignKeyConstraint(
            ["document_id"], ["delib_document.id"], name=op.f("fk_delib_notification_document_id_delib_document")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["delib_user.id"], name=op.f("fk_delib_notification_user_id_delib_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delib_notification")),
    )
    with op.batch_alter_table("delib_notification", schema=None) as batch_op:
        batch_op.create_index("ix_delib_notification_user_read", ["user_id", "read_at"], unique=False)

    op.create_table(
        "delib_amendment_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("amendment_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("proposed", sa.Text(), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["amendment_id"],
            ["delib_amendment.id"],
            name=op.f("fk_delib_amendment_version_amendment_id_delib_amendment"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delib_amendment_version")),
        sa.UniqueConstraint("amendment_id", "version", name=op.f("uq_delib_amendment_version_amendment_id_version")),
    )
    with op.batch_alter_table("delib_amendment_version", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delib_amendment_version_amendment_id"), ["amendment_id"], unique=False)

    op.create_table(
        "delib_comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("amendment_id", sa.Integer(), nullable=True),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("revision_number", sa.Integer(), nullable=False),
        sa.Column("anchor", sa.JSON(), nullable=True),
        sa.Column("anchor_pid", sa.String(length=16), nullable=True),
        sa.Column("anchor_status", sa.String(length=10), nullable=True),
        sa.Column("anchor_start", sa.Integer(), nullable=True),
        sa.Column("anchor_end", sa.Integer(), nullable=True),
        sa.Column("anchor_revision", sa.Integer(), nullable=True),
        sa.Column("is_resolved", sa.Boolean(), nullable=False),
        sa.Column("resolved_by", sa.Integer(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("hidden_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("hidden_by", sa.Integer(), nullable=True),
        sa.Column("hidden_reason", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["amendment_id"], ["delib_amendment.id"], name=op.f("fk_delib_comment_amendment_id_delib_amendment")
        ),
        sa.ForeignKeyConstraint(["author_id"], ["delib_user.id"], name=op.f("fk_delib_comment_author_id_delib_user")),
        sa.ForeignKeyConstraint(
            ["document_id"], ["delib_document.id"], name=op.f("fk_delib_comment_document_id_delib_document")
        ),
        sa.ForeignKeyConstraint(["hidden_by"], ["delib_user.id"], name=op.f("fk_delib_comment_hidden_by_delib_user")),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["delib_comment.id"], name=op.f("fk_delib_comment_parent_id_delib_comment")
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by"], ["delib_user.id"], name=op.f("fk_delib_comment_resolved_by_delib_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delib_comment")),
    )
    with op.batch_alter_table("delib_comment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delib_comment_amendment_id"), ["amendment_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_delib_comment_document_id"), ["document_id"], unique=False)
        batch_op.create_index("ix_delib_comment_document_pid", ["document_id", "anchor_pid"], unique=False)
        batch_op.create_index(batch_op.f("ix_delib_comment_parent_id"), ["parent_id"], unique=False)

    op.create_table(
        "delib_stance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("amendment_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("stance", sa.String(length=10), nullable=False),
        sa.Column("amendment_version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["amendment_id"], ["delib_amendment.id"], name=op.f("fk_delib_stance_amendment_id_delib_amendment")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["delib_user.id"], name=op.f("fk_delib_stance_user_id_delib_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delib_stance")),
        sa.UniqueConstraint("amendment_id", "user_id", name=op.f("uq_delib_stance_amendment_id_user_id")),
    )
    with op.batch_alter_table("delib_stance", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delib_stance_amendment_id"), ["amendment_id"], unique=False)

    op.create_table(
        "delib_comment_edit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["comment_id"], ["delib_comment.id"], name=op.f("fk_delib_comment_edit_comment_id_delib_comment")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delib_comment_edit")),
    )
    with op.batch_alter_table("delib_comment_edit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delib_comment_edit_comment_id"), ["comment_id"], unique=False)

    append_only.create("delib_comment_edit")
    append_only.create("delib_amendment_version")


def downgrade() -> None:
    append_only.drop("delib_amendment_version")
    append_only.drop("delib_comment_edit")

    with op.batch_alter_table("delib_comment_edit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delib_comment_edit_comment_id"))

    op.drop_table("delib_comment_edit")
    with op.batch_alter_table("delib_stance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delib_stance_amendment_id"))

    op.drop_table("delib_stance")
    with op.batch_alter_table("delib_comment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delib_comment_parent_id"))
        batch_op.drop_index("ix_delib_comment_document_pid")
        batch_op.drop_index(batch_op.f("ix_delib_comment_document_id"))
        batch_op.drop_index(batch_op.f("ix_delib_comment_amendment_id"))

    op.drop_table("delib_comment")
    with op.batch_alter_table("delib_amendment_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delib_amendment_version_amendment_id"))

    op.drop_table("delib_amendment_version")
    with op.batch_alter_table("delib_notification", schema=None) as batch_op:
        batch_op.drop_index("ix_delib_notification_user_read")

    op.drop_table("delib_notification")
    with op.batch_alter_table("delib_follow", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delib_follow_user_id"))
        batch_op.drop_index(batch_op.f("ix_delib_follow_document_id"))

    op.drop_table("delib_follow")
    with op.batch_alter_table("delib_amendment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delib_amendment_target_pid"))
        batch_op.drop_index(batch_op.f("ix_delib_amendment_status"))
        batch_op.drop_index(batch_op.f("ix_delib_amendment_document_id"))
        batch_op.drop_index(batch_op.f("ix_delib_amendment_author_id"))

    op.drop_table("delib_amendment")
    with op.batch_alter_table("delib_notification_preference", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delib_notification_preference_user_id"))

    op.drop_table("delib_notification_preference")
