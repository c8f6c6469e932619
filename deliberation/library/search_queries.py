"""Searching the library: the resolutions that match a query within the list's filters, a page
at a time, each with the passage that matched.

The index does the work (``deliberation.search``): it counts the matches without ranking them,
and for an order by relevance it ranks only the resolutions that pass the filters and cuts the
page itself, so the resolutions' rows and texts are read for the page alone. Other orders take
the matching resolutions as a filter beside the others. Either way a page costs two statements,
however many resolutions match.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session, col

from ..resolutions.models import Resolution
from ..search.queries import SNIPPET_CHARS, rank_resolutions, resolutions_matching
from ..text.lemmas import Highlighter, query_terms


def count_found(db: Session, q: str, *, where: Sequence[ColumnElement[bool]]) -> int:
    """How many resolutions that pass ``where`` match ``q``: the index's matches, counted unranked."""
    matching = resolutions_matching(db, q)
    if matching is None:
        return 0
    statement = select(func.count()).select_from(Resolution).where(*where, col(Resolution.id).in_(matching))
    return int(db.execute(statement).scalar_one())


def list_found(
    db: Session,
    q: str,
    *,
    columns: Sequence[Any],
    where: Sequence[ColumnElement[bool]],
    order_by: Sequence[Any] | None,
    limit: int,
    offset: int,
) -> list[tuple[tuple[Any, ...], Markup]]:
    """``columns`` of the resolutions that pass ``where`` and match ``q``, ``limit`` from
    ``offset``, best first (``order_by`` None) or in ``order_by``; each row with its snippet,
    highlighted as search highlights its own hits."""
    text = col(Resolution.text)
    if order_by is None:
        among = select(col(Resolution.id)).where(*where) if where else None
        ranked = rank_resolutions(db, q, among=among, limit=limit, offset=offset)
        if ranked is None:
            return []
        statement = (
            select(*columns, text)
            .join(ranked, ranked.c.resolution_id == col(Resolution.id))
            .order_by(ranked.c.score.desc(), ranked.c.entry_id)
        )
    else:
        matching = resolutions_matching(db, q)
        if matching is None:
            return []
        statement = (
            select(*columns, text)
            .where(*where, col(Resolution.id).in_(matching))
            .order_by(*order_by)
            .offset(offset)
            .limit(limit)
        )
    snippet = Highlighter(query_terms(q), max_chars=SNIPPET_CHARS)
    rows = db.execute(statement).all()
    return [(row[:-1], snippet(row[-1])) for row in rows]
