"""Free text in the library: matching resolutions in rank order, within the filters, with snippets.

Search itself is deliberation.search's; these tests run once it is there.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from deliberation.library.queries import LibraryQuery, list_library
from deliberation.testing import counted_queries

pytest.importorskip("deliberation.search.queries")

from .conftest import DRAFT_TITLE  # noqa: E402


@pytest.fixture
def searchable(empty_shelf, db):
    s = empty_shelf
    s.adopt(
        "roof",
        title="Петиція про дах школи",
        kind="petition",
        sectors=("education",),
        when=datetime(2025, 3, 1, tzinfo=UTC),
        body="Просимо відремонтувати дах школи в селі Іванівка. Школа чекає ремонту давно.",
    )
    s.adopt(
        "water",
        title="Звернення про водогін",
        kind="appeal",
        sectors=("housing",),
        when=datetime(2026, 2, 1, tzinfo=UTC),
        body="Просимо відремонтувати водогін біля школи.",
    )
    s.adopt(
        "park",
        title="Декларація про парк",
        kind="declaration",
        sectors=("environment",),
        when=datetime(2026, 4, 1, tzinfo=UTC),
        body="Парк належить громаді.",
    )
    db.commit()
    return s


def _ids(page) -> list[int]:
    return [item.id for item in page.items]


def test_a_search_lists_the_matching_resolutions_in_rank_order(searchable, db):
    from deliberation.search.queries import resolution_ids_matching

    page = list_library(db, LibraryQuery.parse({"q": "школа"}))
    ranked = resolution_ids_matching(db, "школа")
    assert _ids(page) == ranked and set(ranked) == {
        searchable.resolutions["roof"].id,
        searchable.resolutions["water"].id,
    }
    assert page.query.order == "relevance" and page.total == 2


def test_a_search_keeps_to_the_filters(searchable, db):
    page = list_library(db, LibraryQuery.parse({"q": "школа", "kind": "appeal"}))
    assert _ids(page) == [searchable.resolutions["water"].id]
    page = list_library(db, LibraryQuery.parse({"q": "школа", "sector": "environment"}))
    assert page.items == [] and page.total == 0


def test_each_hit_has_its_snippet_with_the_words_marked(searchable, db):
    page = list_library(db, LibraryQuery.parse({"q": "школи"}))
    for item in page.items:
        assert "<mark>" in str(item.snippet)


def test_a_search_can_be_sorted_by_date_instead(searchable, db):
    page = list_library(db, LibraryQuery.parse({"q": "школа", "sort": "oldest"}))
    assert _ids(page) == [searchable.resolutions["roof"].id, searchable.resolutions["water"].id]


def test_a_search_that_finds_nothing_says_so(client, searchable):
    response = client.get("/library?q=космодром")
    assert response.status_code == 200 and "card" not in response.text.split('id="library-results"')[1]


def test_a_search_never_finds_a_draft(client, searchable):
    response = client.get("/library", params={"q": "бруківка"})
    assert DRAFT_TITLE not in response.text


def test_the_search_page_shows_snippets(client, searchable):
    response = client.get("/library", params={"q": "дах"})
    assert "<mark>" in response.text and "Петиція про дах школи" in response.text


def test_filters_are_applied_before_the_ranked_page_is_cut(searchable, db):
    # «roof» says «школа» more often and ranks first, but is a petition: the one appeal must
    # still be page 1, alone, and the count must not include the petition.
    page = list_library(db, LibraryQuery.parse({"q": "школа", "kind": "appeal"}), per_page=1)
    assert _ids(page) == [searchable.resolutions["water"].id] and page.total == 1 and page.pages == 1
    first = list_library(db, LibraryQuery.parse({"q": "школа"}), per_page=1)
    second = list_library(db, LibraryQuery.parse({"q": "школа", "page": "2"}), per_page=1)
    assert _ids(first) + _ids(second) == [searchable.resolutions["roof"].id, searchable.resolutions["water"].id]
    assert first.total == second.total == 2 and "<mark>" in str(second.items[0].snippet)


def test_a_page_past_the_last_of_a_search_shows_the_last(searchable, db):
    page = list_library(db, LibraryQuery.parse({"q": "школа", "page": "7"}), per_page=1)
    assert page.page == 2 and _ids(page) == [searchable.resolutions["water"].id]


@pytest.mark.parametrize(
    "params",
    [
        {"q": "школа", "sector": "education", "page": "2"},
        {"q": "школа"},
        {"q": "школа", "kind": "petition", "sort": "oldest"},
    ],
)
def test_a_search_costs_the_same_queries_with_3_and_with_60_resolutions(empty_shelf, db, connection, params):
    from datetime import timedelta

    def count(total: int) -> int:
        while len(empty_shelf.resolutions) < total:
            i = len(empty_shelf.resolutions)
            empty_shelf.adopt(
                f"r{i}",
                title=f"Петиція про школу номер {i}",
                sectors=("education",),
                when=datetime(2024, 1, 1, tzinfo=UTC) + timedelta(days=5 * i),
                body=f"Школа номер {i} просить ремонту.",
            )
        db.commit()
        with counted_queries(connection) as statements:
            page = list_library(db, LibraryQuery.parse(params))
        assert page.total == total and len(page.items) == min(total, 20)
        assert all("<mark>" in str(item.snippet) for item in page.items)
        return len(statements)

    few, many = count(3), count(60)
    assert few == many
