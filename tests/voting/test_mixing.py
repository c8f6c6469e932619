"""At the close of a secret vote its ballots are mixed: rewritten into the permanent record in the
close's own transaction, in an order of the mixing's choosing, with fresh keys, and the in-flight
rows removed. Nothing stored afterwards joins a voter to a choice: no transaction id, no place in
the table or the dump, no shared value. Every vote here runs in a real database, each ballot and
the close committed in a transaction of its own, as on a site."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from deliberation import backup, migrate
from deliberation.accounts.models import User
from deliberation.db import SessionFactory, make_engine
from deliberation.forums.models import Forum
from deliberation.resolutions.verify import verify_report
from deliberation.testing import make_sitting
from deliberation.voting import actions, closing, mixing, queries
from deliberation.voting.models import Vote
from deliberation.voting.receipts import receipt_hash
from tests.conftest import IN_CI
from tests.databases import database_url

# Cast in this order; the delegate at CHANGER then changes their choice with their receipt.
CHOICES = ["for", "against", "for", "abstain", "for", "against"]
CHANGER, CHANGED_TO = 2, "against"
# The order the mixing is made to write them in: delegates 3, 0, 5, 1, 4, 2.
PERMUTATION = [3, 0, 5, 1, 4, 2]


@dataclass
class Mixed:
    engine: object
    vote_id: int
    voters: list[int]
    receipts: list[str]
    in_flight_keys: list[str]
    close_xid: int | None = None
    shuffled: list[list[str]] = field(default_factory=list)

    def hashes(self, order) -> list[str]:
        return [receipt_hash(self.vote_id, self.voters[n], self.receipts[n]) for n in order]


@pytest.fixture
def engine(backend, tmp_path):
    with database_url(backend, tmp_path) as url:
        engine = make_engine(url)
        migrate.upgrade(engine)
        yield engine
        engine.dispose()


def _in_permutation(mixed_hashes: list[str], shuffled: list):
    """The controlled shuffle: whatever order the box was read in, the rows end in PERMUTATION's."""

    def shuffle(rows: list) -> None:
        rows.sort(key=lambda row: mixed_hashes.index(row["receipt_hash"]))
        shuffled.append([row["receipt_hash"] for row in rows])

    return shuffle


@pytest.fixture
def mixed(engine, monkeypatch) -> Mixed:
    sessions = SessionFactory(engine)
    with sessions.begin() as db:
        sitting = make_sitting(db, delegates=len(CHOICES))
        vote = actions.check_prepare_vote(
            db, item=sitting.item, forum=sitting.forum, actor=sitting.chair, data={"subject": "final", "is_secret": "1"}
        )
        actions.do_open_vote(db, vote=vote, forum=sitting.forum, actor=sitting.chair)
        vote_id, chair_id, voters = vote.id, sitting.chair.id, [d.id for d in sitting.delegates]
    receipts = []
    for voter, choice in zip(voters, CHOICES):
        with sessions.begin() as db:
            receipts.append(
                actions.check_cast_ballot(
                    db, vote=db.get(Vote, vote_id), actor=db.get(User, voter), data={"choice": choice}
                ).receipt
            )
    with sessions.begin() as db:
        changed = actions.check_cast_ballot(
            db,
            vote=db.get(Vote, vote_id),
            actor=db.get(User, voters[CHANGER]),
            data={"choice": CHANGED_TO, "receipt": receipts[CHANGER]},
        )
        assert changed.changed
    with engine.connect() as connection:
        keys = list(
            connection.execute(text("SELECT id FROM delib_ballot_box WHERE vote_id = :v"), {"v": vote_id}).scalars()
        )
    result = Mixed(engine=engine, vote_id=vote_id, voters=voters, receipts=receipts, in_flight_keys=keys)
    monkeypatch.setattr(mixing, "shuffle", _in_permutation(result.hashes(PERMUTATION), result.shuffled))
    with sessions.begin() as db:
        vote = db.get(Vote, vote_id)
        closing.do_close_vote(db, vote=vote, forum=db.get(Forum, vote.forum_id), actor=db.get(User, chair_id))
        if engine.dialect.name == "postgresql":
            result.close_xid = db.execute(text("SELECT pg_current_xact_id()::text::bigint % 4294967296")).scalar()
    return result


def _rows(engine, query: str, **params) -> list:
    with engine.connect() as connection:
        return connection.execute(text(query), params).all()


def test_every_secret_ballot_carries_the_closes_transaction_id_and_no_participations(mixed, backend):
    if backend != "postgresql":
        pytest.skip("xmin is PostgreSQL's")
    ballots = {
        int(x)
        for (x,) in _rows(mixed.engine, "SELECT xmin::text FROM delib_ballot WHERE vote_id = :v", v=mixed.vote_id)
    }
    participations = {
        int(x)
        for (x,) in _rows(
            mixed.engine, "SELECT xmin::text FROM delib_participation WHERE vote_id = :v", v=mixed.vote_id
        )
    }
    assert ballots == {mixed.close_xid}
    assert len(participations) == len(CHOICES) and mixed.close_xid not in participations


