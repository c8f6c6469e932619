"""``verify`` and ``deliberation verify`` recompute every hash and follow every link of the chain."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from deliberation import migrate
from deliberation.db import SessionFactory, is_sqlite, make_engine
from deliberation.resolutions import record
from deliberation.resolutions.chain import record_of
from deliberation.resolutions.verify import verify, verify_report
from deliberation.testing import make_document, make_forum, make_resolution, make_user, make_workshop

MOMENTS = [
    datetime(2026, 3, 14, 10, 15, tzinfo=UTC),
    datetime(2026, 5, 1, 9, 0, tzinfo=UTC),
    datetime(2026, 6, 20, 15, 30, tzinfo=UTC),
]
FORGED = "0" * 64


def _make_chain(db, n: int = 3) -> list:
    coordinator = make_user(db, coordinator=True)
    facilitator = make_user(db, display_name="Ірина Бондар")
    workshop = make_workshop(db, creator=coordinator, facilitators=(facilitator,))
    forum = make_forum(db, creator=coordinator, title="Форум громад")
    chain = []
    for i, moment in enumerate(MOMENTS[:n]):
        document = make_document(db, workshop=workshop, author=facilitator, title=f"Звернення {i + 1}")
        chain.append(make_resolution(db, forum=forum, document=document, actor=coordinator, closed_at=moment))
    return chain


def _drop_append_only_trigger(connection) -> None:
    """Tests only, inside their own transaction: the rollback at the end brings the trigger back."""
    if is_sqlite(connection):
        connection.execute(text("DROP TRIGGER delib_resolution_no_update"))
    else:
        connection.execute(text("DROP TRIGGER delib_resolution_append_only ON delib_resolution"))


def _tamper(connection, resolution, **values) -> None:
    _drop_append_only_trigger(connection)
    assignments = ", ".join(f"{name} = :{name}" for name in values)
    connection.execute(
        text(f"UPDATE delib_resolution SET {assignments} WHERE id = :id"), {**values, "id": resolution.id}
    )


@pytest.fixture
def chain(db):
    resolutions = _make_chain(db)
    db.commit()
    return resolutions


def test_a_good_chain_has_no_problem(db, chain):
    assert verify(db) == []
    report = verify_report(db)
    assert (report.checked, report.last_hash) == (3, chain[-1].hash)


def test_an_empty_chain_has_no_problem(db):
    assert verify_report(db) == verify_report(db, batch=1)
    assert (verify_report(db).checked, verify_report(db).last_hash, verify(db)) == (0, None, [])


def test_a_changed_text_under_the_stored_hash_is_a_hash_mismatch(db, connection, chain):
    _tamper(connection, chain[1], text="Підмінений текст резолюції.")
    altered = record_of(chain[1]) | {"text": "Підмінений текст резолюції."}
    # The next link still holds: it points at the stored hash, which nobody touched.
    assert verify(db) == [record.Problem("2026/2", "hash_mismatch", record.resolution_hash(altered), chain[1].hash)]


def test_a_changed_stored_hash_breaks_the_next_link(db, connection, chain):
    original = chain[0].hash
    _tamper(connection, chain[0], hash=FORGED)
    assert verify(db) == [
        record.Problem("2026/1", "hash_mismatch", original, FORGED),
        record.Problem("2026/2", "chain_broken", FORGED, original),
    ]


@pytest.mark.parametrize("batch", [1, 2])
def test_links_are_followed_across_the_slices_the_chain_is_read_in(db, connection, chain, batch):
    assert verify_report(db, batch=batch).problems == []
    original = chain[1].hash
    _tamper(connection, chain[1], hash=FORGED)
    assert verify_report(db, batch=batch).problems == [
        record.Problem("2026/2", "hash_mismatch", original, FORGED),
        record.Problem("2026/3", "chain_broken", FORGED, original),
    ]


def test_a_first_resolution_pointing_somewhere_is_reported(db, connection, chain):
    _tamper(connection, chain[0], previous_hash=FORGED)
    problems = verify(db)
    assert [(p.number, p.code) for p in problems] == [("2026/1", "hash_mismatch"), ("2026/1", "first_has_previous")]


def test_the_trigger_is_back_once_a_tampering_test_rolled_back(connection, chain):
    savepoint = connection.begin_nested()
    with pytest.raises(DBAPIError, match="append-only"):
        connection.execute(text("UPDATE delib_resolution SET title = 'x'"))
    savepoint.rollback()


# --- the command ---------------------------------------------------------------------------------


def _verify_command(database: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DELIBERATION_DATABASE_URL": database}
    return subprocess.run(
        [sys.executable, "-m", "deliberation.cli", "verify", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def database_file(tmp_path):
    """A fresh SQLite file with the schema from the migrations and a chain of three resolutions."""
    url = f"sqlite:///{tmp_path / 'verify.sqlite3'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    with SessionFactory(engine).begin() as db:
        hashes = [r.hash for r in _make_chain(db)]
    yield url, engine, hashes
    engine.dispose()


def test_the_command_reports_a_good_chain(database_file):
    url, _, hashes = database_file
    result = _verify_command(url)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Checked 3 resolutions" in result.stdout and hashes[-1] in result.stdout


def test_the_command_on_an_empty_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    result = _verify_command(url)
    assert result.returncode == 0 and "Checked 0 resolutions" in result.stdout


def test_the_command_prints_each_problem_and_fails(database_file):
    url, engine, hashes = database_file
    with engine.begin() as connection:  # a throwaway file: the tampering is committed
        _drop_append_only_trigger(connection)
        connection.execute(
            text("UPDATE delib_resolution SET hash = :forged WHERE number = '2026/1'"), {"forged": FORGED}
        )
        connection.execute(text("UPDATE delib_resolution SET title = 'Підмінена назва' WHERE number = '2026/3'"))
    result = _verify_command(url)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0] == f"2026/1 hash_mismatch expected={hashes[0]} found={FORGED}"
    assert lines[1] == f"2026/2 chain_broken expected={FORGED} found={hashes[0]}"
    assert lines[2].startswith("2026/3 hash_mismatch expected=") and lines[2].endswith(f"found={hashes[2]}")
    assert len(lines) == 3
