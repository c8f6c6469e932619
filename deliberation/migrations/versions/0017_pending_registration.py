"""pending registration

Revision ID: 0017
Revises: 0015
Create Date: 2026-12-07

Registration confirms the address first (``delib_pending_registration``): the form's answers wait
here, under the hash of the token the e-mailed link carries, until the link's owner chooses a
password; the row is deleted then, or once it has expired.
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "delib_pending_registration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("display_name", sa.String(length=120), nullable=False),
        sa.Column("occupation", sa.String(length=20), nullable=False),
        sa.Column("hromada", sa.String(length=120), nullable=False),
        sa.Column("region", sa.String(length=40), nullable=False),
        sa.Column("locale", sa.String(length=5), nullable=False),
        sa.Column("invitation_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["invitation_id"],
            ["delib_invitation.id"],
            name=op.f("fk_delib_pending_registration_invitation_id_delib_invitation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delib_pending_registration")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_delib_pending_registration_token_hash")),
    )
    with op.batch_alter_table("delib_pending_registration", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delib_pending_registration_email"), ["email"], unique=False)
        batch_op.create_index(batch_op.f("ix_delib_pending_registration_expires_at"), ["expires_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("delib_pending_registration", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delib_pending_registration_expires_at"))
        batch_op.drop_index(batch_op.f("ix_delib_pending_registration_email"))
    op.drop_table("delib_pending_registration")
