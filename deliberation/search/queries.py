"""Searching the index: lemmatise the query as the texts were, match every word, rank, snip.

Each query word stands for the lemmas it can have (``text.lemmas.query_terms``): the word matches
a text holding any of them, and every word must match, so the database is asked
``(a OR b) AND c``. One interface, two backends: SQLite matches the FTS5 table and ranks by bm25,
PostgreSQL matches the ``tsvector`` column with a ``tsquery`` and ranks by ``ts_rank``. Both
receive the lemmas as literal terms (an FTS5 string each, a quoted tsquery lexeme each), joined
by operators we write, so no query syntax a person types (quotes, NOT, *, :, &) ever reaches the
database's parser, and both see the very words the index holds.

A search costs the same handful of queries whatever it finds: the page of hits with its total,
then the original texts of that page only (resolutions, documents' head revisions) for snippets.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from markupsafe import Markup
from sqlalchemy import Float, and_, bindparam, cast, column, func, literal_column, table
from sqlalchemy import select as sa_select
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, select

from ..db import is_sqlite
from ..drafting.models import Document, Revision
from ..resolutions.models import Resolution
from ..text.lemmas import highlight, query_terms
from .models import FTS_TABLE, KINDS, VECTOR_COLUMN, SearchEntry

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


_fts = table(FTS_TABLE, column("rowid"))
_FTS = literal_column(FTS_TABLE)
_VECTOR = literal_column(f"{SearchEntry.__tablename__}.{VECTOR_COLUMN}")


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


def _matching(db: Session, terms: Terms):
    """A select of matching entries' columns with ``rank`` (larger is better), and its ordering."""
    entry = SearchEntry.__table__
    if is_sqlite(db):
        # bm25 is smaller for better matches.
        rank = (-func.bm25(_FTS)).label("score")
        stmt = (
            sa_select(
                entry.c.id, entry.c.kind, entry.c.object_id, entry.c.title, entry.c.workshop_id, entry.c.status, rank
            )
            .select_from(_fts)
            .join(entry, entry.c.id == _fts.c.rowid)
            .where(_FTS.op("MATCH")(bindparam("fts_query", _fts5_query(terms))))
        )
        return stmt, rank
    query = cast(bindparam("ts_query", _tsquery(terms)), postgresql.TSQUERY)
    rank = cast(func.ts_rank(_VECTOR, query), Float).label("score")
    stmt = sa_select(
        entry.c.id, entry.c.kind, entry.c.object_id, entry.c.title, entry.c.workshop_id, entry.c.status, rank
    ).where(_VECTOR.op("@@")(query))
    return stmt, rank


def _scope(*, public_only: bool, member_id: int | None, kinds: Iterable[str]) -> list[ColumnElement[bool]]:
    entry = SearchEntry.__table__
    conditions = [entry.c.kind.in_([k for k in kinds if k in KINDS])]
    # Drafts are for signed-in members only (drafting.rules.can_read_document); the public, and
    # any caller that says public_only, gets resolutions alone.
    if public_only or member_id is None:
        conditions.append(entry.c.visibility == "public")
    return conditions


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
    limit, offset = max(1, min(int(limit), MAX_LIMIT)), max(0, int(offset))
    stmt, _ = _matching(db, terms)
    matches = stmt.where(*_scope(public_only=public_only, member_id=member_id, kinds=kinds)).subquery("matches")
    # The total rides along with the page (a window over all matches), so one query does both;
    # only a page past the end needs a second query to count. The window sits outside the
    # match: FTS5 refuses bm25 in a query that has one.
    paged = (
        sa_select(matches, func.count().over().label("total"))
        .order_by(matches.c.score.desc(), matches.c.id)
        .limit(limit)
        .offset(offset)
    )
    rows = db.execute(paged).all()
    if rows:
        total = rows[0].total
    else:
        total = db.execute(sa_select(func.count()).select_from(matches)).scalar_one() if offset else 0
    originals = _originals(db, rows)
    hits = []
    for row in rows:
        body, number = originals.get((row.kind, row.object_id), ("", None))
        hits.append(
            Hit(
                kind=row.kind,
                object_id=row.object_id,
                title=row.title,
                rank=float(row.score),
                snippet=highlight(body, terms, max_chars=SNIPPET_CHARS),
                number=number,
                workshop_id=row.workshop_id,
                status=row.status,
            )
        )
    return SearchPage(hits=hits, total=total, lemmas=tuple(dict.fromkeys(lemma for term in terms for lemma in term)))


def _originals(db: Session, rows) -> dict[tuple[str, int], tuple[str, str | None]]:
    """The original text of each hit on the page, for its snippet: two queries at most."""
    out: dict[tuple[str, int], tuple[str, str | None]] = {}
    resolution_ids = [row.object_id for row in rows if row.kind == "resolution"]
    document_ids = [row.object_id for row in rows if row.kind == "document"]
    if resolution_ids:
        for rid, body, number in db.execute(
            select(Resolution.id, Resolution.text, Resolution.number).where(Resolution.id.in_(resolution_ids))
        ):
            out[("resolution", rid)] = (body, number)
    if document_ids:
        # The head revision: the text as it is now, never an older one.
        for did, body in db.execute(
            select(Revision.document_id, Revision.body)
            .join(Document, and_(Document.id == Revision.document_id, Document.head_number == Revision.number))
            .where(Document.id.in_(document_ids))
        ):
            out[("document", did)] = (body, None)
    return out


def resolution_ids_matching(db: Session, query: str) -> list[int]:
    """The ids of the resolutions matching ``query``, best first, for lists that add their own filters."""
    terms = query_terms(query or "")
    if not terms:
        return []
    stmt, rank = _matching(db, terms)
    entry = SearchEntry.__table__
    stmt = stmt.where(entry.c.kind == "resolution", entry.c.visibility == "public")
    return [row.object_id for row in db.execute(stmt.order_by(rank.desc(), entry.c.id))]
