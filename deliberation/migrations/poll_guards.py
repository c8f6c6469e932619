"""Triggers that keep a poll honest in the database itself, on SQLite and PostgreSQL.

- A poll and its options never change once created, and are never deleted: the closing time a
  member saw is the one that counts.
- An answer, and each option it chose, is written (inserted, changed, or a choice taken back)
  only before the poll's closing time by the database clock; an answer is never deleted.

A poll has no status to flip at its close: past ``closes_at`` these triggers refuse every write,
so whoever reads afterwards counts exactly what was written before, with nothing running at the
closing time. The application adds one more check at the very end of each answering transaction
(``proposals.polls``), so an answer whose statements ran before the time but whose commit comes
after it is refused too.

Used by migrations, so keep the DDL stable; a change means a new migration.
"""

from __future__ import annotations

from alembic import op

# SQLAlchemy stores SQLite times as 'YYYY-MM-DD HH:MM:SS.ffffff'; this is the database clock in that form.
SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f000', 'now')"

_PG_FIXED = """
CREATE OR REPLACE FUNCTION delib_poll_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows never change: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'restrict_violation';
END
$$
"""

_PG_ANSWER_GUARD = """
CREATE OR REPLACE FUNCTION delib_poll_answer_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_poll integer;
    v_closes timestamptz;
BEGIN
    IF TG_OP = 'DELETE' AND TG_TABLE_NAME = 'delib_poll_answer' THEN
        RAISE EXCEPTION 'poll answers are never deleted' USING ERRCODE = 'restrict_violation';
    END IF;
    IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'delib_poll_choice' THEN
        RAISE EXCEPTION 'a poll choice never changes' USING ERRCODE = 'restrict_violation';
    END IF;
    IF TG_OP = 'UPDATE' AND (to_jsonb(NEW) - 'answered_at' - 'changes') IS DISTINCT FROM (to_jsonb(OLD) - 'answered_at' - 'changes') THEN
        RAISE EXCEPTION 'only the time and the count of changes of an answer change' USING ERRCODE = 'restrict_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN v_poll := OLD.poll_id; ELSE v_poll := NEW.poll_id; END IF;
    EXECUTE format('SELECT closes_at FROM %I.delib_poll WHERE id = $1', TG_TABLE_SCHEMA) INTO v_closes USING v_poll;
    IF v_closes IS NULL OR v_closes <= clock_timestamp() THEN
        RAISE EXCEPTION 'the poll is closed: % on % refused', TG_OP, TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END
$$
"""


def _closed(row: str) -> str:
    return f"coalesce((SELECT closes_at FROM delib_poll WHERE id = {row}.poll_id) <= {SQLITE_NOW}, 1)"


def _sqlite(trigger: str, event: str, table: str, when: str, message: str) -> str:
    condition = f" WHEN {when}" if when else ""
    return (
        f"CREATE TRIGGER {trigger} BEFORE {event} ON {table} FOR EACH ROW{condition} "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
    )


_SQLITE = (
    ("delib_poll_no_update", "UPDATE", "delib_poll", "", "a poll never changes"),
    ("delib_poll_no_delete", "DELETE", "delib_poll", "", "a poll is never deleted"),
    ("delib_poll_option_no_update", "UPDATE", "delib_poll_option", "", "a poll option never changes"),
    ("delib_poll_option_no_delete", "DELETE", "delib_poll_option", "", "a poll option is never deleted"),
    ("delib_poll_answer_insert_guard", "INSERT", "delib_poll_answer", _closed("NEW"), "the poll is closed"),
    (
        "delib_poll_answer_update_guard",
        "UPDATE",
        "delib_poll_answer",
        f"{_closed('NEW')} OR NEW.id IS NOT OLD.id OR NEW.poll_id IS NOT OLD.poll_id OR NEW.user_id IS NOT OLD.user_id",
        "the poll is closed",
    ),
    ("delib_poll_answer_no_delete", "DELETE", "delib_poll_answer", "", "poll answers are never deleted"),
    ("delib_poll_choice_insert_guard", "INSERT", "delib_poll_choice", _closed("NEW"), "the poll is closed"),
    ("delib_poll_choice_no_update", "UPDATE", "delib_poll_choice", "", "a poll choice never changes"),
    ("delib_poll_choice_delete_guard", "DELETE", "delib_poll_choice", _closed("OLD"), "the poll is closed"),
)


def create() -> None:
    if op.get_bind().dialect.name != "postgresql":
        for trigger, event, table, when, message in _SQLITE:
            op.execute(_sqlite(trigger, event, table, when, message))
        return
    op.execute(_PG_FIXED)
    op.execute(_PG_ANSWER_GUARD)
    for table in ("delib_poll", "delib_poll_option"):
        op.execute(
            f"CREATE TRIGGER {table}_fixed BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION delib_poll_fixed()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION delib_poll_fixed()"
        )
    for table in ("delib_poll_answer", "delib_poll_choice"):
        op.execute(
            f"CREATE TRIGGER {table}_guard BEFORE INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION delib_poll_answer_guard()"
        )


def drop() -> None:
    if op.get_bind().dialect.name != "postgresql":
        for trigger, *_ in _SQLITE:
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        return
    for table in ("delib_poll", "delib_poll_option"):
        op.execute(f"DROP TRIGGER IF EXISTS {table}_fixed ON {table}")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    for table in ("delib_poll_answer", "delib_poll_choice"):
        op.execute(f"DROP TRIGGER IF EXISTS {table}_guard ON {table}")
    op.execute("DROP FUNCTION IF EXISTS delib_poll_answer_guard()")
    op.execute("DROP FUNCTION IF EXISTS delib_poll_fixed()")
