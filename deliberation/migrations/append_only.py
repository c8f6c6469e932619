"""DDL that makes a table append-only in the database itself, on SQLite and PostgreSQL.

The application never updates or deletes these rows; the triggers make sure nothing else does
either (a script, a console session, a bug). Used by migrations, so keep the DDL stable.
"""

from __future__ import annotations

from alembic import op

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION delib_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
END
$$
"""


def create(table: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_FUNCTION)
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION delib_refuse_change()"
        )
        # Row triggers do not fire on TRUNCATE.
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION delib_refuse_change()"
        )
        return
    for verb in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {verb} refused'); END"
        )


def drop(table: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        return
    for verb in ("update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{verb}")


#: Each append-only table with the keys a REPLACE could collide on (its primary key first).
#: Kept here, not read from the models, because a migration's DDL must not move with the code.
REPLACE_KEYS: dict[str, tuple[tuple[str, ...], ...]] = {
    "delib_audit_entry": (("id",),),
    "delib_revision": (("id",), ("document_id", "number")),
    "delib_comment_edit": (("id",),),
    "delib_amendment_version": (("id",), ("amendment_id", "version")),
    "delib_resolution": (("id",), ("vote_id",), ("sequence",), ("number",), ("hash",), ("previous_hash",)),
    "delib_participation": (("id",), ("vote_id", "voter_id")),
    "delib_ballot": (("id",), ("vote_id", "voter_id"), ("receipt_hash",)),
    "delib_vote": (("id",),),
}


def refuse_replace(table: str, keys: tuple[tuple[str, ...], ...]) -> None:
    """SQLite only: refuse an insert whose key already exists.

    ``REPLACE INTO`` (and ``INSERT OR REPLACE``, ``UPDATE OR REPLACE``) removes the row it collides
    with without firing any DELETE trigger (unless ``recursive_triggers`` is on), then inserts:
    a resolution or an audit entry rewritten in place. The INSERT trigger does fire, before the
    conflict is resolved, so refusing an existing key there closes the hole; it also refuses
    ``INSERT ... ON CONFLICT DO UPDATE`` before it can reach the UPDATE. An ordinary duplicate
    insert fails as before, as an integrity error. PostgreSQL has no REPLACE, its upsert and MERGE
    fire the row triggers, so it needs nothing here.
    """
    if op.get_bind().dialect.name != "sqlite":
        return
    exists = " OR ".join(
        f"EXISTS (SELECT 1 FROM {table} WHERE " + " AND ".join(f"{c} = NEW.{c}" for c in key) + ")" for key in keys
    )
    op.execute(
        f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} FOR EACH ROW WHEN {exists} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: an existing row cannot be replaced'); END"
    )


def allow_replace(table: str) -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_replace")
