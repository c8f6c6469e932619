"""`deliberation backup` and `restore`: a live database copied while members write, brought back
into an empty one with every row, hash and tally, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import uuid

import pytest
from sqlalchemy import inspect, make_url, text
from sqlalchemy.exc import DBAPIError

from deliberation import migrate
from deliberation.db import SessionFactory, make_engine, sqlite_write_intent
from deliberation.discussion.comments import check_post_comment
from deliberation.drafting.actions import check_save_revision
from deliberation.testing import make_document, make_resolution, make_sitting
from deliberation.voting import actions as voting
from deliberation.voting import closing
from deliberation.workshops.queries import get_membership
from tests.conftest import IN_CI, PG_URL, _unavailable
from tests.databases import with_schema

CHOICES = ["for", "for", "against", "abstain", "for", "against", "for"]


# --- databases: a live one and an empty one, on each backend -------------------------------------


class Place:
    """A database the command can be pointed at: its URL, and an engine on it for the test."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)


@pytest.fixture
def places(backend, tmp_path):
    """(live, empty): on PostgreSQL the empty one is a new database with the live one's schema name,
    because pg_dump names every table with its schema."""
    if backend == "sqlite":
        live, empty = Place(f"sqlite:///{tmp_path / 'live.sqlite3'}"), Place(f"sqlite:///{tmp_path / 'new.sqlite3'}")
        yield live, empty
        live.engine.dispose(), empty.engine.dispose()
        return
    if not PG_URL:
        _unavailable("DELIBERATION_TEST_DATABASE_URL is not set; PostgreSQL tests skipped")
    if not shutil.which("pg_dump") and not IN_CI:
        pytest.skip("pg_dump is not installed")
    schema, database = f"delib_test_{uuid.uuid4().hex[:10]}", f"delib_restore_{uuid.uuid4().hex[:10]}"
    admin = make_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        conn.execute(text(f'CREATE DATABASE "{database}"'))
    other = make_url(PG_URL).set(database=database).render_as_string(hide_password=False)
    other_admin = make_engine(other)
    with other_admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    other_admin.dispose()
    live, empty = Place(with_schema(PG_URL, schema)), Place(with_schema(other, schema))
    yield live, empty
    live.engine.dispose(), empty.engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        conn.execute(text(f'DROP DATABASE "{database}" WITH (FORCE)'))
    admin.dispose()


def deliberation(url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DELIBERATION_DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "deliberation.cli", *args], env=env, capture_output=True, text=True, timeout=300
    )


# --- what the live database holds -----------------------------------------------------------------


def _fill(engine) -> dict:
    """Two resolutions, a roll-call vote and a secret vote with ballots, closed, and comments."""
    with SessionFactory(engine).begin() as db:
        sitting = make_sitting(db, delegates=len(CHOICES))
        workshop_id = sitting.document.workshop_id
        # A roll-call motion, then the final vote in secret (which settles the item).
        for data in ({"subject": "motion", "title": "Про порядок денний"}, {"subject": "final", "is_secret": "1"}):
            vote = voting.check_prepare_vote(db, item=sitting.item, forum=sitting.forum, actor=sitting.chair, data=data)
            voting.do_open_vote(db, vote=vote, forum=sitting.forum, actor=sitting.chair)
            for delegate, choice in zip(sitting.delegates, CHOICES):
                voting.check_cast_ballot(db, vote=vote, actor=delegate, data={"choice": choice})
            closing.do_close_vote(db, vote=vote, forum=sitting.forum, actor=sitting.chair)
        from deliberation.workshops.models import Workshop

        workshop = db.get(Workshop, workshop_id)
        for n in range(2):
            document = make_document(db, workshop=workshop, author=sitting.author, title=f"Рішення {n + 1}")
            make_resolution(db, forum=sitting.forum, document=document, actor=sitting.chair)
        drafting = make_document(db, workshop=workshop, author=sitting.author, title="Проєкт у роботі")
        for n in range(5):
            check_post_comment(db, document=drafting, actor=sitting.author, data={"body": f"Зауваження {n}"})
        return {"document_id": drafting.id, "author_id": sitting.author.id, "workshop_id": workshop_id}


def _rows(engine, table: str) -> list[tuple]:
    with engine.connect() as conn:
        columns = [c["name"] for c in inspect(conn).get_columns(table)]
        names = ", ".join(f'"{c}"' for c in columns)
        return sorted((tuple(r) for r in conn.execute(text(f'SELECT {names} FROM "{table}"'))), key=repr)


