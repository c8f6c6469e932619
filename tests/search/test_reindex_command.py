"""`deliberation reindex` on a fresh SQLite file database, run as a user would run it."""

from __future__ import annotations

from sqlalchemy import text

from deliberation.db import SessionFactory, make_engine
from deliberation.search.queries import search
from deliberation.testing import make_document, make_forum, make_resolution, make_user, make_workshop
from tests.test_cli import _run


def test_reindex_command_rebuilds_the_index_and_prints_its_progress(tmp_path):
    assert _run(tmp_path, "migrate").returncode == 0
    engine = make_engine(f"sqlite:///{tmp_path / 'var' / 'deliberation.sqlite3'}")
    with SessionFactory(engine).begin() as db:
        chair = make_user(db, coordinator=True)
        author = make_user(db)
        workshop = make_workshop(db, creator=chair, facilitators=(author,))
        forum = make_forum(db, creator=chair)
        for n in range(3):
            make_document(
                db,
                workshop=workshop,
                author=author,
                title=f"Петиція {n}",
                body=f"Громади просять про водогін номер {n}.",
            )
        adopted = make_document(
            db, workshop=workshop, author=author, title="Звернення", body="Рішення громад про відкритість."
        )
        make_resolution(db, forum=forum, document=adopted, actor=chair)
        # Texts written before the index existed: nothing is found until the rebuild.
        db.execute(text("DELETE FROM delib_search_entry"))
    with SessionFactory(engine).begin() as db:
        assert search(db, "громада", public_only=False, member_id=author.id).total == 0

    result = _run(tmp_path, "reindex")
    assert result.returncode == 0, result.stderr
    assert "Search index rebuilt: 5 texts" in result.stdout
    # One line redrawn in place ("\r"; text mode reads it as a line break) from 0 to the total.
    assert f"[{' ' * 30}] 0/5" in result.stderr
    assert result.stderr.rstrip().endswith(f"[{'#' * 30}] 5/5")

    with SessionFactory(engine).begin() as db:
        assert search(db, "громада", public_only=False, member_id=author.id).total == 5
        assert [hit.kind for hit in search(db, "громада", public_only=True).hits] == ["resolution"]
    engine.dispose()


def test_reindex_command_on_an_empty_database_says_so(tmp_path):
    assert _run(tmp_path, "migrate").returncode == 0
    result = _run(tmp_path, "reindex")
    assert result.returncode == 0, result.stderr
    assert "Search index rebuilt: 0 texts" in result.stdout and "0/0" in result.stderr
