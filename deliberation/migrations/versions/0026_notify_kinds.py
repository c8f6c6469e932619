"""notifications for the life between forums

Revision ID: 0026_notify_kinds
Revises: 0025_moderation_subjects
Create Date: 2026-12-07

The kind columns of ``delib_notification`` and ``delib_notification_preference`` accept four more
kinds: a decision on a topic proposal, a consultation assigned, a consultation answered, a report
hidden. This is the migration's own copy of the values (see 0018). Every stored notification and
preference stays as it is.

PostgreSQL changes the constraints in place. SQLite cannot, so both tables are rebuilt from their
stored CREATE TABLE the way migration 0023 does (rows copied with their ids, indexes re-created
from their own SQL); ``deliberation migrate`` runs with foreign keys off.

The downgrade deletes the notifications and preferences of the four new kinds, which the old
constraint cannot hold (refusing instead would leave a site unable to go back to the version
before, for the sake of rows that only say something happened), then restores the old constraint.
"""

from alembic import op

from deliberation.migrations.rebuild import change_check

revision = "0026_notify_kinds"
down_revision = "0025_moderation_subjects"
branch_labels = None
depends_on = None

_OLD_KINDS = (
    "revision",
    "comment",
    "reply",
    "amendment",
    "decision",
    "join_request",
    "join_answer",
    "facilitator",
    "submitted",
    "scheduled",
    "returned",
    "vote_opened",
    "vote_closed",
)
_ADDED = ("proposal", "cons_assign", "cons_answer", "report_hide")
_NEW_KINDS = _OLD_KINDS + _ADDED
_TABLES = ("delib_notification", "delib_notification_preference")


def upgrade() -> None:
    _change(_OLD_KINDS, _NEW_KINDS)


def downgrade() -> None:
    added = ", ".join(f"'{kind}'" for kind in _ADDED)
    for table in _TABLES:
        op.execute(f"DELETE FROM {table} WHERE kind IN ({added})")
    _change(_NEW_KINDS, _OLD_KINDS)


def _change(before: tuple[str, ...], after: tuple[str, ...]) -> None:
    for table in _TABLES:
        change_check(table, "kind", before, after, revision=revision)