def _counts(engine) -> dict[str, int]:
    from deliberation.backup import table_counts

    return table_counts(engine)


class Writer(threading.Thread):
    """A member who keeps commenting and revising the document in the background: each revision
    moves the document's head in the same transaction, so a torn copy would show."""

    def __init__(self, engine, ids: dict) -> None:
        super().__init__(daemon=True)
        self.engine, self.ids = engine, ids
        self.stop = threading.Event()
        self.done = 0
        self.error: BaseException | None = None

    def run(self) -> None:
        from deliberation.accounts.models import User
        from deliberation.drafting.models import Document

        sqlite_write_intent.set(True)
        sessions = SessionFactory(self.engine)
        try:
            while not self.stop.is_set():
                with sessions.begin() as db:
                    document = db.get(Document, self.ids["document_id"])
                    author = db.get(User, self.ids["author_id"])
                    if self.done % 2:
                        membership = get_membership(db, workshop_id=self.ids["workshop_id"], user_id=author.id)
                        body = f"Текст звернення, редакція {self.done}.\n\nАбзац {self.done}."
                        check_save_revision(
                            db,
                            document=document,
                            actor=author,
                            membership=membership,
                            data={"base": str(document.head_number), "title": document.title, "body": body},
                        )
                    else:
                        check_post_comment(db, document=document, actor=author, data={"body": f"Допис {self.done}"})
                self.done += 1
        except BaseException as error:  # pragma: no cover - reported by the test
            self.error = error


def test_a_backup_taken_while_members_write_restores_every_row_hash_and_tally(places, tmp_path):
    live, empty = places
    migrate.upgrade(live.engine)
    ids = _fill(live.engine)
    before = _counts(live.engine)
    untouched = {table: _rows(live.engine, table) for table in before}
    writer = Writer(live.engine, ids)
    writer.start()
    while writer.done < 6 and writer.is_alive():
        writer.stop.wait(0.01)
    file = tmp_path / "site.backup"
    made = deliberation(live.url, "backup", str(file))
    still_writing = writer.is_alive()
    writer.stop.set()
    writer.join()
    assert writer.error is None and still_writing
    assert made.returncode == 0, made.stderr
    after = _counts(live.engine)
    assert after["delib_comment"] > before["delib_comment"] and after["delib_revision"] > before["delib_revision"]

    restored = deliberation(empty.url, "restore", str(file))
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert after["delib_resolution"] == 3  # the final vote's and the two made directly
    assert "Checked 3 resolutions: every hash and link is correct" in restored.stdout

    counts = _counts(empty.engine)
    assert counts.keys() == after.keys()
    for table, rows in counts.items():
        # Tables the writer did not touch come back exactly; the others as they were at one moment.
        if untouched[table] == _rows(live.engine, table):
            assert _rows(empty.engine, table) == untouched[table], table
        elif not table.startswith("delib_search_fts"):  # FTS5's own pages merge and shrink
            assert before[table] <= rows <= after[table], table
    for table in ("delib_resolution", "delib_vote", "delib_ballot", "delib_participation"):
        assert counts[table] == after[table] and _rows(empty.engine, table) == _rows(live.engine, table)
    with empty.engine.connect() as conn:
        # One snapshot: the head of the document is the newest revision that came along.
        head, newest = conn.execute(
            text(
                "SELECT d.head_number, max(r.number) FROM delib_document d JOIN delib_revision r "
                "ON r.document_id = d.id WHERE d.id = :id GROUP BY d.head_number"
            ),
            {"id": ids["document_id"]},
        ).one()
        assert head == newest
        tallies = conn.execute(text("SELECT for_count, against_count, abstain_count FROM delib_vote ORDER BY id")).all()
        counted = conn.execute(
            text(
                "SELECT v.id, count(b.id) FROM delib_vote v JOIN delib_ballot b "
                "ON b.vote_id = v.id GROUP BY v.id ORDER BY v.id"
            )
        ).all()
    assert [tuple(t) for t in tallies][:2] == [(4, 2, 1), (4, 2, 1)]
    # The two votes cast here; the resolutions' own closed votes carry ballots of their tallies too.
    assert [n for _, n in counted][:2] == [len(CHOICES), len(CHOICES)]
    assert len(counted) == len(tallies)
    assert migrate.current_revision(empty.engine) == migrate.current_revision(live.engine)
    if empty.engine.dialect.name == "sqlite":
        with empty.engine.begin() as conn:  # raises if the full-text index disagrees with its rows
            conn.execute(text("INSERT INTO delib_search_fts (delib_search_fts, rank) VALUES ('integrity-check', 1)"))


