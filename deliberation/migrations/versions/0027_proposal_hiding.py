"""topic proposals can be reported and hidden

Revision ID: 0027_proposal_hiding
Revises: 0026_notify_kinds
Create Date: 2026-12-07

A topic proposal gains ``hidden_at``, ``hidden_by`` and ``hidden_reason``, as comments, reports and
practices have: a coordinator hides spam or abuse and the row keeps its text. ``delib_flag.subject``
accepts ``proposal``, so members can report one (this migration's own copy of the values, see 0018).

The downgrade deletes the reports about proposals, which the old constraint cannot hold, then
drops the three columns: a proposal hidden at that moment is shown again (the audit log keeps who
hid it and why).
"""

import sqlalchemy as sa
from alembic import op

from deliberation.migrations.rebuild import change_check

revision = "0027_proposal_hiding"
down_revision = "0026_notify_kinds"
branch_labels = None
depends_on = None

_OLD = ("comment", "proposal_comment", "report", "practice")
_NEW = (*_OLD, "proposal")


def upgrade() -> None:
    with op.batch_alter_table("delib_proposal") as batch_op:
        batch_op.add_column(sa.Column("hidden_by", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("hidden_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("hidden_reason", sa.String(length=1000), nullable=False, server_default=""))
        batch_op.create_foreign_key(
            batch_op.f("fk_delib_proposal_hidden_by_delib_user"), "delib_user", ["hidden_by"], ["id"]
        )
    change_check("delib_flag", "subject", _OLD, _NEW, revision=revision)


def downgrade() -> None:
    op.execute("DELETE FROM delib_flag WHERE subject = 'proposal'")
    change_check("delib_flag", "subject", _NEW, _OLD, revision=revision)
    with op.batch_alter_table("delib_proposal") as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_delib_proposal_hidden_by_delib_user"), type_="foreignkey")
        batch_op.drop_column("hidden_reason")
        batch_op.drop_column("hidden_at")
        batch_op.drop_column("hidden_by")
