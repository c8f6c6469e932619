"""ballot keys

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06

``delib_ballot_key``: the idempotency key of each ballot form the server accepted, with the voter
and whether it changed an earlier choice, so a retried submission gets the first answer back. It
names the voter, like a participation, and never a ballot.

Receipts of secret ballots are now hashed with the voter too (``receipt_hash(vote, voter,
secret)``); ballots of votes cast before this revision keep their old hashes, which no receipt
matches any more, so their receipts can no longer be checked.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "delib_ballot_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vote_id", sa.Integer(), nullable=False),
        sa.Column("voter_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=22), nullable=False),
        sa.Column("changed", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["vote_id"], ["delib_vote.id"], name=op.f("fk_delib_ballot_key_vote_id_delib_vote")),
        sa.ForeignKeyConstraint(["voter_id"], ["delib_user.id"], name=op.f("fk_delib_ballot_key_voter_id_delib_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delib_ballot_key")),
        sa.UniqueConstraint("vote_id", "key", name=op.f("uq_delib_ballot_key_vote_id_key")),
    )


def downgrade() -> None:
    op.drop_table("delib_ballot_key")
