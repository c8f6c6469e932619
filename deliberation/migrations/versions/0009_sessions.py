"""sessions

Revision ID: 0009
Revises: 0005
Create Date: 2026-12-06

Signed-in sessions kept on the server (``delib_login_session``): the cookie carries a random id,
the table its SHA-256, so signing out, a password change or an idle timeout ends a session even
for a copy of the cookie. Throttled attempts (``delib_login_failure``) get a ``kind``: failed
logins, wrong current passwords on the change page and password-reset requests.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Login failures become throttled attempts of a kind: also reset requests, wrong current passwords.
    with op.batch_alter_table("delib_login_failure", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=20), nullable=False, server_default="login"))
    op.create_table(
        "delib_login_session",
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["delib_user.id"], name=op.f("fk_delib_login_session_user_id_delib_user")),
        sa.PrimaryKeyConstraint("id_hash", name=op.f("pk_delib_login_session")),
    )
    with op.batch_alter_table("delib_login_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delib_login_session_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("delib_login_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delib_login_session_user_id"))
    op.drop_table("delib_login_session")
    with op.batch_alter_table("delib_login_failure", schema=None) as batch_op:
        batch_op.drop_column("kind")