def test_the_restored_database_keeps_its_guards(places, tmp_path):
    """The triggers were off only for the load: a closed vote and a resolution refuse changes again."""
    live, empty = places
    migrate.upgrade(live.engine)
    _fill(live.engine)
    file = tmp_path / "site.backup"
    assert deliberation(live.url, "backup", str(file)).returncode == 0
    assert deliberation(empty.url, "restore", str(file)).returncode == 0
    for statement in (
        "UPDATE delib_resolution SET title = 'Підмінена'",
        "DELETE FROM delib_ballot",
        "INSERT INTO delib_participation (vote_id, voter_id, cast_by, cast_at) "
        "SELECT vote_id, voter_id, voter_id, CURRENT_TIMESTAMP FROM delib_participation LIMIT 1",
    ):
        with pytest.raises(DBAPIError):
            with empty.engine.begin() as conn:
                conn.execute(text(statement))


def test_restore_refuses_a_database_that_is_not_empty(places, tmp_path):
    live, empty = places
    migrate.upgrade(live.engine)
    _fill(live.engine)
    file = tmp_path / "site.backup"
    assert deliberation(live.url, "backup", str(file)).returncode == 0
    migrate.upgrade(empty.engine)
    with SessionFactory(empty.engine).begin() as db:
        make_sitting(db, delegates=1)
    users = _counts(empty.engine)["delib_user"]
    refused = deliberation(empty.url, "restore", str(file))
    assert refused.returncode == 1
    assert "Refusing to restore" in refused.stderr and "not empty" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert _counts(empty.engine)["delib_user"] == users


def test_restore_refuses_a_file_that_is_no_backup(places, tmp_path):
    _, empty = places
    file = tmp_path / "notes.txt"
    file.write_text("не резервна копія")
    refused = deliberation(empty.url, "restore", str(file))
    assert refused.returncode == 1 and "neither a SQLite file nor a pg_dump archive" in refused.stderr


def test_a_postgresql_backup_leaves_the_hosts_tables_out(places, tmp_path, backend):
    if backend != "postgresql":
        pytest.skip("SQLite copies the whole file")
    live, empty = places
    migrate.upgrade(live.engine)
    with live.engine.begin() as conn:
        conn.execute(text("CREATE TABLE host_orders (id integer PRIMARY KEY)"))
        conn.execute(text("INSERT INTO host_orders VALUES (1)"))
    file = tmp_path / "site.backup"
    assert deliberation(live.url, "backup", str(file)).returncode == 0
    listing = subprocess.run(["pg_restore", "--list", str(file)], capture_output=True, text=True).stdout
    assert "delib_user" in listing and "host_orders" not in listing


def test_the_cast_guard_finds_the_vote_whatever_the_search_path(connection, backend):
    """pg_restore loads data with search_path = ''; the guard must still find delib_vote."""
    if backend != "postgresql":
        pytest.skip("SQLite has no search_path")
    from deliberation.db import SessionFactory as Sessions

    db = Sessions(connection, join_transaction_mode="create_savepoint")()
    sitting = make_sitting(db, delegates=2)
    vote = voting.check_prepare_vote(
        db, item=sitting.item, forum=sitting.forum, actor=sitting.chair, data={"subject": "final"}
    )
    voting.do_open_vote(db, vote=vote, forum=sitting.forum, actor=sitting.chair)
    db.flush()
    schema = connection.execute(text("SELECT current_schema()")).scalar_one()
    connection.execute(text("SET LOCAL search_path = ''"))
    voter = sitting.delegates[0].id
    connection.execute(
        text(
            f'INSERT INTO "{schema}".delib_participation (vote_id, voter_id, cast_by, cast_at) '
            f"VALUES ({vote.id}, {voter}, {voter}, pg_catalog.now())"
        )
    )
    connection.execute(
        text(
            f'INSERT INTO "{schema}".delib_ballot (id, vote_id, voter_id, choice, changes) '
            f"VALUES ('b1', {vote.id}, {voter}, 'for', 0)"
        )
    )
    assert connection.execute(text(f'SELECT count(*) FROM "{schema}".delib_ballot')).scalar_one() == 1
    db.close()
