"""proposals

Revision ID: 0020_proposals
Revises: 0019c_practices
Create Date: 2026-12-07

Topic proposals for forums and workshops (``delib_proposal``), their supports (one per member, a
unique pair) and flat comment threads, and polls on candidate themes: the poll, its options, who
answered and what each answer chose. A poll has no status: it is closed once its closing time has
passed, and the triggers of ``migrations/poll_guards.py`` refuse any answer after that by the
database clock. The CHECK constraints carry this migration's own copy of the values.
"""

import sqlalchemy as sa
from alembic import op

from deliberation.migrations import poll_guards

revision = "0020_proposals"
down_revision = "0019c_practices"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "delib_poll",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.String(length=5000), nullable=False),
        sa.Column("mode", sa.String(length=10), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("mode IN ('single', 'multiple')", name=op.f("ck_delib_poll_mode")),
        sa.ForeignKeyConstraint(["created_by"], ["delib_user.id"], name=op.f("fk_delib_poll_created_by_delib_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delib_poll")),
    )
    with op.batch_alter_table("delib_poll", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delib_poll_closes_at"), ["closes_at"], unique=False)

    op.create_table(
        "delib_poll_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changes", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["poll_id"], ["delib_poll.id"], name=op.f("fk_delib_poll_answer_poll_id_delib_poll")),
        sa.ForeignKeyConstraint(["user_id"], ["delib_user.id"], name=op.f("fk_delib_poll_answer_user_id_delib_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delib_poll_answer")),
        sa.UniqueConstraint("poll_id", "user_id", name=op.f("uq_delib_poll_answer_poll_id_user_id")),
    )
    with op.batch_alter_table("delib_poll_answer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delib_poll_answer_poll_id"), ["poll_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_delib_poll_answer_user_id"), ["user_id"], unique=False)

    op.create_table(
        "delib_proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.String(length=5000), nullable=False),
        sa.Column("sectors", sa.JSON(), nullable=False),
        sa.Column("themes", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_reason", sa.String(length=1000), nullable=False),
        sa.Column("forum_id", sa.Integer(), nullable=True),
        sa.Column("workshop_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("kind IN ('forum_theme', 'workshop_topic')", name=op.f("ck_delib_proposal_kind")),
        sa.CheckConstraint("status IN ('open', 'accepted', 'declined')", name=op.f("ck_delib_proposal_status")),
        sa.ForeignKeyConstraint(["author_id"], ["delib_user.id"], name=op.f("fk_delib_proposal_author_id_delib_user")),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["delib_user.id"], name=op.f("fk_delib_proposal_decided_by_delib_user")
        ),
        sa.ForeignKeyConstraint(["forum_id"], ["delib_forum.id"], name=op.f("fk_delib_proposal_forum_id_delib_forum")),
        sa.ForeignKeyConstraint(
            ["workshop_id"], ["delib_workshop.id"], name=op.f("fk_delib_proposal_workshop_id_delib_workshop")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delib_proposal")),
    )
    with op.batch_alter_table("delib_proposal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delib_proposal_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_delib_proposal_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_delib_proposal_status"), ["status"], unique=False)

    op.create_table(
        "delib_poll_option",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["poll_id"], ["delib_poll.id"], name=op.f("fk_delib_poll_option_poll_id_delib_poll")),
        sa.ForeignKeyConstraint(
            ["proposal_id"], ["delib_proposal.id"], name=op.f("fk_delib_poll_option_proposal_id_delib_proposal")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delib_poll_option")),
        sa.UniqueConstraint("poll_id", "position", name=op.f("uq_delib_poll_option_poll_id_position")),
    )
    with op.batch_alter_table("delib_poll_option", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delib_poll_option_poll_id"), ["poll_id"], unique=False)

    op.create_table(
        "delib_proposal_comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.String(length=3000), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("hidden_by", sa.Integer(), nullable=True),
        sa.Column("hidden_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("hidden_reason", sa.String(length=1000), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["delib_user.id"], name=op.f("fk_delib_proposal_comment_author_id_delib_user")
        ),
        sa.ForeignKeyConstraint(
            ["hidden_by"], ["delib_user.id"], name=op.f("fk_delib_proposal_comment_hidden_by_delib_user")
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"], ["delib_proposal.id"], name=op.f("fk_delib_proposal_comment_proposal_id_delib_proposal")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delib_proposal_comment")),
    )
    with op.batch_alter_table("delib_proposal_comment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delib_proposal_comment_proposal_id"), ["proposal_id"], unique=False)

    op.create_table(
        "delib_proposal_support",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["proposal_id"], ["delib_proposal.id"], name=op.f("fk_delib_proposal_support_proposal_id_delib_proposal")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["delib_user.id"], name=op.f("fk_delib_proposal_support_user_id_delib_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delib_proposal_support")),
        sa.UniqueConstraint("proposal_id", "user_id", name=op.f("uq_delib_proposal_support_proposal_id_user_id")),
    )
    with op.batch_alter_table("delib_proposal_support", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delib_proposal_support_proposal_id"), ["proposal_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_delib_proposal_support_user_id"), ["user_id"], unique=False)

    op.create_table(
        "delib_poll_choice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("answer_id", sa.Integer(), nullable=False),
        sa.Column("poll_id", sa.Integer(), nullable=False),
        sa.Column("option_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["answer_id"], ["delib_poll_answer.id"], name=op.f("fk_delib_poll_choice_answer_id_delib_poll_answer")
        ),
        sa.ForeignKeyConstraint(
            ["option_id"], ["delib_poll_option.id"], name=op.f("fk_delib_poll_choice_option_id_delib_poll_option")
        ),
        sa.ForeignKeyConstraint(["poll_id"], ["delib_poll.id"], name=op.f("fk_delib_poll_choice_poll_id_delib_poll")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delib_poll_choice")),
        sa.UniqueConstraint("answer_id", "option_id", name=op.f("uq_delib_poll_choice_answer_id_option_id")),
    )
    with op.batch_alter_table("delib_poll_choice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delib_poll_choice_answer_id"), ["answer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_delib_poll_choice_option_id"), ["option_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_delib_poll_choice_poll_id"), ["poll_id"], unique=False)

    poll_guards.create()


def downgrade() -> None:
    poll_guards.drop()
    with op.batch_alter_table("delib_poll_choice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delib_poll_choice_poll_id"))
        batch_op.drop_index(batch_op.f("ix_delib_poll_choice_option_id"))
        batch_op.drop_index(batch_op.f("ix_delib_poll_choice_answer_id"))

    op.drop_table("delib_poll_choice")
    with op.batch_alter_table("delib_proposal_support", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delib_proposal_support_user_id"))
        batch_op.drop_index(batch_op.f("ix_delib_proposal_support_proposal_id"))

    op.drop_table("delib_proposal_support")
    with op.batch_alter_table("delib_proposal_comment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delib_proposal_comment_proposal_id"))

    op.drop_table("delib_proposal_comment")
    with op.batch_alter_table("delib_poll_option", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delib_poll_option_poll_id"))

    op.drop_table("delib_poll_option")
    with op.batch_alter_table("delib_proposal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delib_proposal_status"))
        batch_op.drop_index(batch_op.f("ix_delib_proposal_kind"))
        batch_op.drop_index(batch_op.f("ix_delib_proposal_author_id"))

    op.drop_table("delib_proposal")
    with op.batch_alter_table("delib_poll_answer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delib_poll_answer_user_id"))
        batch_op.drop_index(batch_op.f("ix_delib_poll_answer_poll_id"))

    op.drop_table("delib_poll_answer")
    with op.batch_alter_table("delib_poll", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delib_poll_closes_at"))

    op.drop_table("delib_poll")
