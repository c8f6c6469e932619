"""schema-qualified trigger functions

Revision ID: 0012
Revises: 0005
Create Date: 2026-12-06

A trigger function finds the tables it reads through the ``search_path`` of whoever fires it.
``pg_restore`` (and ``pg_dump``'s plain SQL) sets ``search_path`` to '' for the whole load, so
``delib_cast_guard`` failed with "relation delib_vote does not exist" on the first ballot of a
data-only restore, and a host whose sessions use another ``search_path`` would hit the same.
Here the function names the vote table with the schema of the table the trigger fired on
(``TG_TABLE_SCHEMA``): whatever the caller's path, and in whichever schema the tables were
restored, it reads the vote beside the ballot. The other delib_ functions read no table (built-ins
come from pg_catalog, which is always searched first). SQLite has no schemas; nothing changes there.

New trigger functions should do the same: qualify the tables they read.
"""

from alembic import op

from deliberation.migrations import vote_guards

revision = "0012"
down_revision = "0006"
branch_labels = None
depends_on = None

_CAST_GUARD = """
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
    -- The vote lives beside the ballot, in the schema the trigger's table is in.
    EXECUTE format('SELECT status, closes_at FROM %I.delib_vote WHERE id = $1 FOR SHARE', TG_TABLE_SCHEMA)
        INTO v_status, v_closes USING NEW.vote_id;
    IF v_status IS DISTINCT FROM 'open' OR (v_closes IS NOT NULL AND v_closes <= clock_timestamp()) THEN
        RAISE EXCEPTION 'the vote is not open: % on % refused', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_CAST_GUARD)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(vote_guards._PG_CAST_GUARD)
