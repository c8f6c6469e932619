"""ballot box

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07

A secret vote's choices no longer go into the permanent record while the vote runs. They wait in
``delib_ballot_box`` (random key, vote, choice, receipt hash: no voter, no time, no counter), where
a voter with their receipt may still change theirs. At the close, in the close's own transaction,
``voting.mixing`` rewrites them into ``delib_ballot`` in a random order with fresh random keys and
removes them from the box. So every permanent secret ballot of a vote was written by one
transaction (on PostgreSQL they all carry the close's ``xmin``, which no participation carries),
they sit in the heap, in a dump and in a SQLite page in an order that is the shuffle's and nobody
else's, and nothing in them is shared with a participation, an idempotency key or an audit entry.

The exact rules the database keeps from here on (both databases, triggers below):

- ``delib_ballot`` of a SECRET vote: INSERT only while the vote's row says ``status = 'open'``
  and ``closed_at IS NOT NULL``. That is the state the close's compare-and-set
  (``closing._claim_close``) puts the vote in and the same transaction leaves by setting
  ``status = 'closed'``; no other writer sets ``closed_at`` of an open vote. The row must name no
  voter, carry a receipt hash and a change count of 0. UPDATE and DELETE never, in any state
  (TRUNCATE never, and on SQLite no REPLACE, as before).
- ``delib_ballot`` of a ROLL-CALL vote: as before (migration 0004): INSERT while the vote is open
  and before its closing time; UPDATE of the choice (and change count) only then; DELETE never.
- ``delib_ballot_box``: INSERT only for a secret vote that is open, not being closed
  (``closed_at IS NULL``) and before its closing time; UPDATE of the choice only, in that same
  state; DELETE only while the vote is being closed (``status = 'open'`` and ``closed_at IS NOT
  NULL``), i.e. by the mixing; TRUNCATE never; on SQLite no REPLACE.
- ``delib_vote``: a vote becomes ``closed`` only when the box holds none of its ballots.

Together: once a secret vote's close has committed, its status is 'closed' and can never change,
so no permanent ballot of it can be inserted, changed or deleted, and the box can take none.

Existing data: the in-flight ballots of secret votes open now move into the box; the ballots of
secret votes already closed are mixed here once (random order, fresh keys, the same choices and
receipt hashes), with the ballot guards lifted for that inside this migration's transaction, as
0010 did for the audit chain. The space of the rows they replace is only reused after a VACUUM.
"""

import secrets

import sqlalchemy as sa
from alembic import op

from deliberation.migrations import append_only, vote_guards

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

_NOW = vote_guards.SQLITE_NOW

_PG_BALLOT_GUARD = """
CREATE OR REPLACE FUNCTION delib_ballot_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_status text;
    v_closes timestamptz;
    v_closed timestamptz;
    v_secret boolean;
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'delib_ballot rows are never deleted' USING ERRCODE = 'restrict_violation';
    END IF;
    EXECUTE format('SELECT status, closes_at, closed_at, is_secret FROM %I.delib_vote WHERE id = $1 FOR SHARE',
                   TG_TABLE_SCHEMA) INTO v_status, v_closes, v_closed, v_secret USING NEW.vote_id;
    IF TG_OP = 'UPDATE' AND (v_secret
            OR (to_jsonb(NEW) - 'choice' - 'changes') IS DISTINCT FROM (to_jsonb(OLD) - 'choice' - 'changes')) THEN
        RAISE EXCEPTION 'only the choice of a roll-call ballot may change' USING ERRCODE = 'restrict_violation';
    END IF;
    IF v_secret THEN
        IF v_status IS DISTINCT FROM 'open' OR v_closed IS NULL OR NEW.voter_id IS NOT NULL
                OR NEW.changes <> 0 OR NEW.receipt_hash IS NULL THEN
            RAISE EXCEPTION 'a secret ballot is recorded only by the mixing at its vote''s close'
                USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
    END IF;
    IF v_status IS DISTINCT FROM 'open' OR (v_closes IS NOT NULL AND v_closes <= clock_timestamp()) THEN
        RAISE EXCEPTION 'the vote is not open: % on % refused', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END
$$
"""

