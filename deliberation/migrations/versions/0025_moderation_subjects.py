"""moderation subjects

Revision ID: 0025_moderation_subjects
Revises: 0024_moderation
Create Date: 2026-12-07

Members report, and coordinators hide and show again from the queue, comments on proposals,
reports on carrying out resolutions and practices besides comments: the CHECK constraint on
``delib_flag.subject`` accepts them. The lists are this migration's own copy of the values (see 0018).

PostgreSQL changes the constraint in place. SQLite cannot, so the table is rebuilt from its stored
CREATE TABLE the way migrations 0018 and 0023 do (rows copied with their ids, indexes re-created
from their own SQL); ``deliberation migrate`` runs with foreign keys off.

The downgrade deletes the reports about the new subjects, which the old schema cannot hold, then
restores the old constraint.
"""

from alembic import op

from deliberation.migrations.rebuild import change_check

revision = "0025_moderation_subjects"
down_revision = "0024_moderation"
branch_labels = None
depends_on = None

_TABLE = "delib_flag"
_OLD = ("comment",)
_NEW = ("comment", "proposal_comment", "report", "practice")


def upgrade() -> None:
    _change(_OLD, _NEW)


def downgrade() -> None:
    old = ", ".join(f"'{subject}'" for subject in _OLD)
    op.execute(f"DELETE FROM {_TABLE} WHERE subject NOT IN ({old})")
    _change(_NEW, _OLD)


def _change(before: tuple[str, ...], after: tuple[str, ...]) -> None:
    change_check(_TABLE, "subject", before, after, revision=revision)
