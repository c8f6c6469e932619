"""An index written by an older lemmatiser is found out and rebuilt, on SQLite and PostgreSQL.

Before pymorphy3, each word was indexed under simplemma's one lemma, and «розвитку молоді» was
stored as "розвиток молоді": a search for «молодь» could not find it until the index was rebuilt.
"""

from __future__ import annotations

from sqlalchemy import delete, update
from sqlmodel import select

from deliberation.search.index import reindex_if_stale, stale_entries
from deliberation.search.models import SearchEntry
from deliberation.search.queries import search
from deliberation.testing import make_document, make_forum, make_resolution, make_user, make_workshop


def _texts(db, count=3):
    chair, author = make_user(db, coordinator=True), make_user(db)
    workshop = make_workshop(db, creator=chair, facilitators=(author,))
    forum = make_forum(db, creator=chair)
    resolutions = []
    for n in range(count):
        document = make_document(
            db,
            workshop=workshop,
            author=author,
            title=f"Програма {n}",
            body=f"Програма розвитку молоді громади номер {n}.",
        )
        resolutions.append(make_resolution(db, forum=forum, document=document, actor=chair))
    return resolutions


def test_an_index_written_by_todays_lemmatiser_is_current_and_left_alone(db):
    _texts(db)
    assert stale_entries(db) == 0
    before = db.exec(select(SearchEntry.id, SearchEntry.lemmas).order_by(SearchEntry.id)).all()
    assert reindex_if_stale(db) is None
    assert db.exec(select(SearchEntry.id, SearchEntry.lemmas).order_by(SearchEntry.id)).all() == before


def test_an_index_in_the_one_lemma_form_is_stale_and_rebuilt_so_every_form_is_found(db):
    resolutions = _texts(db)
    # What the simplemma-only folding stored for these texts.
    for n, resolution in enumerate(resolutions):
        db.execute(
            update(SearchEntry)
            .where(SearchEntry.kind == "resolution", SearchEntry.object_id == resolution.id)
            .values(lemmas=f"програма {n} програма розвиток молоді громада номер {n}")
        )
    assert search(db, "молодь", public_only=True).total == 0
    assert stale_entries(db) == len(resolutions)
    heard = []
    # Three resolutions and the three documents they were adopted from.
    assert reindex_if_stale(db, progress=lambda done, total: heard.append((done, total))) == 6
    assert heard[-1] == (6, 6)
    assert search(db, "молодь", public_only=True).total == len(resolutions)
    assert stale_entries(db) == 0


def test_texts_written_before_the_index_existed_make_it_stale(db):
    _texts(db, count=1)
    db.execute(delete(SearchEntry))
    assert stale_entries(db) == 2
    assert reindex_if_stale(db) == 2 and search(db, "молодь", public_only=True).total == 1


def test_the_check_compares_a_sample_spread_over_the_whole_index(db):
    resolutions = _texts(db, count=6)
    last = resolutions[-1]
    db.execute(
        update(SearchEntry)
        .where(SearchEntry.kind == "resolution", SearchEntry.object_id == last.id)
        .values(lemmas="програма розвиток молоді")
    )
    assert stale_entries(db) == 1
    # With a sample of two out of twelve entries, the first and the seventh are compared.
    assert stale_entries(db, sample=2) == 0