_PG_BOX_GUARD = """
CREATE OR REPLACE FUNCTION delib_ballot_box_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_status text;
    v_closes timestamptz;
    v_closed timestamptz;
    v_secret boolean;
    v_query text := format('SELECT status, closes_at, closed_at, is_secret FROM %I.delib_vote WHERE id = $1 '
                           'FOR SHARE', TG_TABLE_SCHEMA);
BEGIN
    IF TG_OP = 'DELETE' THEN
        EXECUTE v_query INTO v_status, v_closes, v_closed, v_secret USING OLD.vote_id;
        IF v_status IS DISTINCT FROM 'open' OR v_closed IS NULL THEN
            RAISE EXCEPTION 'an in-flight ballot is removed only by the mixing at its vote''s close'
                USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN OLD;
    END IF;
    EXECUTE v_query INTO v_status, v_closes, v_closed, v_secret USING NEW.vote_id;
    IF TG_OP = 'UPDATE' AND (to_jsonb(NEW) - 'choice') IS DISTINCT FROM (to_jsonb(OLD) - 'choice') THEN
        RAISE EXCEPTION 'only the choice of a ballot may change' USING ERRCODE = 'restrict_violation';
    END IF;
    IF v_secret IS NOT TRUE OR v_status IS DISTINCT FROM 'open' OR v_closed IS NOT NULL
            OR (v_closes IS NOT NULL AND v_closes <= clock_timestamp()) THEN
        RAISE EXCEPTION 'the vote is not open: % on % refused', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END
$$
"""

_PG_VOTE_MIXED_GUARD = """
CREATE OR REPLACE FUNCTION delib_vote_mixed_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_left boolean;
BEGIN
    IF NEW.status = 'closed' AND OLD.status IS DISTINCT FROM 'closed' THEN
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I.delib_ballot_box WHERE vote_id = $1)', TG_TABLE_SCHEMA)
            INTO v_left USING NEW.id;
        IF v_left THEN
            RAISE EXCEPTION 'a secret vote closes only once its ballots are mixed'
                USING ERRCODE = 'restrict_violation';
        END IF;
    END IF;
    RETURN NEW;
END
$$
"""


def _sqlite_vote(row: str, condition: str) -> str:
    """``condition`` about the vote of ``row`` (``v``); true too when there is no such vote."""
    return f"coalesce((SELECT {condition} FROM delib_vote v WHERE v.id = {row}.vote_id), 1)"


def _sqlite_trigger(table: str, event: str, when: str, message: str) -> str:
    return (
        f"CREATE TRIGGER {table}_{event.lower()}_guard BEFORE {event} ON {table} FOR EACH ROW WHEN {when} "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
    )


_ROLL_CALL_CLOSED = f"(v.status IS NOT 'open' OR coalesce(v.closes_at <= {_NOW}, 0))"
_BOX_CLOSED = (
    f"(NOT v.is_secret OR v.status IS NOT 'open' OR v.closed_at IS NOT NULL OR coalesce(v.closes_at <= {_NOW}, 0))"
)
_SQLITE_BALLOT_FIXED = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in ("id", "vote_id", "voter_id", "receipt_hash"))


