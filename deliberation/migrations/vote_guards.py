"""Triggers that make the database itself keep a vote honest, on SQLite and PostgreSQL.

- A participation or a ballot is accepted only while its vote is open and, for a vote with a
  closing time, before that time by the database clock.
- A ballot changes (a delegate changing their choice) only while its vote is open, and only in its
  choice; a participation never changes. Neither is ever deleted.
- A vote's rule (threshold, quorum, secrecy, mode, closing time, what is voted on) is fixed once
  the vote opens; a closed or cancelled vote never changes; no vote is deleted.

On PostgreSQL the ballot triggers take a share lock on the vote row. Closing a vote updates that
row, so it waits for every ballot already being written to commit, and any ballot arriving later
waits for the close and then sees a closed vote: no ballot can slip in beside the tally.
SQLite writes one transaction at a time, which gives the same order.

Used by migrations, so keep the DDL stable; a change means a new migration.
"""

from __future__ import annotations

from alembic import op

# The rule and the subject of a vote: fixed from the moment it opens.
FIXED_WHEN_OPEN = (
    "forum_id",
    "agenda_item_id",
    "subject",
    "amendment_id",
    "revision_number",
    "threshold",
    "quorum_num",
    "quorum_den",
    "quorum_base",
    "is_secret",
    "mode",
    "closes_at",
    "opened_at",
    "opened_by",
)

# SQLAlchemy stores SQLite times as 'YYYY-MM-DD HH:MM:SS.ffffff'; this is the database clock in that form.
SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f000', 'now')"

_PG_CAST_GUARD = """
CREATE OR REPLACE FUNCTION delib_cast_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_status text;
    v_closes timestamptz;
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION '% rows are never deleted', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
    END IF;
    IF TG_OP = 'UPDATE' THEN
        IF TG_TABLE_NAME <> 'delib_ballot' THEN
            RAISE EXCEPTION '% rows never change', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
        END IF;
        IF (to_jsonb(NEW) - 'choice' - 'changes') IS DISTINCT FROM (to_jsonb(OLD) - 'choice' - 'changes') THEN
            RAISE EXCEPTION 'only the choice of a ballot may change' USING ERRCODE = 'restrict_violation';
        END IF;
    END IF;
    SELECT status, closes_at INTO v_status, v_closes FROM delib_vote WHERE id = NEW.vote_id FOR SHARE;
    IF v_status IS DISTINCT FROM 'open' OR (v_closes IS NOT NULL AND v_closes <= clock_timestamp()) THEN
        RAISE EXCEPTION 'the vote is not open: % on % refused', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END
$$
"""

_PG_VOTE_GUARD = """
CREATE OR REPLACE FUNCTION delib_vote_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'votes are never deleted' USING ERRCODE = 'restrict_violation';
    END IF;
    IF OLD.status IN ('closed', 'cancelled') THEN
        RAISE EXCEPTION 'a % vote never changes', OLD.status USING ERRCODE = 'restrict_violation';
    END IF;
    IF OLD.status = 'open' AND (%(new)s) IS DISTINCT FROM (%(old)s) THEN
        RAISE EXCEPTION 'the rule of an open vote cannot change' USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END
$$
"""


def _sqlite_vote_open(row: str) -> str:
    return (
        f"(SELECT status FROM delib_vote WHERE id = {row}.vote_id) IS NOT 'open' OR "
        f"coalesce((SELECT closes_at FROM delib_vote WHERE id = {row}.vote_id) <= {SQLITE_NOW}, 0)"
    )


def _sqlite_refuse(name: str, when: str, message: str) -> str:
    table, event = name.split(":")
    trigger = f"{table}_{event.lower().replace(' ', '_')}_guard"
    condition = f" WHEN {when}" if when else ""
    return (
        f"CREATE TRIGGER {trigger} BEFORE {event} ON {table} FOR EACH ROW{condition} "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
    )


def _sqlite_statements() -> list[str]:
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in FIXED_WHEN_OPEN)
    ballot_fixed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in ("id", "vote_id", "voter_id", "receipt_hash"))
    return [
        _sqlite_refuse("delib_participation:INSERT", _sqlite_vote_open("NEW"), "the vote is not open"),
        _sqlite_refuse("delib_participation:UPDATE", "", "delib_participation rows never change"),
        _sqlite_refuse("delib_participation:DELETE", "", "delib_participation rows are never deleted"),
        _sqlite_refuse("delib_ballot:INSERT", _sqlite_vote_open("NEW"), "the vote is not open"),
        _sqlite_refuse(
            "delib_ballot:UPDATE",
            f"{_sqlite_vote_open('OLD')} OR {ballot_fixed}",
            "a ballot changes only in its choice, while its vote is open",
        ),
        _sqlite_refuse("delib_ballot:DELETE", "", "delib_ballot rows are never deleted"),
        _sqlite_refuse(
            "delib_vote:UPDATE",
            f"OLD.status IN ('closed', 'cancelled') OR (OLD.status = 'open' AND ({changed}))",
            "a closed vote never changes, and the rule of an open vote is fixed",
        ),
        _sqlite_refuse("delib_vote:DELETE", "", "votes are never deleted"),
    ]


_SQLITE_TRIGGERS = (
    "delib_participation_insert_guard",
    "delib_participation_update_guard",
    "delib_participation_delete_guard",
    "delib_ballot_insert_guard",
    "delib_ballot_update_guard",
    "delib_ballot_delete_guard",
    "delib_vote_update_guard",
    "delib_vote_delete_guard",
)


def _pg_vote_guard() -> str:
    return _PG_VOTE_GUARD.replace("%(new)s", ", ".join(f"NEW.{c}" for c in FIXED_WHEN_OPEN)).replace(
        "%(old)s", ", ".join(f"OLD.{c}" for c in FIXED_WHEN_OPEN)
    )


def create() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_CAST_GUARD)
        op.execute(_pg_vote_guard())
        for table in ("delib_participation", "delib_ballot"):
            op.execute(
                f"CREATE TRIGGER {table}_guard BEFORE INSERT OR UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION delib_cast_guard()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION delib_refuse_change()"
            )
        op.execute(
            "CREATE TRIGGER delib_vote_guard BEFORE UPDATE OR DELETE ON delib_vote "
            "FOR EACH ROW EXECUTE FUNCTION delib_vote_guard()"
        )
        return
    for statement in _sqlite_statements():
        op.execute(statement)


def drop() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in ("delib_participation", "delib_ballot"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_guard ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute("DROP TRIGGER IF EXISTS delib_vote_guard ON delib_vote")
        op.execute("DROP FUNCTION IF EXISTS delib_cast_guard()")
        op.execute("DROP FUNCTION IF EXISTS delib_vote_guard()")
        return
    for trigger in _SQLITE_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
