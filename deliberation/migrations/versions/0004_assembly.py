"""assembly

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

Forum assemblies: agenda items, delegates and proxies, speakers' lists, votes with their
participations and ballots, and resolutions. The database itself guards the vote: participations
and ballots only while the vote is open and before its closing time, no change once it closed,
no deletion ever, a rule fixed once the vote opened; resolutions are append-only.
"""

import sqlalchemy as sa
from alembic import op

from deliberation.migrations import append_only, vote_guards

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "delib_delegate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("forum_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("is_registered", sa.Boolean(), nullable=False),
        sa.Column("registered_by", sa.Integer(), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("is_present", sa.Boolean(), nullable=False),
        sa.Column("present_marked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["forum_id"], ["delib_forum.id"], name=op.f("fk_delib_delegate_forum_id_delib_forum")),
        sa.ForeignKeyConstraint(
            ["registered_by"], ["delib_user.id"], name=op.f("fk_delib_delegate_registered_by_delib_user")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["delib_user.id"], name=op.f("fk_delib_delegate_user_id_delib_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delib_delegate")),
        sa.UniqueConstraint("forum_id", "user_id", name=op.f("uq_delib_delegate_forum_id_user_id")),
    )
    with op.batch_alter_table("delib_delegate", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delib_delegate_forum_id"), ["forum_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_delib_delegate_user_id"), ["user_id"], unique=False)

    op.create_table(
        "delib_proxy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("forum_id", sa.Integer(), nullable=False),
        sa.Column("giver_id", sa.Integer(), nullable=False),
        sa.Column("holder_id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["created_by"], ["delib_user.id"], name=op.f("fk_delib_proxy_created_by_delib_user")),
        sa.ForeignKeyConstraint(["forum_id"], ["delib_forum.id"], name=op.f("fk_delib_proxy_forum_id_delib_forum")),
        sa.ForeignKeyConstraint(["giver_id"], ["delib_user.id"], name=op.f("fk_delib_proxy_giver_id_delib_user")),
        sa.ForeignKeyConstraint(["holder_id"], ["delib_user.id"], name=op.f("fk_delib_proxy_holder_id_delib_user")),
        sa.ForeignKeyConstraint(["revoked_by"], ["delib_user.id"], name=op.f("fk_delib_proxy_revoked_by_delib_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delib_proxy")),
    )
    with op.batch_alter_table("delib_proxy", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delib_proxy_forum_id"), ["forum_id"], unique=False)
        batch_op.create_index(
            "uq_delib_proxy_live_giver",
            ["forum_id", "giver_id"],
            unique=True,
            sqlite_where=sa.text("revoked_at IS NULL"),
            postgresql_where=sa.text("revoked_at IS NULL"),
        )
        batch_op.create_index(
            "uq_delib_proxy_live_holder",
            ["forum_id", "holder_id"],
            unique=True,
            sqlite_where=sa.text("revoked_at IS NULL"),
            postgresql_where=sa.text("revoked_at IS NULL"),
        )

    op.create_table(
        "delib_agenda_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("forum_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("revision_number", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("position", sa.Integer(), nullable=True),
        sa.Column("submitted_by", sa.Integer(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("return_reason", sa.String(length=2000), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=True),
        sa.Column("speakers_closed", sa.Boolean(), nullable=False),
        sa.Column("speaking_seconds", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["delib_user.id"], name=op.f("fk_delib_agenda_item_decided_by_delib_user")
        ),
        sa.ForeignKeyConstraint(
            ["document_id"], ["delib_document.id"], name=op.f("fk_delib_agenda_item_document_id_delib_document")
        ),
        sa.ForeignKeyConstraint(
            ["forum_id"], ["delib_forum.id"], name=op.f("fk_delib_agenda_item_forum_id_delib_forum")
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by"], ["delib_user.id"], name=op.f("fk_delib_agenda_item_submitted_by_delib_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delib_agenda_item")),
    )
    with op.batch_alter_table("delib_agenda_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delib_agenda_item_document_id"), ["document_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_delib_agenda_item_forum_id"), ["forum_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_delib_agenda_item_status"), ["status"], unique=False)

    op.create_table(
        "delib_speaker",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agenda_item_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"], ["delib_agenda_item.id"], name=op.f("fk_delib_speaker_agenda_item_id_delib_agenda_item")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["delib_user.id"], name=op.f("fk_delib_speaker_user_id_delib_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delib_speaker")),
    )
    with op.batch_alter_table("delib_speaker", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delib_speaker_agenda_item_id"), ["agenda_item_id"], unique=False)

    op.create_table(
        "delib_vote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("forum_id", sa.Integer(), nullable=False),
        sa.Column("agenda_item_id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=10), nullable=False),
        sa.Column("amendment_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("threshold", sa.String(length=20), nullable=False),
        sa.Column("quorum_num", sa.Integer(), nullable=False),
        sa.Column("quorum_den", sa.Integer(), nullable=False),
        sa.Column("quorum_base", sa.String(length=10), nullable=False),
        sa.Column("is_secret", sa.Boolean(), nullable=False),
        sa.Column("mode", sa.String(length=10), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_by", sa.Integer(), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revision_number", sa.Integer(), nullable=True),
        sa.Column("for_count", sa.Integer(), nullable=True),
        sa.Column("against_count", sa.Integer(), nullable=True),
        sa.Column("abstain_count", sa.Integer(), nullable=True),
        sa.Column("registered_count", sa.Integer(), nullable=True),
        sa.Column("present_count", sa.Integer(), nullable=True),
        sa.Column("participants_count", sa.Integer(), nullable=True),
        sa.Column("quorum_reached", sa.Boolean(), nullable=True),
        sa.Column("is_adopted", sa.Boolean(), nullable=True),
        sa.Column("reason", sa.String(length=20), nullable=True),
        sa.Column("hand_counted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"], ["delib_agenda_item.id"], name=op.f("fk_delib_vote_agenda_item_id_delib_agenda_item")
        ),
        sa.ForeignKeyConstraint(
            ["amendment_id"], ["delib_amendment.id"], name=op.f("fk_delib_vote_amendment_id_delib_amendment")
        ),
        sa.ForeignKeyConstraint(["closed_by"], ["delib_user.id"], name=op.f("fk_delib_vote_closed_by_delib_user")),
        sa.ForeignKeyConstraint(["created_by"], ["delib_user.id"], name=op.f("fk_delib_vote_created_by_delib_user")),
        sa.ForeignKeyConstraint(["forum_id"], ["delib_forum.id"], name=op.f("fk_delib_vote_forum_id_delib_forum")),
        sa.ForeignKeyConstraint(["opened_by"], ["delib_user.id"], name=op.f("fk_delib_vote_opened_by_delib_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delib_vote")),
    )
    with op.batch_alter_table("delib_vote", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delib_vote_agenda_item_id"), ["agenda_item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_delib_vote_amendment_id"), ["amendment_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_delib_vote_forum_id"), ["forum_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_delib_vote_status"), ["status"], unique=False)

    op.create_table(
        "delib_ballot",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("vote_id", sa.Integer(), nullable=False),
        sa.Column("voter_id", sa.Integer(), nullable=True),
        sa.Column("choice", sa.String(length=10), nullable=False),
        sa.Column("receipt_hash", sa.String(length=64), nullable=True),
        sa.Column("changes", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["vote_id"], ["delib_vote.id"], name=op.f("fk_delib_ballot_vote_id_delib_vote")),
        sa.ForeignKeyConstraint(["voter_id"], ["delib_user.id"], name=op.f("fk_delib_ballot_voter_id_delib_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delib_ballot")),
        sa.UniqueConstraint("receipt_hash", name=op.f("uq_delib_ballot_receipt_hash")),
        sa.UniqueConstraint("vote_id", "voter_id", name=op.f("uq_delib_ballot_vote_id_voter_id")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("delib_ballot", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delib_ballot_vote_id"), ["vote_id"], unique=False)

    op.create_table(
        "delib_participation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vote_id", sa.Integer(), nullable=False),
        sa.Column("voter_id", sa.Integer(), nullable=False),
        sa.Column("cast_by", sa.Integer(), nullable=False),
        sa.Column("cast_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["cast_by"], ["delib_user.id"], name=op.f("fk_delib_participation_cast_by_delib_user")),
        sa.ForeignKeyConstraint(["vote_id"], ["delib_vote.id"], name=op.f("fk_delib_participation_vote_id_delib_vote")),
        sa.ForeignKeyConstraint(
            ["voter_id"], ["delib_user.id"], name=op.f("fk_delib_participation_voter_id_delib_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delib_participation")),
        sa.UniqueConstraint("vote_id", "voter_id", name=op.f("uq_delib_participation_vote_id_voter_id")),
    )
    with op.batch_alter_table("delib_participation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delib_participation_vote_id"), ["vote_id"], unique=False)

    op.create_table(
        "delib_resolution",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("revision_number", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("forum_id", sa.Integer(), nullable=False),
        sa.Column("forum_title", sa.String(length=200), nullable=False),
        sa.Column("vote_id", sa.Integer(), nullable=False),
        sa.Column("adopted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sectors", sa.JSON(), nullable=False),
        sa.Column("themes", sa.JSON(), nullable=False),
        sa.Column("rule", sa.JSON(), nullable=False),
        sa.Column("tally", sa.JSON(), nullable=False),
        sa.Column("contributors", sa.JSON(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("previous_hash", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_id"], ["delib_document.id"], name=op.f("fk_delib_resolution_document_id_delib_document")
        ),
        sa.ForeignKeyConstraint(
            ["forum_id"], ["delib_forum.id"], name=op.f("fk_delib_resolution_forum_id_delib_forum")
        ),
        sa.ForeignKeyConstraint(["vote_id"], ["delib_vote.id"], name=op.f("fk_delib_resolution_vote_id_delib_vote")),
        sa.ForeignKeyConstraint(
            ["workshop_id"], ["delib_workshop.id"], name=op.f("fk_delib_resolution_workshop_id_delib_workshop")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delib_resolution")),
        sa.UniqueConstraint("hash", name=op.f("uq_delib_resolution_hash")),
        sa.UniqueConstraint("number", name=op.f("uq_delib_resolution_number")),
        sa.UniqueConstraint("previous_hash", name=op.f("uq_delib_resolution_previous_hash")),
        sa.UniqueConstraint("sequence", name=op.f("uq_delib_resolution_sequence")),
        sa.UniqueConstraint("vote_id", name=op.f("uq_delib_resolution_vote_id")),
    )
    with op.batch_alter_table("delib_resolution", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delib_resolution_document_id"), ["document_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_delib_resolution_forum_id"), ["forum_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_delib_resolution_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_delib_resolution_workshop_id"), ["workshop_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_delib_resolution_year"), ["year"], unique=False)

    with op.batch_alter_table("delib_forum", schema=None) as batch_op:
        batch_op.add_column(sa.Column("current_item_id", sa.Integer(), nullable=True))

    vote_guards.create()
    append_only.create("delib_resolution")


def downgrade() -> None:
    append_only.drop("delib_resolution")
    vote_guards.drop()
    with op.batch_alter_table("delib_forum", schema=None) as batch_op:
        batch_op.drop_column("current_item_id")

    with op.batch_alter_table("delib_resolution", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delib_resolution_year"))
        batch_op.drop_index(batch_op.f("ix_delib_resolution_workshop_id"))
        batch_op.drop_index(batch_op.f("ix_delib_resolution_kind"))
        batch_op.drop_index(batch_op.f("ix_delib_resolution_forum_id"))
        batch_op.drop_index(batch_op.f("ix_delib_resolution_document_id"))

    op.drop_table("delib_resolution")
    with op.batch_alter_table("delib_participation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delib_participation_vote_id"))

    op.drop_table("delib_participation")
    with op.batch_alter_table("delib_ballot", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delib_ballot_vote_id"))

    op.drop_table("delib_ballot")
    with op.batch_alter_table("delib_vote", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delib_vote_status"))
        batch_op.drop_index(batch_op.f("ix_delib_vote_forum_id"))
        batch_op.drop_index(batch_op.f("ix_delib_vote_amendment_id"))
        batch_op.drop_index(batch_op.f("ix_delib_vote_agenda_item_id"))

    op.drop_table("delib_vote")
    with op.batch_alter_table("delib_speaker", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delib_speaker_agenda_item_id"))

    op.drop_table("delib_speaker")
    with op.batch_alter_table("delib_agenda_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delib_agenda_item_status"))
        batch_op.drop_index(batch_op.f("ix_delib_agenda_item_forum_id"))
        batch_op.drop_index(batch_op.f("ix_delib_agenda_item_document_id"))

    op.drop_table("delib_agenda_item")
    with op.batch_alter_table("delib_proxy", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_delib_proxy_live_holder",
            sqlite_where=sa.text("revoked_at IS NULL"),
            postgresql_where=sa.text("revoked_at IS NULL"),
        )
        batch_op.drop_index(
            "uq_delib_proxy_live_giver",
            sqlite_where=sa.text("revoked_at IS NULL"),
            postgresql_where=sa.text("revoked_at IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_delib_proxy_forum_id"))

    op.drop_table("delib_proxy")
    with op.batch_alter_table("delib_delegate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delib_delegate_user_id"))
        batch_op.drop_index(batch_op.f("ix_delib_delegate_forum_id"))

    op.drop_table("delib_delegate")
