"""append only everywhere

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06

Append-only holds against every statement form on both databases. On SQLite, ``REPLACE INTO``
and ``INSERT OR REPLACE`` deleted the colliding row without firing a DELETE trigger; each
append-only table now refuses an insert whose key already exists (``append_only.refuse_replace``).
On PostgreSQL, votes also refuse TRUNCATE (their ballots and participations already did).
"""
from alembic import op

from deliberation.migrations import append_only


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table, keys in append_only.REPLACE_KEYS.items():
        append_only.refuse_replace(table, keys)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE TRIGGER delib_vote_no_truncate BEFORE TRUNCATE ON delib_vote "
                   "FOR EACH STATEMENT EXECUTE FUNCTION delib_refuse_change()")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS delib_vote_no_truncate ON delib_vote")
    for table in reversed(append_only.REPLACE_KEYS):
        append_only.allow_replace(table)
