"""The library's queries: filters that combine, orders, pages, lenient parsing, constant cost."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from deliberation.library.queries import LibraryQuery, list_library
from deliberation.testing import counted_queries

from .conftest import DRAFT_TITLE


def _titles(db, **params) -> list[str]:
    return [item.title for item in list_library(db, LibraryQuery.parse(params)).items]


def _keys(shelf, db, **params) -> set[str]:
    ids = {item.id for item in list_library(db, LibraryQuery.parse(params)).items}
    return {key for key, r in shelf.resolutions.items() if r.id in ids}


@pytest.mark.parametrize(
    "params,expected",
    [
        ({"kind": "appeal"}, {"school", "youth"}),
        ({"forum": "autumn"}, {"budget", "museum", "youth"}),
        ({"workshop": "experts"}, {"school", "museum"}),
        ({"sector": "housing"}, {"water", "budget"}),
        ({"sector": "youth_sport"}, {"budget", "youth"}),
        ({"theme": "budget"}, {"water", "budget"}),
        ({"year": "2025"}, {"water", "school"}),
    ],
    ids=lambda value: str(sorted(value) if isinstance(value, set) else value),
)
def test_each_filter_alone_keeps_only_what_matches(shelf, db, params, expected):
    assert _keys(shelf, db, **_resolved(shelf, params)) == expected


@pytest.mark.parametrize(
    "params,expected",
    [
        ({"kind": "petition", "year": "2026"}, {"budget"}),
        ({"forum": "autumn", "sector": "youth_sport"}, {"budget", "youth"}),
        ({"forum": "spring", "sector": "culture"}, set()),
        ({"workshop": "deputies", "theme": "budget", "year": "2025"}, {"water"}),
        (
            {"kind": "appeal", "forum": "autumn", "workshop": "deputies", "sector": "youth_sport", "year": "2026"},
            {"youth"},
        ),
    ],
    ids=lambda value: str(sorted(value) if isinstance(value, set) else value),
)
def test_filters_combine(shelf, db, params, expected):
    assert _keys(shelf, db, **_resolved(shelf, params)) == expected


def _resolved(shelf, params: dict) -> dict:
    """Forum and workshop keys of the shelf as the ids the query string carries."""
    out = dict(params)
    if "forum" in out:
        out["forum"] = str(shelf.forums[out["forum"]].id)
    if "workshop" in out:
        out["workshop"] = str(shelf.workshops[out["workshop"]].id)
    return out


def test_newest_first_is_the_default_order(shelf, db):
    assert _titles(db) == [
        "Звернення про молодіжний центр",
        "Декларація про музей",
        "Петиція про громадський бюджет",
        "Звернення про шкільний автобус",
        "Петиція про водогін",
    ]


def test_oldest_first_reverses_it(shelf, db):
    assert _titles(db, sort="oldest") == list(reversed(_titles(db)))


def test_by_number_orders_years_then_numbers_numerically(empty_shelf, db):
    start = datetime(2026, 1, 5, 10, tzinfo=UTC)
    for i in range(11):  # 2026/1 … 2026/11: "2026/10" must come after "2026/9"
        empty_shelf.adopt(f"r{i}", title=f"Звернення номер {i + 1}", when=start + timedelta(days=i))
    empty_shelf.adopt("old", title="Давнє звернення", when=datetime(2025, 12, 1, tzinfo=UTC))
    numbers = [item.number for item in list_library(db, LibraryQuery.parse({"sort": "number"})).items]
    assert numbers == ["2025/1"] + [f"2026/{n}" for n in range(1, 12)]


def test_pages_split_the_list_and_say_how_many_there_are(shelf, db):
    first = list_library(db, LibraryQuery.parse({}), per_page=2)
    last = list_library(db, LibraryQuery.parse({"page": "3"}), per_page=2)
    assert (first.total, first.pages, len(first.items), first.first_shown, first.last_shown) == (5, 3, 2, 1, 2)
    assert (last.page, len(last.items), last.first_shown, last.last_shown) == (3, 1, 5, 5)
    beyond = list_library(db, LibraryQuery.parse({"page": "99"}), per_page=2)
    assert beyond.page == 3 and [i.id for i in beyond.items] == [i.id for i in last.items]
    seen = [i.id for p in (1, 2, 3) for i in list_library(db, LibraryQuery.parse({"page": str(p)}), per_page=2).items]
    assert len(seen) == len(set(seen)) == 5


def test_page_numbers_link_the_ends_and_the_neighbourhood(shelf, db):
    page = list_library(db, LibraryQuery.parse({"page": "1"}), per_page=1)
    assert page.page_numbers() == [1, 2, 3, None, 5]


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "nonsense"},
        {"forum": "abc"},
        {"forum": "-3"},
        {"forum": "1e3"},
        {"workshop": "٣"},
        {"sector": "housing'--"},
        {"theme": "<script>"},
        {"year": "twenty"},
        {"year": "99999"},
        {"year": "12"},
        {"page": "0"},
        {"page": "-1"},
        {"page": "x"},
        {"page": "9" * 40},
        {"sort": "sideways"},
        {"sort": "relevance"},
        {"forum": "9" * 40},
    ],
    ids=lambda value: str(sorted(value) if isinstance(value, set) else value),
)
def test_bad_values_are_ignored(shelf, db, params):
    query = LibraryQuery.parse(params)
    assert query == LibraryQuery()
    assert len(list_library(db, query).items) == 5


def test_a_well_formed_but_unknown_forum_finds_nothing(shelf, db):
    assert list_library(db, LibraryQuery.parse({"forum": "987654"})).items == []


def test_the_query_string_keeps_only_what_differs_from_the_defaults(shelf):
    query = LibraryQuery.parse({"kind": "appeal", "year": "2026", "page": "2", "sort": "newest", "q": "  вода   дах "})
    assert query.q == "вода дах"
    assert query.params() == [
        ("q", "вода дах"),
        ("kind", "appeal"),
        ("year", "2026"),
        ("sort", "newest"),
        ("page", "2"),
    ]
    assert query.params(page=1) == [("q", "вода дах"), ("kind", "appeal"), ("year", "2026"), ("sort", "newest")]
    assert query.feed_params() == [("kind", "appeal"), ("year", "2026")]


def test_facets_offer_the_forums_workshops_and_years_that_have_resolutions(shelf, db):
    from deliberation.testing import make_forum, make_workshop

    make_forum(db, creator=shelf.coordinator, title="Форум без рішень")
    make_workshop(db, creator=shelf.coordinator, title="Майстерня без рішень")
    facets = list_library(db, LibraryQuery()).facets
    assert {title for _, title in facets.forums} == {"Весняний форум", "Осінній форум"}
    assert {title for _, title in facets.workshops} == {"Майстерня депутатів", "Експертна гільдія"}
    assert facets.years == [2026, 2025]


def test_the_library_never_lists_a_draft(shelf, db):
    everything = list_library(db, LibraryQuery(), per_page=100)
    assert everything.total == 5 and DRAFT_TITLE not in {item.title for item in everything.items}
    # Tagged like the resolutions it sits beside, the draft is not found by its tags either.
    assert DRAFT_TITLE not in _titles(db, sector="housing", workshop=str(shelf.workshops["deputies"].id))


@pytest.mark.parametrize(
    "params", [{}, {"kind": "petition", "sector": "housing", "sort": "oldest", "page": "2"}, {"sort": "number"}]
)
def test_the_library_costs_the_same_queries_with_3_and_with_60_resolutions(empty_shelf, db, connection, params):
    def count(total: int) -> int:
        start = datetime(2024, 1, 1, tzinfo=UTC)
        while len(empty_shelf.resolutions) < total:
            i = len(empty_shelf.resolutions)
            empty_shelf.adopt(
                f"r{i}",
                title=f"Петиція номер {i}",
                sectors=("housing",),
                forum=("spring", "autumn")[i % 2],
                workshop=("deputies", "experts")[i % 2],
                when=start + timedelta(days=9 * i),
            )
        db.commit()
        with counted_queries(connection) as statements:
            page = list_library(db, LibraryQuery.parse(params))
        assert page.total > 0
        return len(statements)

    few, many = count(3), count(60)
    assert few == many, f"{few} queries with 3 resolutions, {many} with 60"
