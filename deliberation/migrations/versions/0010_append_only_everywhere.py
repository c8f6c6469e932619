"""append only everywhere

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06

Append-only holds against every statement form on both databases. On SQLite, ``REPLACE INTO``
and ``INSERT OR REPLACE`` deleted the colliding row without firing a DELETE trigger; each
append-only table now refuses an insert whose key already exists (``append_only.refuse_replace``).
On PostgreSQL, votes also refuse TRUNCATE (their ballots and participations already did).

The audit log becomes a hash chain (``deliberation.audit.chain``): each entry stores the hash of
the entry before and its own. Entries already written are chained here, in id order, with the
append-only trigger lifted for that one backfill inside the migration's transaction.
"""

import sqlalchemy as sa
from alembic import op

from deliberation.audit.chain import hash_of
from deliberation.migrations import append_only

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("delib_audit_entry", sa.Column("previous_hash", sa.String(length=64), nullable=True))
    op.add_column("delib_audit_entry", sa.Column("hash", sa.String(length=64), nullable=True))
    _chain_existing_entries()
    for table, keys in append_only.REPLACE_KEYS.items():
        append_only.refuse_replace(table, keys)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE TRIGGER delib_vote_no_truncate BEFORE TRUNCATE ON delib_vote "
            "FOR EACH STATEMENT EXECUTE FUNCTION delib_refuse_change()"
        )


def _chain_existing_entries() -> None:
    bind = op.get_bind()
    postgresql = bind.dialect.name == "postgresql"
    if postgresql:
        op.execute("ALTER TABLE delib_audit_entry DISABLE TRIGGER delib_audit_entry_append_only")
    else:
        op.execute("DROP TRIGGER delib_audit_entry_no_update")
    entries = sa.table(
        "delib_audit_entry",
        sa.column("id", sa.Integer),
        sa.column("at", sa.DateTime(timezone=True)),
        sa.column("actor_id", sa.Integer),
        sa.column("action", sa.String),
        sa.column("object_type", sa.String),
        sa.column("object_id", sa.Integer),
        sa.column("details", sa.JSON),
        sa.column("previous_hash", sa.String),
        sa.column("hash", sa.String),
    )
    head, after = None, 0
    while True:
        rows = bind.execute(sa.select(entries).where(entries.c.id > after).order_by(entries.c.id).limit(500)).all()
        if not rows:
            break
        for row in rows:
            digest = hash_of(row, head)
            bind.execute(entries.update().where(entries.c.id == row.id).values(previous_hash=head, hash=digest))
            head, after = digest, row.id
    if postgresql:
        op.execute("ALTER TABLE delib_audit_entry ENABLE TRIGGER delib_audit_entry_append_only")
    else:
        op.execute(
            "CREATE TRIGGER delib_audit_entry_no_update BEFORE UPDATE ON delib_audit_entry "
            "BEGIN SELECT RAISE(ABORT, 'delib_audit_entry is append-only: UPDATE refused'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS delib_vote_no_truncate ON delib_vote")
    for table in reversed(append_only.REPLACE_KEYS):
        append_only.allow_replace(table)
    # Dropping the columns rebuilds the table on SQLite, which loses its triggers: put them back.
    with op.batch_alter_table("delib_audit_entry", schema=None) as batch_op:
        batch_op.drop_column("hash")
        batch_op.drop_column("previous_hash")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS delib_audit_entry_no_update")
        op.execute("DROP TRIGGER IF EXISTS delib_audit_entry_no_delete")
        append_only.create("delib_audit_entry")
