"""A page of hits is cut by the index query itself: one statement however many texts match, the
pages of one ranking, and who may see what applied before the cut, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from deliberation.search.queries import search
from deliberation.testing import counted_queries, make_document, make_forum, make_resolution, make_user, make_workshop


@pytest.fixture
def world(db):
    coordinator = make_user(db, coordinator=True)
    author = make_user(db)
    member = make_user(db)
    return {
        "db": db,
        "coordinator": coordinator,
        "author": author,
        "member": member,
        "workshop": make_workshop(db, creator=coordinator, facilitators=(author,)),
        "forum": make_forum(db, creator=coordinator),
    }


def _draft(world, n: int, *, body: str):
    return make_document(
        world["db"], workshop=world["workshop"], author=world["author"], title=f"Чернетка {n}", body=body
    )


def _resolution(world, n: int, *, body: str):
    document = _draft(world, n, body=body)
    return make_resolution(world["db"], forum=world["forum"], document=document, actor=world["coordinator"])


def _as_member(world, query: str, **kw):
    return search(world["db"], query, public_only=False, member_id=world["member"].id, **kw)


def _found(page):
    return [(hit.kind, hit.object_id) for hit in page.hits]


def test_a_page_of_hits_is_one_statement_for_3_matching_texts_and_for_45(world, connection):
    for n in range(3):
        _draft(world, n, body=f"Полагодити водогін номер {n}.")
    world["db"].commit()
    with counted_queries(connection) as few:
        page = _as_member(world, "водогін")
    assert page.total == 3 and len(page.hits) == 3
    for n in range(3, 45):
        _draft(world, n, body=f"Полагодити водогін номер {n}.")
    world["db"].commit()
    with counted_queries(connection) as many:
        page = _as_member(world, "водогону")
    assert page.total == 45 and len(page.hits) == 20
    assert len(few) == len(many) == 1, (few, many)


def test_a_page_past_the_end_still_counts_the_matches(world, connection):
    for n in range(5):
        _draft(world, n, body=f"Полагодити водогін номер {n}.")
    with counted_queries(connection) as statements:
        page = _as_member(world, "водогін", limit=2, offset=40)
    assert page.hits == [] and page.total == 5
    assert len(statements) == 2


def test_pages_of_hits_are_cut_from_one_ranking(world):
    # Texts that say the word more or fewer times, drafts and resolutions mixed.
    for n in range(6):
        _draft(world, n, body="Водогін. " * (n + 1) + f"Інші слова {n}.")
        _resolution(world, 10 + n, body="Водогін і водогону. " * (6 - n) + f"Ще слова {n}.")
    whole = _as_member(world, "водогін", limit=100)
    assert whole.total == 18  # six drafts, six adopted documents, six resolutions
    pages = [_as_member(world, "водогін", limit=4, offset=offset) for offset in range(0, 20, 4)]
    assert [(hit.kind, hit.object_id, hit.rank) for page in pages for hit in page.hits] == [
        (hit.kind, hit.object_id, hit.rank) for hit in whole.hits
    ]
    assert {page.total for page in pages} == {18}
    assert [hit.rank for hit in whole.hits] == sorted((hit.rank for hit in whole.hits), reverse=True)


def test_drafts_that_rank_first_neither_take_a_public_page_nor_count_in_its_total(world):
    # Each draft says the word far more often than any resolution, so it ranks above them all.
    drafts = [_draft(world, n, body="Водогін, водогону, водогоном. " * 8) for n in range(5)]
    resolutions = [_resolution(world, 10 + n, body=f"Про водогін {n} серед інших справ громади.") for n in range(3)]
    db = world["db"]
    for public in (search(db, "водогін", public_only=True, limit=2), search(db, "водогін", public_only=False)):
        assert public.total == 3
        assert {kind for kind, _ in _found(public)} == {"resolution"}
    assert set(_found(search(db, "водогін", public_only=True))) == {("resolution", r.id) for r in resolutions}
    members = _as_member(world, "водогін", limit=5)
    assert _found(members) == [("document", d.id) for d in sorted(drafts, key=lambda d: d.id)]


def test_a_members_search_for_drafts_alone_keeps_resolutions_out_of_page_and_total(world):
    # The resolutions rank first here; the drafts asked for must still fill the page.
    for n in range(4):
        _resolution(world, n, body="Водогін, водогону, водогоном. " * 8)
    drafts = [_draft(world, 10 + n, body=f"Про водогін {n} серед інших справ громади.") for n in range(3)]
    page = _as_member(world, "водогін", kinds=("document",), limit=5)
    # Four adopted documents (their words rank them first) and three drafts: documents all.
    assert page.total == 7 and len(page.hits) == 5
    assert {kind for kind, _ in _found(page)} == {"document"}
    rest = _as_member(world, "водогін", kinds=("document",), limit=5, offset=5)
    assert rest.total == 7 and len(rest.hits) == 2
    both = _found(page) + _found(rest)
    assert len(set(both)) == 7 and {d.id for d in drafts} <= {object_id for _, object_id in both}
    assert _as_member(world, "водогін", kinds=("resolution",)).total == 4
