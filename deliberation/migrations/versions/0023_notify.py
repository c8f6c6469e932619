"""notifications about any subject

Revision ID: 0023_notify
Revises: 0022_calendar
Create Date: 2026-12-07

A notification may now concern a workshop, a forum's agenda or a vote instead of a document:
``delib_notification.document_id`` becomes nullable (what such a notification needs is in its
``details``), and the kind columns of ``delib_notification`` and ``delib_notification_preference``
accept the new kinds. Every stored notification and preference stays as it is.

PostgreSQL changes the column and the constraints in place. SQLite cannot, so both tables are
rebuilt from their stored CREATE TABLE the way migration 0018 does (rows copied with their ids,
indexes re-created from their own SQL); ``deliberation migrate`` runs with foreign keys off.

The downgrade deletes the notifications and preferences of the new kinds (and any notification
without a document), which the old schema cannot hold, then restores the old definitions.
"""

from alembic import op

from deliberation.migrations.rebuild import sqlite_rebuild

revision = "0023_notify"
down_revision = "0022_calendar"
branch_labels = None
depends_on = None

_OLD_KINDS = ("revision", "reply", "amendment", "decision")
_NEW_KINDS = (
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
_TABLES = ("delib_notification", "delib_notification_preference")


def _check(table: str, kinds: tuple[str, ...]) -> str:
    values = ", ".join(f"'{kind}'" for kind in kinds)
    return f"CONSTRAINT ck_{table}_kind CHECK (kind IN ({values}))"


def upgrade() -> None:
    _change(_OLD_KINDS, _NEW_KINDS, document_nullable=True)


def downgrade() -> None:
    old = ", ".join(f"'{kind}'" for kind in _OLD_KINDS)
    op.execute(f"DELETE FROM delib_notification WHERE kind NOT IN ({old}) OR document_id IS NULL")
    op.execute(f"DELETE FROM delib_notification_preference WHERE kind NOT IN ({old})")
    _change(_NEW_KINDS, _OLD_KINDS, document_nullable=False)


def _change(before: tuple[str, ...], after: tuple[str, ...], *, document_nullable: bool) -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in _TABLES:
            op.execute(f"ALTER TABLE {table} DROP CONSTRAINT ck_{table}_kind")
            op.execute(f"ALTER TABLE {table} ADD {_check(table, after)}")
        op.execute(
            "ALTER TABLE delib_notification ALTER COLUMN document_id "
            + ("DROP NOT NULL" if document_nullable else "SET NOT NULL")
        )
        return
    for table in _TABLES:

        def definition(sql: str, table: str = table) -> str:
            sql = _replace(sql, _check(table, before), _check(table, after))
            if table == "delib_notification":
                old, new = "document_id INTEGER NOT NULL,", "document_id INTEGER,"
                sql = _replace(sql, *((old, new) if document_nullable else (new, old)))
            return sql

        sqlite_rebuild(table, definition, revision=revision)


def _replace(sql: str, old: str, new: str) -> str:
    if old not in sql:
        raise RuntimeError(f"Migration 0023 cannot find {old!r} in the stored definition: {sql[:80]}")
    return sql.replace(old, new)