def _sqlite_statements() -> list[str]:
    mixing = (
        "NOT (v.status = 'open' AND v.closed_at IS NOT NULL AND NEW.voter_id IS NULL AND NEW.changes = 0 "
        "AND NEW.receipt_hash IS NOT NULL)"
    )
    return [
        _sqlite_trigger(
            "delib_ballot",
            "INSERT",
            _sqlite_vote("NEW", f"CASE WHEN v.is_secret THEN {mixing} ELSE {_ROLL_CALL_CLOSED} END"),
            "a ballot goes in while its vote is open; a secret one only by the mixing at the close",
        ),
        _sqlite_trigger(
            "delib_ballot",
            "UPDATE",
            f"{_sqlite_vote('OLD', f'v.is_secret OR {_ROLL_CALL_CLOSED}')} OR {_SQLITE_BALLOT_FIXED}",
            "only the choice of a roll-call ballot changes, while its vote is open",
        ),
        _sqlite_trigger("delib_ballot", "DELETE", "1", "delib_ballot rows are never deleted"),
        _sqlite_trigger("delib_ballot_box", "INSERT", _sqlite_vote("NEW", _BOX_CLOSED), "the vote is not open"),
        _sqlite_trigger(
            "delib_ballot_box",
            "UPDATE",
            f"{_sqlite_vote('OLD', _BOX_CLOSED)} OR NEW.id IS NOT OLD.id OR NEW.vote_id IS NOT OLD.vote_id "
            "OR NEW.receipt_hash IS NOT OLD.receipt_hash",
            "an in-flight ballot changes only in its choice, while its vote is open",
        ),
        _sqlite_trigger(
            "delib_ballot_box",
            "DELETE",
            _sqlite_vote("OLD", "NOT (v.status = 'open' AND v.closed_at IS NOT NULL)"),
            "an in-flight ballot is removed only by the mixing at its vote''s close",
        ),
        "CREATE TRIGGER delib_vote_mixed_guard BEFORE UPDATE ON delib_vote FOR EACH ROW WHEN NEW.status = 'closed' "
        "AND OLD.status IS NOT 'closed' AND EXISTS (SELECT 1 FROM delib_ballot_box WHERE vote_id = NEW.id) "
        "BEGIN SELECT RAISE(ABORT, 'a secret vote closes only once its ballots are mixed'); END",
    ]


_SQLITE_OLD_BALLOT_TRIGGERS = ("delib_ballot_insert_guard", "delib_ballot_update_guard", "delib_ballot_delete_guard")
_SQLITE_NEW_TRIGGERS = _SQLITE_OLD_BALLOT_TRIGGERS + (
    "delib_ballot_box_insert_guard",
    "delib_ballot_box_update_guard",
    "delib_ballot_box_delete_guard",
    "delib_vote_mixed_guard",
)

_votes = sa.table(
    "delib_vote", sa.column("id", sa.Integer), sa.column("status", sa.String), sa.column("is_secret", sa.Boolean)
)
_ballots = sa.table(
    "delib_ballot",
    sa.column("id", sa.String),
    sa.column("vote_id", sa.Integer),
    sa.column("voter_id", sa.Integer),
    sa.column("choice", sa.String),
    sa.column("receipt_hash", sa.String),
    sa.column("changes", sa.Integer),
)
_box = sa.table(
    "delib_ballot_box",
    sa.column("id", sa.String),
    sa.column("vote_id", sa.Integer),
    sa.column("choice", sa.String),
    sa.column("receipt_hash", sa.String),
)


