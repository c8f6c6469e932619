"""foundation: accounts, workshops, forums, audit

Revision ID: 0001
Revises:
Create Date: 2026-11-23

The audit log is append-only in the database itself (see migrations/append_only.py).
"""

import sqlalchemy as sa
from alembic import op

from deliberation.migrations import append_only

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "delib_login_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delib_login_failure")),
    )
    with op.batch_alter_table("delib_login_failure", schema=None) as batch_op:
        batch_op.create_index("ix_delib_login_failure_address_at", ["address", "at"], unique=False)
        batch_op.create_index("ix_delib_login_failure_email_at", ["email", "at"], unique=False)

    op.create_table(
        "delib_site_setting",
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("value", sa.String(length=500), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_delib_site_setting")),
    )
    op.create_table(
        "delib_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("external_id", sa.String(length=200), nullable=True),
        sa.Column("display_name", sa.String(length=120), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=True),
        sa.Column("occupation", sa.String(length=20), nullable=False),
        sa.Column("hromada", sa.String(length=120), nullable=False),
        sa.Column("region", sa.String(length=40), nullable=False),
        sa.Column("locale", sa.String(length=5), nullable=False),
        sa.Column("is_coordinator", sa.Boolean(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("session_epoch", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delib_user")),
        sa.UniqueConstraint("email", name=op.f("uq_delib_user_email")),
        sa.UniqueConstraint("external_id", name=op.f("uq_delib_user_external_id")),
    )
    op.create_table(
        "delib_audit_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("object_type", sa.String(length=40), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["delib_user.id"], name=op.f("fk_delib_audit_entry_actor_id_delib_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delib_audit_entry")),
    )
    with op.batch_alter_table("delib_audit_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delib_audit_entry_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_delib_audit_entry_at"), ["at"], unique=False)

    op.create_table(
        "delib_forum",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("theme", sa.String(length=200), nullable=False),
        sa.Column("description", sa.String(length=5000), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("is_online", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["delib_user.id"], name=op.f("fk_delib_forum_created_by_delib_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delib_forum")),
    )
    with op.batch_alter_table("delib_forum", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delib_forum_status"), ["status"], unique=False)

    op.create_table(
        "delib_invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_by", sa.Integer(), nullable=True),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"], ["delib_user.id"], name=op.f("fk_delib_invitation_created_by_delib_user")
        ),
        sa.ForeignKeyConstraint(["used_by"], ["delib_user.id"], name=op.f("fk_delib_invitation_used_by_delib_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delib_invitation")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_delib_invitation_token_hash")),
    )
    op.create_table(
        "delib_password_reset",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["delib_user.id"], name=op.f("fk_delib_password_reset_user_id_delib_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delib_password_reset")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_delib_password_reset_token_hash")),
    )
    with op.batch_alter_table("delib_password_reset", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delib_password_reset_user_id"), ["user_id"], unique=False)

    op.create_table(
        "delib_workshop",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("description", sa.String(length=5000), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("is_online", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["delib_user.id"], name=op.f("fk_delib_workshop_created_by_delib_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delib_workshop")),
    )
    with op.batch_alter_table("delib_workshop", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delib_workshop_kind"), ["kind"], unique=False)

    op.create_table(
        "delib_membership",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("is_facilitator", sa.Boolean(), nullable=False),
        sa.Column("message", sa.String(length=1000), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["delib_user.id"], name=op.f("fk_delib_membership_decided_by_delib_user")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["delib_user.id"], name=op.f("fk_delib_membership_user_id_delib_user")),
        sa.ForeignKeyConstraint(
            ["workshop_id"], ["delib_workshop.id"], name=op.f("fk_delib_membership_workshop_id_delib_workshop")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delib_membership")),
        sa.UniqueConstraint("workshop_id", "user_id", name=op.f("uq_delib_membership_workshop_id_user_id")),
    )
    with op.batch_alter_table("delib_membership", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delib_membership_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_delib_membership_workshop_id"), ["workshop_id"], unique=False)

    append_only.create("delib_audit_entry")


def downgrade() -> None:
    append_only.drop("delib_audit_entry")
    if op.get_bind().dialect.name == "postgresql":
        # Every append-only table shares this function; the audit log was the first and is the last.
        op.execute("DROP FUNCTION IF EXISTS delib_refuse_change()")

    with op.batch_alter_table("delib_membership", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delib_membership_workshop_id"))
        batch_op.drop_index(batch_op.f("ix_delib_membership_user_id"))

    op.drop_table("delib_membership")
    with op.batch_alter_table("delib_workshop", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delib_workshop_kind"))

    op.drop_table("delib_workshop")
    with op.batch_alter_table("delib_password_reset", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delib_password_reset_user_id"))

    op.drop_table("delib_password_reset")
    op.drop_table("delib_invitation")
    with op.batch_alter_table("delib_forum", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delib_forum_status"))

    op.drop_table("delib_forum")
    with op.batch_alter_table("delib_audit_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delib_audit_entry_at"))
        batch_op.drop_index(batch_op.f("ix_delib_audit_entry_actor_id"))

    op.drop_table("delib_audit_entry")
    op.drop_table("delib_user")
    op.drop_table("delib_site_setting")
    with op.batch_alter_table("delib_login_failure", schema=None) as batch_op:
        batch_op.drop_index("ix_delib_login_failure_email_at")
        batch_op.drop_index("ix_delib_login_failure_address_at")

    op.drop_table("delib_login_failure")