def _dumped_hashes(engine, tmp_path: Path) -> list[str]:
    """The vote's receipt hashes in the order a ``deliberation backup`` holds them."""
    path = tmp_path / "copy.backup"
    backup.backup(engine, path)
    if engine.dialect.name == "sqlite":
        with sqlite3.connect(path) as copy:
            # The table itself, as its pages lie (an index would impose its own order).
            assert [p[3] for p in copy.execute("EXPLAIN QUERY PLAN SELECT * FROM delib_ballot")] == [
                "SCAN delib_ballot"
            ]
            return [row["receipt_hash"] for row in map(dict, _named(copy.execute("SELECT * FROM delib_ballot")))]
    if not shutil.which("pg_restore"):
        if IN_CI:
            pytest.fail("pg_restore is not installed")
        pytest.skip("pg_restore is not installed")
    dump = subprocess.run(
        ["pg_restore", "--data-only", "--table=delib_ballot", "--file=-", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    header, body = dump.split("FROM stdin;\n", 1)
    columns = [c.strip().strip('"') for c in header.rsplit("(", 1)[1].split(")")[0].split(",")]
    rows = [line.split("\t") for line in body.split("\n\\.", 1)[0].splitlines()]
    return [row[columns.index("receipt_hash")] for row in rows]


def _named(cursor):
    names = [d[0] for d in cursor.description]
    return [zip(names, row) for row in cursor]


def test_ballots_lie_and_are_dumped_in_the_mixings_order_not_the_cast_order(mixed, tmp_path):
    wanted, cast_order = mixed.hashes(PERMUTATION), mixed.hashes(range(len(CHOICES)))
    assert mixed.shuffled == [wanted] and wanted != cast_order
    # As a SELECT without ORDER BY returns them (heap order, or a table without rowid's key order)...
    stored = _rows(mixed.engine, "SELECT id, receipt_hash FROM delib_ballot WHERE vote_id = :v", v=mixed.vote_id)
    assert [h for _, h in stored] == wanted
    # ...with fresh keys, handed out in that same order, none of them a key the ballot box had...
    assert [k for k, _ in stored] == sorted(k for k, _ in stored)
    assert not {k for k, _ in stored} & set(mixed.in_flight_keys)
    # ...and as a backup holds them.
    assert _dumped_hashes(mixed.engine, tmp_path) == wanted


def _values(value) -> set[str]:
    if isinstance(value, dict):
        return set().union(*(_values(v) for v in value.values())) if value else set()
    if isinstance(value, (list, tuple)):
        return set().union(*(_values(v) for v in value)) if value else set()
    return {str(value)}


def test_nothing_stored_joins_a_voter_to_a_secret_choice(mixed, backend):
    engine, v = mixed.engine, mixed.vote_id
    assert _rows(engine, "SELECT * FROM delib_ballot_box") == []
    ballots = _rows(
        engine, "SELECT id, voter_id, choice, receipt_hash, changes FROM delib_ballot WHERE vote_id = :v", v=v
    )
    assert {(voter, changes) for _, voter, _, _, changes in ballots} == {(None, 0)}
    ballot_values = {str(x) for row in ballots for x in (row[0], row[3])}
    voters_rows = _rows(engine, "SELECT * FROM delib_participation WHERE vote_id = :v", v=v) + _rows(
        engine, "SELECT * FROM delib_ballot_key WHERE vote_id = :v", v=v
    )
    entries = _rows(engine, "SELECT * FROM delib_audit_entry WHERE action LIKE 'ballot.%'")
    assert len(entries) == len(CHOICES) + 1
    stored = set().union(
        *(_values(tuple(row)) for row in voters_rows),
        *(
            _values(json.loads(row.details) if isinstance(row.details, str) else row.details) | _values(tuple(row))
            for row in entries
        ),
    )
    assert not ballot_values & stored
    # A secret ballot's audit entry says who and that it was secret, never how.
    assert all(
        set(json.loads(e.details) if isinstance(e.details, str) else e.details) == {"voter_id", "secret"}
        for e in entries
    )
    if backend == "postgresql":
        theirs = {
            x
            for (x,) in _rows(
                engine,
                "SELECT xmin::text FROM delib_participation WHERE vote_id = :v "
                "UNION SELECT xmin::text FROM delib_ballot_key WHERE vote_id = :v "
                "UNION SELECT xmin::text FROM delib_audit_entry "
                "WHERE action LIKE 'ballot.%'",
                v=v,
            )
        }
        assert not theirs & {x for (x,) in _rows(engine, "SELECT xmin::text FROM delib_ballot WHERE vote_id = :v", v=v)}


def test_the_tally_the_receipt_check_and_the_recount_hold_after_the_mixing(mixed):
    with SessionFactory(mixed.engine).begin() as db:
        vote = db.get(Vote, mixed.vote_id)
        final = CHOICES[:CHANGER] + [CHANGED_TO] + CHOICES[CHANGER + 1 :]
        assert (vote.status, vote.for_count, vote.against_count, vote.abstain_count) == (
            "closed",
            final.count("for"),
            final.count("against"),
            final.count("abstain"),
        )
        for voter, receipt in zip(mixed.voters, mixed.receipts):
            assert queries.receipt_counted(db, vote=vote, voter_ids=[voter], receipt=receipt)
            # Someone else's code checks nothing.
            assert not queries.receipt_counted(db, vote=vote, voter_ids=[mixed.voters[0] + 1000], receipt=receipt)
        report = verify_report(db)
        assert report.votes_checked == 1 and report.problems == []


def test_the_sqlite_file_keeps_nothing_of_the_in_flight_ballots_and_postgresql_vacuums_the_box(mixed, backend):
    if backend == "sqlite":
        with mixed.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        data = Path(mixed.engine.url.database).read_bytes()
        assert mixed.in_flight_keys and not [k for k in mixed.in_flight_keys if k.encode() in data]
        return
    # Vacuumed once the close committed. (Whether it could also prune every dead tuple and hand
    # the empty pages back depends on other transactions of the server at that moment.)
    stats = _rows(
        mixed.engine, "SELECT vacuum_count FROM pg_stat_user_tables WHERE relid = 'delib_ballot_box'::regclass"
    )
    assert stats[0][0] >= 1


# --- what the database refuses --------------------------------------------------------------------


def _refused(connection, statement: str, **params) -> bool:
    savepoint = connection.begin_nested()
    try:
        connection.execute(text(statement), params)
    except DBAPIError:
        savepoint.rollback()
        return True
    savepoint.rollback()
    return False


def _secret_vote(db, *, voters: int = 3):
    sitting = make_sitting(db, delegates=voters)
    vote = actions.check_prepare_vote(
        db, item=sitting.item, forum=sitting.forum, actor=sitting.chair, data={"subject": "final", "is_secret": "1"}
    )
    actions.do_open_vote(db, vote=vote, forum=sitting.forum, actor=sitting.chair)
    for delegate in sitting.delegates:
        actions.check_cast_ballot(db, vote=vote, actor=delegate, data={"choice": "for"})
    return sitting, vote


def test_while_a_secret_vote_runs_its_ballots_stay_in_the_box_and_no_close_skips_the_mixing(db, connection):
    _, vote = _secret_vote(db)
    db.flush()
    v = {"v": vote.id}
    assert _refused(
        connection,
        "INSERT INTO delib_ballot (id, vote_id, choice, receipt_hash, changes) VALUES ('forged', :v, 'for', 'x', 0)",
        **v,
    )
    assert _refused(connection, "DELETE FROM delib_ballot_box WHERE vote_id = :v", **v)
    assert _refused(connection, "UPDATE delib_ballot_box SET receipt_hash = 'y' WHERE vote_id = :v", **v)
    assert _refused(
        connection, "UPDATE delib_vote SET closed_at = CURRENT_TIMESTAMP, status = 'closed' WHERE id = :v", **v
    )
    assert not _refused(connection, "UPDATE delib_ballot_box SET choice = 'against' WHERE vote_id = :v", **v)


def test_after_the_close_no_secret_ballot_can_be_changed_added_or_removed(db, connection):
    sitting, vote = _secret_vote(db)
    closing.do_close_vote(db, vote=vote, forum=sitting.forum, actor=sitting.chair)
    db.flush()
    v = {"v": vote.id}
    assert connection.execute(text("SELECT count(*) FROM delib_ballot WHERE vote_id = :v"), v).scalar() == 3
    for statement in (
        "INSERT INTO delib_ballot (id, vote_id, choice, receipt_hash, changes) VALUES ('forged', :v, 'for', 'x', 0)",
        "INSERT INTO delib_ballot_box (id, vote_id, choice, receipt_hash) VALUES ('forged', :v, 'for', 'x')",
        "UPDATE delib_ballot SET choice = 'against' WHERE vote_id = :v",
        "UPDATE delib_ballot SET receipt_hash = 'y' WHERE vote_id = :v",
        "DELETE FROM delib_ballot WHERE vote_id = :v",
        "UPDATE delib_vote SET status = 'open' WHERE id = :v",
    ):
        assert _refused(connection, statement, **v), statement
    assert connection.execute(text("SELECT count(*) FROM delib_ballot WHERE vote_id = :v"), v).scalar() == 3
