"""What the API reads: resolutions page by page with the library's filters, forums and workshops
with their resolutions. Only public things: resolutions, forums, workshops; never a document.

Each function runs a fixed number of queries whatever the number of rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Text, cast
from sqlmodel import Session, col, func, select
from sqlmodel.sql.expression import SelectOfScalar

from ..resolutions.models import Resolution
from ..search.queries import resolutions_matching
from .params import ResolutionFilters


@dataclass(frozen=True)
class ResolutionRef:
    """Enough of a resolution to name it and link to it."""

    number: str
    title: str
    forum_id: int
    workshop_id: int


def _filtered(query: SelectOfScalar[Resolution], filters: ResolutionFilters) -> SelectOfScalar[Resolution]:
    if filters.kind is not None:
        query = query.where(Resolution.kind == filters.kind)
    if filters.forum_id is not None:
        query = query.where(Resolution.forum_id == filters.forum_id)
    if filters.workshop_id is not None:
        query = query.where(Resolution.workshop_id == filters.workshop_id)
    if filters.year is not None:
        query = query.where(Resolution.year == filters.year)
    # Tags are JSON arrays of codes; a code is a plain identifier, so looking for it with its
    # quotes in the array's text finds exactly that code, on SQLite and PostgreSQL alike.
    if filters.sector is not None:
        query = query.where(cast(Resolution.sectors, Text).contains(f'"{filters.sector}"', autoescape=True))
    if filters.theme is not None:
        query = query.where(cast(Resolution.themes, Text).contains(f'"{filters.theme}"', autoescape=True))
    return query


def list_resolution_page(
    db: Session, *, filters: ResolutionFilters, before_sequence: int | None, limit: int
) -> tuple[list[Resolution], bool]:
    """Up to ``limit`` resolutions, newest first (``sequence`` descending), and whether more follow.

    ``before_sequence`` continues after the last item of the previous page. The order is the
    chain's, so a page boundary stays put while new resolutions are adopted.
    """
    query = _filtered(select(Resolution), filters)
    if filters.q is not None:
        # Search decides what matches (every word, in any inflection); the order stays the chain's,
        # so that a cursor keeps its meaning from page to page. The index gives the matching ids as
        # a subquery, never as a list of every match.
        matching = resolutions_matching(db, filters.q)
        if matching is None:
            return [], False
        query = query.where(col(Resolution.id).in_(matching))
    if before_sequence is not None:
        query = query.where(Resolution.sequence < before_sequence)
    rows = list(db.exec(query.order_by(col(Resolution.sequence).desc()).limit(limit + 1)).all())
    return rows[:limit], len(rows) > limit


def count_resolutions_by_forum(db: Session) -> dict[int, int]:
    rows = db.exec(select(Resolution.forum_id, func.count()).group_by(col(Resolution.forum_id))).all()
    return {forum_id: n for forum_id, n in rows}


def list_resolution_refs(
    db: Session, *, forum_id: int | None = None, workshop_id: int | None = None
) -> list[ResolutionRef]:
    """Resolutions (newest first) of one forum, one workshop, or all of them."""
    query = select(Resolution.number, Resolution.title, Resolution.forum_id, Resolution.workshop_id)
    if forum_id is not None:
        query = query.where(Resolution.forum_id == forum_id)
    if workshop_id is not None:
        query = query.where(Resolution.workshop_id == workshop_id)
    rows = db.exec(query.order_by(col(Resolution.sequence).desc())).all()
    return [ResolutionRef(number=n, title=t, forum_id=f, workshop_id=w) for n, t, f, w in rows]
