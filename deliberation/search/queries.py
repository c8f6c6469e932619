"""Searching the index: lemmatise the query as the texts were, match every word, rank, snip.

Each query word stands for the lemmas it can have (``text.lemmas.query_terms``): the word matches
a text holding any of them, and every word must match, so the database is asked
``(a OR b) AND c``. One interface, two backends: SQLite matches the FTS5 table and ranks by bm25,
PostgreSQL matches the ``tsvector`` column with a ``tsquery`` and ranks by ``ts_rank``. Both
receive the lemmas as literal terms (an FTS5 string each, a quoted tsquery lexeme each), joined
by operators we write, so no query syntax a person types (quotes, NOT, *, :, &) ever reaches the
database's parser, and both see the very words the index holds.

What a search costs: one statement, whatever it finds (a second only for a page past the end).
The page is ranked and cut inside the index query (the backend's own top-N sort, as a bare
full-text query does it), and only the page's rows then meet their entries and original texts
(resolutions, documents' head revisions) for titles and snippets. The total rides along as a
count of the same matches, unranked. Nothing is read for a match that is not on the page. The
statement is built once per backend and scope and kept; a search only executes it.

Who sees what is a set of kinds: the public sees resolutions, a signed-in member drafts too
(``drafting.rules.can_read_document``). An entry's visibility follows from its kind
(``SearchKind.visibility``, written with the entry), so the kinds asked for, less those the asker may
not see, are the whole scope.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from markupsafe import Markup
from sqlalchemy import Float, Integer, String, and_, bindparam, cast, column, func, literal_column, or_, table
from sqlalchemy import select as sa_select
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql import ColumnElement, FromClause, Select, Subquery
from sqlalchemy.sql.expression import ColumnClause
from sqlmodel import Session

from ..db import is_sqlite, table_of
from ..drafting.models import Document, Revision
from ..resolutions.models import Resolution
from ..text.lemmas import Highlighter, query_terms
from .models import FTS_TABLE, VECTOR_COLUMN, SearchEntry, SearchKind, Visibility

KINDS: tuple[SearchKind, ...] = tuple(SearchKind)

SNIPPET_CHARS = 240
MAX_LIMIT = 100


@dataclass(frozen=True)
class Hit:
    kind: str
    object_id: int
    title: str
    #: Larger is better, comparable only within one search.
    rank: float
    #: A window of the original text with the matching words in ``<mark>``, the rest escaped.
    snippet: Markup
    #: A resolution's number ("2026/3"), for its address /resolutions/2026/3; None for a document.
    number: str | None = None
    workshop_id: int | None = None
    #: The document's status ("adopted" for a resolution).
    status: str = ""


@dataclass(frozen=True)
class SearchPage:
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    #: The lemmas that were matched, e.g. to say "found for: громада, рішення".
    lemmas: tuple[str, ...] = ()


_entry = table_of(SearchEntry)
_resolution, _document, _revision = table_of(Resolution), table_of(Document), table_of(Revision)
_fts = table(FTS_TABLE, column("rowid"))
_FTS: ColumnClause[Any] = literal_column(FTS_TABLE)
_VECTOR: ColumnClause[Any] = literal_column(f"{SearchEntry.__tablename__}.{VECTOR_COLUMN}")


Terms = Sequence[Sequence[str]]


def _fts5_query(terms: Terms) -> str:
    # Each lemma as an FTS5 string, inside which nothing is an operator: a term's lemmas ORed in
    # parentheses, the terms ANDed. Lemmas are words (letters, digits, ʼ and -), so a doubled
    # quote never occurs; doubling keeps it so anyway.
    return " AND ".join(
        "(" + " OR ".join('"' + lemma.replace('"', '""') + '"' for lemma in term) + ")" for term in terms
    )


def _tsquery(terms: Terms) -> str:
    return " & ".join(
        "(" + " | ".join("'" + lemma.replace("\\", "\\\\").replace("'", "''") + "'" for lemma in term) + ")"
        for term in terms
    )


@dataclass(frozen=True)
class _Match:
    """One backend's index asked one match expression: where the matches come from, which entry
    each is, how good it is. Every statement here is built from these, so both backends answer the
    same way."""

    source: FromClause
    #: The matching entry's id (``delib_search_entry.id``).
    entry_id: ColumnElement
    condition: ColumnElement[bool]
    #: Smaller is better (the score of a hit is its negation); ties are broken by ``entry_id``,
    #: smaller first. Ranked by it as it comes: ordering by ``-bm25()`` descending, as this first
    #: did, cost SQLite a negation per match, 3 % of the bare query, which orders by ``bm25()``.
    cost: ColumnElement[float]
    sqlite: bool


def _match(sqlite: bool, expression: str | None = None) -> _Match:
    """The index of one backend, matched against ``expression`` (``_fts5_query`` or ``_tsquery``),
    or, when it is None, against the value of the parameter ``query`` given at execution: a
    statement built so can be built once and kept."""
    value = bindparam("query", type_=String) if expression is None else bindparam("query", expression, type_=String)
    if sqlite:
        return _Match(
            source=_fts,
            entry_id=_fts.c.rowid,
            condition=_FTS.op("MATCH")(value),
            # bm25 is smaller for better matches.
            cost=func.bm25(_FTS, type_=Float),
            sqlite=True,
        )
    query = cast(value, postgresql.TSQUERY)
    return _Match(
        source=_entry,
        entry_id=_entry.c.id,
        condition=_VECTOR.op("@@")(query),
        cost=-func.ts_rank(_VECTOR, query, type_=Float),
        sqlite=False,
    )


def _expression(sqlite: bool, terms: Terms) -> str:
    return _fts5_query(terms) if sqlite else _tsquery(terms)


def _of_kinds(match: _Match, kinds: tuple[str, ...]) -> list[ColumnElement[bool]]:
    """Conditions that keep ``match`` to entries of ``kinds`` (some of ``KINDS``, at least one)."""
    if set(kinds) >= set(KINDS):
        return []
    if not match.sqlite:
        # The entry's row is the one matched: its kind costs nothing to read.
        return [_kind_is(kinds)]
    # The FTS5 table holds no kind, and reading each match's entry to learn it costs a B-tree
    # lookup per match, several times what ranking it does. Instead each match's id is looked up
    # in a list of entry ids that the statement builds once, from the (kind, object_id) index. The
    # list names the resolutions' entries, included or left out, since each resolution is an
    # adopted document and they are the fewer. "+ 0" keeps SQLite from handing the list to FTS5 as
    # rowids to look up, one MATCH per id.
    if SearchKind.RESOLUTION in kinds:
        return [(match.entry_id + 0).in_(sa_select(_entry.c.id).where(_kind_is(kinds)))]
    # NOT IN is never handed to FTS5, so it needs no "+ 0", which cost an addition per match.
    others = tuple(k for k in KINDS if k not in kinds)
    return [match.entry_id.not_in(sa_select(_entry.c.id).where(_kind_is(others)))]


def _kind_is(kinds: tuple[str, ...]) -> ColumnElement[bool]:
    # Equalities, not IN: a list given to IN is expanded into the statement's text at every
    # execution, which cost a search more than the lookup itself.
    return or_(*(_entry.c.kind == kind for kind in kinds))


def _visible_kinds(*, public_only: bool, member_id: int | None, kinds: Iterable[str]) -> tuple[str, ...]:
    wanted = set(kinds)
    # Drafts are for signed-in members only (drafting.rules.can_read_document); the public, and
    # any caller that says public_only, gets resolutions alone.
    public = public_only or member_id is None
    return tuple(k for k in KINDS if k in wanted and (not public or k.visibility == Visibility.PUBLIC))


def _ranked(match: _Match, conditions: Sequence[ColumnElement[bool]], *, limit, offset) -> Subquery:
    """The matches' entry ids and costs (``_Match.cost``), best first, ``limit`` from ``offset``
    (numbers, or parameters given at execution): the page is cut by the index query itself,
    before anything else is read."""
    entry_id, cost = match.entry_id.label("entry_id"), match.cost.label("cost")
    return (
        sa_select(entry_id, cost)
        .select_from(match.source)
        .where(match.condition, *conditions)
        .order_by(cost, entry_id)
        .limit(limit)
        .offset(offset)
        .subquery("ranked")
    )


@lru_cache(maxsize=16)
def _statements(sqlite: bool, kinds: tuple[str, ...]) -> tuple[Select, Select]:
    """The page of hits with the total beside it, and the count alone, for a backend and a scope;
    built once each (a few shapes in all), then only executed with the parameters ``query``,
    ``limit`` and ``offset``."""
    match = _match(sqlite)
    scope = _of_kinds(match, kinds)
    count = sa_select(func.count()).select_from(match.source).where(match.condition, *scope)
    ranked = _ranked(match, scope, limit=bindparam("limit", type_=Integer), offset=bindparam("offset", type_=Integer))
    return _page(ranked).add_columns(count.scalar_subquery().label("total")), count


def _page(ranked: Subquery) -> Select:
    """The ranked rows with what a hit shows: the entry's title and status, and the original text
    for the snippet (the resolution's, or the document's head revision: the text as it is now)."""
    return (
        sa_select(
            (-ranked.c.cost).label("score"),
            _entry.c.kind,
            _entry.c.object_id,
            _entry.c.title,
            _entry.c.workshop_id,
            _entry.c.status,
            _resolution.c.number,
            _resolution.c.text.label("resolution_text"),
            _revision.c.body.label("document_text"),
        )
        .select_from(ranked)
        # Every ranked id is an entry's (the index is the entries' copy, kept in step by triggers),
        # so an outer join finds the same rows. It fixes the order of the joins, so SQLite reads
        # the ranked page as its top-N sort yields it (a co-routine); an inner join left it free
        # to put the entries first, and it stored the ranked subquery in a table before joining,
        # which cost 0.25 to 0.3 ms more at the median (the bare query takes 1.7).
        .outerjoin(_entry, _entry.c.id == ranked.c.entry_id)
        .outerjoin(_resolution, and_(_entry.c.kind == SearchKind.RESOLUTION, _resolution.c.id == _entry.c.object_id))
        .outerjoin(_document, and_(_entry.c.kind == SearchKind.DOCUMENT, _document.c.id == _entry.c.object_id))
        .outerjoin(
            _revision,
            and_(_revision.c.document_id == _document.c.id, _revision.c.number == _document.c.head_number),
        )
        .order_by(ranked.c.cost, ranked.c.entry_id)
    )


def search(
    db: Session,
    query: str,
    *,
    public_only: bool,
    member_id: int | None = None,
    kinds: Iterable[str] = KINDS,
    limit: int = 20,
    offset: int = 0,
) -> SearchPage:
    """The hits for ``query`` in rank order, ``limit`` from ``offset``, and how many there are.

    Every word of the query must match (in any inflection, any apostrophe, any case: a text word
    that shares a lemma with it). With
    ``public_only`` (or without ``member_id``) only resolutions are searched; a signed-in
    member's search (``member_id`` set) finds drafts too.
    """
    terms = query_terms(query or "")
    if not terms:
        return SearchPage()
    lemmas = tuple(dict.fromkeys(lemma for term in terms for lemma in term))
    limit, offset = max(1, min(int(limit), MAX_LIMIT)), max(0, int(offset))
    visible = _visible_kinds(public_only=public_only, member_id=member_id, kinds=kinds)
    if not visible:
        return SearchPage(lemmas=lemmas)
    sqlite = is_sqlite(db)
    page, count = _statements(sqlite, visible)
    params = {"query": _expression(sqlite, terms), "limit": limit, "offset": offset}
    rows = db.execute(page, params).all()
    # The total rides on every row of the page; only a page past the end needs its own count.
    total = rows[0].total if rows else (db.execute(count, params).scalar_one() if offset else 0)
    snippet = Highlighter(terms, max_chars=SNIPPET_CHARS)
    hits = [
        Hit(
            kind=row.kind,
            object_id=row.object_id,
            title=row.title,
            rank=float(row.score),
            snippet=snippet(row.resolution_text or row.document_text or ""),
            number=row.number,
            workshop_id=row.workshop_id,
            status=row.status,
        )
        for row in rows
    ]
    return SearchPage(hits=hits, total=total, lemmas=lemmas)


# --- resolutions, for lists that add their own filters (the library, the API) ----------------------


def _public_resolutions(match: _Match, among: Select | None) -> list[ColumnElement[bool]]:
    """Conditions that keep ``match`` to public resolutions, and to those whose id ``among``
    (a select of resolution ids) gives, if given."""
    if not match.sqlite:
        conditions = [_entry.c.kind == SearchKind.RESOLUTION, _entry.c.visibility == Visibility.PUBLIC]
        return conditions + ([_entry.c.object_id.in_(among)] if among is not None else [])
    entries = sa_select(_entry.c.id).where(_entry.c.kind == SearchKind.RESOLUTION)
    if among is not None:
        entries = entries.where(_entry.c.object_id.in_(among))
    # As in _of_kinds: a list built once per statement, not a lookup per match.
    return [(match.entry_id + 0).in_(entries)]


def resolutions_matching(db: Session, query: str) -> Select | None:
    """A select of the ids of the resolutions matching ``query``, unranked, for
    ``Resolution.id.in_(...)`` beside other filters; None when the query has no words."""
    terms = query_terms(query or "")
    if not terms:
        return None
    sqlite = is_sqlite(db)
    match = _match(sqlite, _expression(sqlite, terms))
    conditions = [match.condition, *_public_resolutions(match, None)]
    if not sqlite:
        return sa_select(_entry.c.object_id).where(*conditions)
    return sa_select(_entry.c.object_id).where(_entry.c.id.in_(sa_select(match.entry_id).where(*conditions)))


def rank_resolutions(
    db: Session, query: str, *, among: Select | None = None, limit: int | None = None, offset: int = 0
) -> Subquery | None:
    """The resolutions matching ``query``, best first, ``limit`` from ``offset``: a subquery of
    ``resolution_id``, ``score`` (larger is better) and ``entry_id`` (smaller first among equal
    scores), to join and order by. ``among`` (a select of resolution ids) keeps the ranking to those,
    before the page is cut. None when the query has no words.
    """
    terms = query_terms(query or "")
    if not terms:
        return None
    sqlite = is_sqlite(db)
    match = _match(sqlite, _expression(sqlite, terms))
    ranked = _ranked(match, _public_resolutions(match, among), limit=limit, offset=offset)
    return (
        sa_select(_entry.c.object_id.label("resolution_id"), (-ranked.c.cost).label("score"), ranked.c.entry_id)
        .select_from(ranked)
        .join(_entry, _entry.c.id == ranked.c.entry_id)
        .subquery("ranked_resolutions")
    )


def resolution_ids_matching(db: Session, query: str) -> list[int]:
    """The ids of every resolution matching ``query``, best first (for small lists and tests)."""
    ranked = rank_resolutions(db, query)
    if ranked is None:
        return []
    return list(
        db.execute(sa_select(ranked.c.resolution_id).order_by(ranked.c.score.desc(), ranked.c.entry_id)).scalars()
    )