def upgrade() -> None:
    op.create_table(
        "delib_ballot_box",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("vote_id", sa.Integer(), nullable=False),
        sa.Column("choice", sa.String(length=10), nullable=False),
        sa.Column("receipt_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["vote_id"], ["delib_vote.id"], name=op.f("fk_delib_ballot_box_vote_id_delib_vote")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delib_ballot_box")),
        sa.UniqueConstraint("receipt_hash", name=op.f("uq_delib_ballot_box_receipt_hash")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("delib_ballot_box", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delib_ballot_box_vote_id"), ["vote_id"], unique=False)
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        op.execute("DROP TRIGGER delib_ballot_guard ON delib_ballot")
    else:
        for trigger in _SQLITE_OLD_BALLOT_TRIGGERS:
            op.execute(f"DROP TRIGGER {trigger}")
    _move_existing_secret_ballots()
    if postgresql:
        _create_pg_guards()
    else:
        for statement in _sqlite_statements():
            op.execute(statement)
        append_only.refuse_replace("delib_ballot_box", (("id",), ("receipt_hash",)))


def _create_pg_guards() -> None:
    for function in (_PG_BALLOT_GUARD, _PG_BOX_GUARD, _PG_VOTE_MIXED_GUARD):
        op.execute(function)
    op.execute(
        "CREATE TRIGGER delib_ballot_guard BEFORE INSERT OR UPDATE OR DELETE ON delib_ballot "
        "FOR EACH ROW EXECUTE FUNCTION delib_ballot_guard()"
    )
    op.execute(
        "CREATE TRIGGER delib_ballot_box_guard BEFORE INSERT OR UPDATE OR DELETE ON delib_ballot_box "
        "FOR EACH ROW EXECUTE FUNCTION delib_ballot_box_guard()"
    )
    op.execute(
        "CREATE TRIGGER delib_ballot_box_no_truncate BEFORE TRUNCATE ON delib_ballot_box "
        "FOR EACH STATEMENT EXECUTE FUNCTION delib_refuse_change()"
    )
    op.execute(
        "CREATE TRIGGER delib_vote_mixed_guard BEFORE UPDATE ON delib_vote "
        "FOR EACH ROW EXECUTE FUNCTION delib_vote_mixed_guard()"
    )


def _move_existing_secret_ballots() -> None:
    """Open secret votes: their ballots into the box. Closed ones: mixed once, like a close mixes."""
    bind = op.get_bind()
    shuffle = secrets.SystemRandom().shuffle
    secret = bind.execute(
        sa.select(_votes.c.id, _votes.c.status).where(
            _votes.c.is_secret == sa.true(), _votes.c.status.in_(("open", "closed"))
        )
    ).all()
    for vote_id, status in secret:
        rows = [
            dict(choice=choice, receipt_hash=digest)
            for choice, digest in bind.execute(
                sa.select(_ballots.c.choice, _ballots.c.receipt_hash).where(_ballots.c.vote_id == vote_id)
            ).all()
        ]
        if not rows:
            continue
        bind.execute(_ballots.delete().where(_ballots.c.vote_id == vote_id))
        shuffle(rows)
        keys = sorted(secrets.token_hex(16) for _ in rows)
        if status == "open":
            bind.execute(_box.insert(), [dict(id=key, vote_id=vote_id, **row) for key, row in zip(keys, rows)])
        else:
            bind.execute(
                _ballots.insert(),
                [dict(id=key, vote_id=vote_id, voter_id=None, changes=0, **row) for key, row in zip(keys, rows)],
            )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS delib_vote_mixed_guard ON delib_vote")
        op.execute("DROP TRIGGER IF EXISTS delib_ballot_guard ON delib_ballot")
        op.execute("DROP FUNCTION IF EXISTS delib_vote_mixed_guard()")
        op.execute("DROP FUNCTION IF EXISTS delib_ballot_guard()")
    else:
        append_only.allow_replace("delib_ballot_box")
        for trigger in _SQLITE_NEW_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    # In-flight ballots go back where they were before this revision (the vote is still open).
    in_flight = bind.execute(sa.select(_box.c.id, _box.c.vote_id, _box.c.choice, _box.c.receipt_hash)).all()
    if in_flight:
        bind.execute(
            _ballots.insert(),
            [
                dict(id=key, vote_id=vote_id, voter_id=None, choice=choice, receipt_hash=digest, changes=0)
                for key, vote_id, choice, digest in in_flight
            ],
        )
    op.drop_table("delib_ballot_box")  # its triggers go with it
    if bind.dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS delib_ballot_box_guard()")
        op.execute(
            "CREATE TRIGGER delib_ballot_guard BEFORE INSERT OR UPDATE OR DELETE ON delib_ballot "
            "FOR EACH ROW EXECUTE FUNCTION delib_cast_guard()"
        )
        return
    for statement in vote_guards._sqlite_statements():
        if " ON delib_ballot " in statement:
            op.execute(statement)
