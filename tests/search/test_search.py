"""Search in Ukrainian, on SQLite (FTS5) and PostgreSQL (tsvector): inflections, apostrophes and
case meet; the public finds resolutions only; the index follows every change of a text."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import delete, text
from sqlmodel import select

from deliberation.drafting.actions import check_save_revision, do_set_document_status
from deliberation.search.index import index_document, reindex, unindex_document
from deliberation.search.models import SearchEntry
from deliberation.search.queries import SNIPPET_CHARS, resolution_ids_matching, search
from deliberation.testing import counted_queries, make_document, make_forum, make_resolution, make_user, make_workshop
from deliberation.workshops.queries import get_membership

LETTER = (
    "Форум звертається до рад у громадах області. Просимо ухвалити кілька рішень про відкритість "
    "і передати обʼєкт комунальної власності під громадський простір."
)


@pytest.fixture
def world(db):
    coordinator = make_user(db, coordinator=True)
    author = make_user(db)
    member = make_user(db)
    workshop = make_workshop(db, creator=coordinator, facilitators=(author,))
    forum = make_forum(db, creator=coordinator)
    return {
        "db": db,
        "coordinator": coordinator,
        "author": author,
        "member": member,
        "workshop": workshop,
        "forum": forum,
    }


def _draft(world, *, title="Проєкт звернення", body=LETTER):
    return make_document(
        world["db"], workshop=world["workshop"], author=world["author"], title=title, body=body, kind="appeal"
    )


def _resolution(world, *, title="Звернення до рад", body=LETTER):
    document = _draft(world, title=title, body=body)
    return make_resolution(world["db"], forum=world["forum"], document=document, actor=world["coordinator"])


def _public(db, query, **kw):
    return search(db, query, public_only=True, **kw)


def _as_member(db, world, query, **kw):
    return search(db, query, public_only=False, member_id=world["member"].id, **kw)


def _found(page):
    return [(hit.kind, hit.object_id) for hit in page.hits]


@pytest.mark.parametrize("query", ["громада", "Громади", "рішення", "рішенням", "ГРОМАДАХ РІШЕНЬ"])
def test_any_inflection_of_a_word_finds_a_resolution_that_uses_another(world, query):
    resolution = _resolution(world)
    page = _public(world["db"], query)
    assert _found(page) == [("resolution", resolution.id)] and page.total == 1
    assert page.hits[0].number == resolution.number and page.hits[0].title == "Звернення до рад"


@pytest.mark.parametrize("written", ["обʼєкт", "об'єкт", "об’єкт", "ОБ'ЄКТ"])
@pytest.mark.parametrize("asked", ["обʼєкт", "об'єкт", "об’єкт", "Об’єкта", "об`єкт"])
def test_apostrophe_spellings_and_case_find_each_other(world, written, asked):
    resolution = _resolution(world, body=f"Передати {written} громаді.")
    assert _found(_public(world["db"], asked)) == [("resolution", resolution.id)]


def test_every_word_of_the_query_must_match(world):
    _resolution(world)
    assert _public(world["db"], "громада водогін").total == 0
    assert _public(world["db"], "громада рішення відкритість").total == 1


def test_a_word_finds_its_form_that_is_also_a_form_of_another_word(world):
    # «молоді» is the genitive of «молодь» and the plural of «молодий»: one lemma would lose one.
    youth = _resolution(world, title="Програма", body="Програма розвитку молоді на 2026 рік.")
    young = _resolution(world, title="Кадри", body="Молодий спеціаліст отримує житло.")
    page = _public(world["db"], "молодь")
    assert _found(page) == [("resolution", youth.id)]
    assert re.findall(r"<mark>(.*?)</mark>", page.hits[0].snippet) == ["молоді"]
    # Without reading the sentence the index cannot tell which word «молоді» is: «молодий» finds both.
    assert sorted(_found(_public(world["db"], "молодий"))) == [("resolution", youth.id), ("resolution", young.id)]


def test_an_ambiguous_query_word_finds_each_word_it_can_be(world):
    youth = _resolution(world, title="Програма", body="Робота з молоддю громади.")
    young = _resolution(world, title="Кадри", body="Молодий спеціаліст громади.")
    other = _resolution(world, title="Інше", body="Спеціаліст громади.")
    db = world["db"]
    assert sorted(_found(_public(db, "молоді"))) == sorted([("resolution", youth.id), ("resolution", young.id)])
    # Each word is an OR over its lemmas, and every word must match.
    assert _found(_public(db, "молоді спеціалісти")) == [("resolution", young.id)]
    assert _public(db, "молоді громадах").total == 2 and _public(db, "молоді водогін").total == 0
    assert ("resolution", other.id) not in _found(_public(db, "молоді громада"))
    assert sorted(resolution_ids_matching(db, "молоді")) == sorted([youth.id, young.id])


def test_a_text_with_more_matches_ranks_first(world):
    once = _resolution(
        world, title="Звернення перше", body="Громада просить про бюджет. Інше питання, інша тема, ще тема."
    )
    often = _resolution(world, title="Звернення друге", body="Громада і громади: громадам потрібен бюджет громади.")
    page = _public(world["db"], "громада")
    assert _found(page) == [("resolution", often.id), ("resolution", once.id)]
    assert page.hits[0].rank > page.hits[1].rank
    assert resolution_ids_matching(world["db"], "громадах") == [often.id, once.id]


def test_snippets_mark_the_original_inflected_words_and_escape_the_rest(world):
    _resolution(world, body="Вступ <b>жирний</b>. Ради громад ухвалили кілька рішень.")
    snippet = _public(world["db"], "громада рішення").hits[0].snippet
    assert re.findall(r"<mark>(.*?)</mark>", snippet) == ["громад", "рішень"]
    assert "&lt;b&gt;" in snippet and "<b>" not in snippet


def test_public_search_never_returns_a_draft_and_members_search_does(world):
    db = world["db"]
    draft = _draft(world, title="Чернетка про громади")
    resolution = _resolution(world)
    assert _found(_public(db, "громада")) == [("resolution", resolution.id)]
    # Neither asking for documents nor leaving out the member changes that.
    assert _public(db, "громада", kinds=("document",)).total == 0
    assert search(db, "громада", public_only=False, member_id=None).total == 1
    members = _found(_as_member(db, world, "громада"))
    assert ("document", draft.id) in members and ("resolution", resolution.id) in members
    # The adopted document stays a members' hit beside its resolution, never a public one.
    assert len(members) == 3


def test_kinds_narrow_a_members_search(world):
    db = world["db"]
    draft = _draft(world)
    _resolution(world)
    assert {kind for kind, _ in _found(_as_member(db, world, "громада", kinds=("document",)))} == {"document"}
    assert ("document", draft.id) in _found(_as_member(db, world, "громада", kinds=("document",)))


def test_a_new_revision_is_found_by_its_new_words_and_not_by_removed_ones(world):
    db = world["db"]
    document = _draft(world, body="Просимо відремонтувати водогін у селі.")
    assert _found(_as_member(db, world, "водогін")) == [("document", document.id)]
    membership = get_membership(db, workshop_id=world["workshop"].id, user_id=world["author"].id)
    check_save_revision(
        db,
        document=document,
        actor=world["author"],
        membership=membership,
        data={"base": "1", "title": "Проєкт звернення", "body": "Просимо збудувати каналізацію в селі."},
    )
    assert _as_member(db, world, "водогін").total == 0
    page = _as_member(db, world, "каналізація")
    assert _found(page) == [("document", document.id)]
    assert "<mark>каналізацію</mark>" in page.hits[0].snippet


def test_an_older_revision_never_replaces_the_indexed_head(world):
    db = world["db"]
    document = _draft(world, body="Перша версія про водогін.")
    membership = get_membership(db, workshop_id=world["workshop"].id, user_id=world["author"].id)
    saved = check_save_revision(
        db,
        document=document,
        actor=world["author"],
        membership=membership,
        data={"base": "1", "title": "Проєкт звернення", "body": "Друга версія про каналізацію."},
    )
    from deliberation.drafting.queries import get_revision

    assert index_document(db, document, get_revision(db, document_id=document.id, number=1)) is None
    assert _as_member(db, world, "водогін").total == 0
    assert saved.revision.number == 2 and _as_member(db, world, "каналізація").total == 1


def test_a_status_change_is_recorded_and_the_text_stays_findable_for_members(world):
    db = world["db"]
    document = _draft(world)
    membership = get_membership(db, workshop_id=world["workshop"].id, user_id=world["author"].id)
    do_set_document_status(db, document=document, actor=world["author"], membership=membership, status="withdrawn")
    page = _as_member(db, world, "громада")
    assert [(hit.object_id, hit.status) for hit in page.hits] == [(document.id, "withdrawn")]


def test_adoption_makes_the_text_public_as_a_resolution(world):
    db = world["db"]
    document = _draft(world)
    assert _public(db, "громада").total == 0
    resolution = make_resolution(db, forum=world["forum"], document=document, actor=world["coordinator"])
    assert _found(_public(db, "громада")) == [("resolution", resolution.id)]
    statuses = {hit.kind: hit.status for hit in _as_member(db, world, "громада").hits}
    assert statuses == {"resolution": "adopted", "document": "adopted"}


def test_unindexed_document_is_no_longer_found(world):
    db = world["db"]
    document = _draft(world)
    unindex_document(db, document.id)
    assert _as_member(db, world, "громада").total == 0


def test_pages_of_hits_count_every_match(world):
    db = world["db"]
    ids = [_resolution(world, title=f"Звернення {n}", body=f"Громада номер {n}.").id for n in range(5)]
    first, second = _public(db, "громада", limit=2), _public(db, "громада", limit=2, offset=4)
    assert first.total == second.total == 5
    assert len(first.hits) == 2 and len(second.hits) == 1
    assert _public(db, "громада", limit=2, offset=10).total == 5
    assert sorted(resolution_ids_matching(db, "громада")) == sorted(ids)


@pytest.mark.parametrize(
    "query",
    [
        '"громада',
        "громада OR",
        "NOT громада",
        "громада*",
        "громада:1",
        "(громада",
        "громада & !",
        "громада'",
        "громада -рада",
        "громада NEAR(рада)",
        "\\",
    ],
)
def test_query_syntax_typed_by_a_person_is_taken_as_words(world, query):
    _resolution(world)
    page = _public(world["db"], query)
    assert page.total in (0, 1)


def test_a_query_without_words_finds_nothing(world):
    _resolution(world)
    assert _public(world["db"], " !? ").hits == [] and _public(world["db"], "").total == 0


def test_snippet_is_a_window_of_a_long_text(world):
    _resolution(world, body="Вступні слова. " * 200 + "Тут про громаду. " + "Кінцеві слова. " * 200)
    snippet = _public(world["db"], "громада").hits[0].snippet
    assert snippet.startswith("…") and snippet.endswith("…") and "<mark>громаду</mark>" in snippet
    assert len(re.sub(r"</?mark>", "", snippet)) <= SNIPPET_CHARS + 40


def test_search_costs_the_same_queries_for_one_hit_as_for_twenty(world, connection):
    db = world["db"]
    _resolution(world, body="Громада одна.")
    _draft(world, title="Чернетка одна", body="Громада чернетки.")
    with counted_queries(connection) as few:
        assert _as_member(db, world, "громада").total == 3
    for n in range(8):
        _resolution(world, title=f"Звернення {n}", body=f"Громада {n}.")
    with counted_queries(connection) as many:
        assert _as_member(db, world, "громада").total == 19
    assert len(many) == len(few) <= 3


def test_reindex_rebuilds_an_emptied_index(world):
    db = world["db"]
    resolution = _resolution(world)
    draft = _draft(world, title="Інша чернетка", body="Про водогін у громадах.")
    db.execute(delete(SearchEntry))
    assert _as_member(db, world, "громада").total == 0
    heard = []
    assert reindex(db, progress=lambda done, total: heard.append((done, total))) == 3
    assert heard[0] == (0, 3) and heard[-1] == (3, 3)
    found = _found(_as_member(db, world, "громада"))
    assert ("resolution", resolution.id) in found and ("document", draft.id) in found and len(found) == 3
    assert _found(_public(db, "громада")) == [("resolution", resolution.id)]


def test_reindex_repairs_a_backend_index_that_fell_out_of_step(world, backend):
    db = world["db"]
    resolution = _resolution(world)
    if backend == "sqlite":
        db.execute(text("DELETE FROM delib_search_fts"))
    else:
        db.execute(text("UPDATE delib_search_entry SET lemma_vector = ''::tsvector"))
    assert _public(db, "громада").total == 0
    reindex(db)
    assert _found(_public(db, "громада")) == [("resolution", resolution.id)]
    assert db.exec(select(SearchEntry.kind)).all().count("document") == 1


def test_entries_keep_the_document_workshop_and_revision(world):
    db = world["db"]
    document = _draft(world)
    entry = db.exec(
        select(SearchEntry).where(SearchEntry.kind == "document", SearchEntry.object_id == document.id)
    ).one()
    assert (entry.visibility, entry.workshop_id, entry.revision_number, entry.status) == (
        "members",
        world["workshop"].id,
        1,
        "draft",
    )
    assert entry.lemmas.startswith("проєкт звернення форум звертати звертатися")


def test_the_backend_index_keeps_apostrophe_and_hyphen_words_whole(world, backend):
    db = world["db"]
    entry_id = db.exec(
        select(SearchEntry.id).where(
            SearchEntry.object_id == _resolution(world, title="Звернення", body="Будь-який обʼєкт.").id,
            SearchEntry.kind == "resolution",
        )
    ).one()
    if backend == "sqlite":
        db.execute(
            text("CREATE VIRTUAL TABLE temp.delib_search_terms USING fts5vocab(main, delib_search_fts, instance)")
        )
        terms = set(
            db.execute(text("SELECT term FROM temp.delib_search_terms WHERE doc = :id"), {"id": entry_id}).scalars()
        )
        db.execute(text("DROP TABLE temp.delib_search_terms"))
    else:
        terms = set(
            db.execute(
                text("SELECT unnest(tsvector_to_array(lemma_vector)) FROM delib_search_entry WHERE id = :id"),
                {"id": entry_id},
            ).scalars()
        )
    assert {"будь-який", "обʼєкт"} <= terms
    assert _found(_public(db, "будь-який об'єкт")) != []
