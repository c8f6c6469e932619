"""Reading the public library: adopted resolutions only, in a fixed number of queries.

Everything here reads ``delib_resolution`` (frozen adopted texts), never a document: a draft is out
of reach. The list's query string is read in ``params``, a search within the list runs in
``search_queries``, and one resolution's record and history are read in ``record_queries``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime

from markupsafe import Markup
from sqlalchemy import String, cast, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from ..forums.models import AgendaItem, AgendaOutcome, Forum
from ..resolutions.models import Resolution
from ..voting.models import Vote, VoteStatus, VoteSubject
from ..workshops.models import Workshop
from . import search_queries
from .params import LibraryQuery, page_count
from .record_queries import number_in_year

PER_PAGE = 20
FEED_LIMIT = 50


# --- what the pages get ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LibraryItem:
    """One resolution in a list: what a card shows, without the text."""

    id: int
    number: str
    year: int
    n: int
    title: str
    kind: str
    forum_id: int
    forum_title: str
    workshop_id: int
    adopted_at: datetime
    sectors: tuple[str, ...]
    themes: tuple[str, ...]
    #: The passage that matched a search, with <mark> around the matching words.
    snippet: Markup | None = None


@dataclass(frozen=True)
class Facets:
    """The options the filters offer that depend on what was adopted."""

    forums: list[tuple[int, str]]
    workshops: list[tuple[int, str]]
    years: list[int]


@dataclass(frozen=True)
class LibraryPage:
    query: LibraryQuery
    items: list[LibraryItem]
    total: int
    page: int
    pages: int
    facets: Facets
    per_page: int = PER_PAGE

    @property
    def first_shown(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.items else 0

    @property
    def last_shown(self) -> int:
        return self.first_shown + len(self.items) - 1 if self.items else 0

    def page_numbers(self) -> list[int | None]:
        """The pages to link: the first, the last and two either side of this one; None for a gap."""
        wanted = {1, self.pages, *range(self.page - 2, self.page + 3)}
        shown: list[int | None] = []
        for number in sorted(n for n in wanted if 1 <= n <= self.pages):
            if shown and shown[-1] is not None and number - shown[-1] > 1:
                shown.append(None)
            shown.append(number)
        return shown


_ITEM_COLUMNS = (
    col(Resolution.id),
    col(Resolution.number),
    col(Resolution.year),
    col(Resolution.title),
    col(Resolution.kind),
    col(Resolution.forum_id),
    col(Resolution.forum_title),
    col(Resolution.workshop_id),
    col(Resolution.adopted_at),
    col(Resolution.sectors),
    col(Resolution.themes),
)


def _item(row, snippet: Markup | None = None) -> LibraryItem:
    (id_, number, year, title, kind, forum_id, forum_title, workshop_id, adopted_at, sectors, themes) = row
    return LibraryItem(
        id=id_,
        number=number,
        year=year,
        n=number_in_year(number),
        title=title,
        kind=kind,
        forum_id=forum_id,
        forum_title=forum_title,
        workshop_id=workshop_id,
        adopted_at=adopted_at,
        sectors=tuple(sectors or ()),
        themes=tuple(themes or ()),
        snippet=snippet,
    )


def _has_code(column, code: str):
    # Tags are JSON lists of known codes (validated on input, and the query only asks for codes
    # from taxonomy.py). The quoted code in the JSON text is the one portable test across SQLite's
    # and PostgreSQL's JSON types; autoescape keeps the "_" in youth_sport from matching any character.
    return cast(column, String).contains(json.dumps(code), autoescape=True)


def _conditions(query: LibraryQuery) -> list:
    conditions = []
    if query.kind:
        conditions.append(col(Resolution.kind) == query.kind)
    if query.forum_id:
        conditions.append(col(Resolution.forum_id) == query.forum_id)
    if query.workshop_id:
        conditions.append(col(Resolution.workshop_id) == query.workshop_id)
    if query.year:
        conditions.append(col(Resolution.year) == query.year)
    if query.sector:
        conditions.append(_has_code(col(Resolution.sectors), query.sector))
    if query.theme:
        conditions.append(_has_code(col(Resolution.themes), query.theme))
    return conditions


def _ordering(order: str) -> tuple:
    if order == "oldest":
        return col(Resolution.adopted_at).asc(), col(Resolution.sequence).asc()
    if order == "number":
        # "2026/9" before "2026/10": within a year the shorter number is the smaller one.
        return col(Resolution.year).asc(), func.length(col(Resolution.number)).asc(), col(Resolution.number).asc()
    return col(Resolution.adopted_at).desc(), col(Resolution.sequence).desc()


def list_library(db: Session, query: LibraryQuery, *, per_page: int = PER_PAGE) -> LibraryPage:
    """One page of the library for ``query``: filters combined, searched, sorted, paginated.

    The same handful of statements whatever the size of the library: the count, the page (with a
    search, ranked and cut by the index, each resolution with its snippet: ``search_queries``), and
    the facets.
    """
    conditions = _conditions(query)
    if query.q:
        total = search_queries.count_found(db, query.q, where=conditions)
    else:
        total = db.exec(select(func.count()).select_from(Resolution).where(*conditions)).one()
    pages = page_count(total, per_page)
    page = min(query.page, pages)
    offset = (page - 1) * per_page
    if query.q and total:
        order = None if query.order == "relevance" else _ordering(query.order)
        found = search_queries.list_found(
            db, query.q, columns=_ITEM_COLUMNS, where=conditions, order_by=order, limit=per_page, offset=offset
        )
        items = [_item(row, snippet) for row, snippet in found]
    elif query.q:
        items = []
    else:
        rows = db.execute(
            sa_select(*_ITEM_COLUMNS)
            .where(*conditions)
            .order_by(*_ordering(query.order))
            .offset(offset)
            .limit(per_page)
        ).all()
        items = [_item(row) for row in rows]
    return LibraryPage(
        query=replace(query, page=page),
        items=items,
        total=total,
        page=page,
        pages=pages,
        facets=list_facets(db),
        per_page=per_page,
    )


def list_facets(db: Session) -> Facets:
    """The forums and workshops that adopted something, and the years with resolutions."""
    forums = db.exec(
        select(col(Forum.id), col(Forum.title))
        .where(col(Forum.id).in_(select(col(Resolution.forum_id))))
        .order_by(col(Forum.starts_on).desc(), col(Forum.id).desc())
    ).all()
    workshops = db.exec(
        select(col(Workshop.id), col(Workshop.title))
        .where(col(Workshop.id).in_(select(col(Resolution.workshop_id))))
        .order_by(col(Workshop.title), col(Workshop.id))
    ).all()
    years = db.exec(select(col(Resolution.year)).distinct().order_by(col(Resolution.year).desc())).all()
    return Facets(
        forums=[(i, t) for i, t in forums if i is not None],
        workshops=[(i, t) for i, t in workshops if i is not None],
        years=list(years),
    )


def list_feed_resolutions(db: Session, query: LibraryQuery, *, limit: int = FEED_LIMIT) -> list[Resolution]:
    """The newest resolutions that pass the query's filters (its search, order and page aside)."""
    return list(
        db.exec(
            select(Resolution)
            .where(*_conditions(query))
            .order_by(col(Resolution.adopted_at).desc(), col(Resolution.sequence).desc())
            .limit(limit)
        ).all()
    )


# --- around the library: forums, workshops, the sitemap -------------------------------------------


def list_forum_resolutions(db: Session, *, forum_id: int) -> list[LibraryItem]:
    """What a forum adopted, in the order it did."""
    rows = db.execute(
        sa_select(*_ITEM_COLUMNS)
        .where(col(Resolution.forum_id) == forum_id)
        .order_by(col(Resolution.adopted_at).asc(), col(Resolution.sequence).asc())
    ).all()
    return [_item(row) for row in rows]


def list_workshop_resolutions(db: Session, *, workshop_id: int) -> list[LibraryItem]:
    """What a workshop drafted and a forum adopted, newest first."""
    rows = db.execute(
        sa_select(*_ITEM_COLUMNS).where(col(Resolution.workshop_id) == workshop_id).order_by(*_ordering("newest"))
    ).all()
    return [_item(row) for row in rows]


@dataclass(frozen=True)
class RejectedItem:
    """A text a forum voted on and did not adopt: its agenda item and the final vote's record."""

    item_id: int
    title: str
    vote: Vote


def list_forum_rejections(db: Session, *, forum_id: int) -> list[RejectedItem]:
    """Agenda items whose final vote did not adopt the text, each with that (latest) vote.

    Only the item's title and the vote: the text itself went back to its workshop as a draft.
    """
    rows = db.exec(
        select(col(AgendaItem.id), col(AgendaItem.title), Vote)
        .join(Vote, col(Vote.agenda_item_id) == col(AgendaItem.id))
        .where(
            col(AgendaItem.forum_id) == forum_id,
            col(AgendaItem.outcome) == AgendaOutcome.REJECTED,
            col(Vote.subject) == VoteSubject.FINAL,
            col(Vote.status) == VoteStatus.CLOSED,
        )
        .order_by(col(Vote.closed_at).desc(), col(Vote.id).desc())
    ).all()
    seen: set[int] = set()
    rejected = []
    for item_id, title, vote in rows:
        assert item_id is not None  # a stored row
        if item_id not in seen:
            seen.add(item_id)
            rejected.append(RejectedItem(item_id=item_id, title=title, vote=vote))
    return rejected


@dataclass(frozen=True)
class SitemapEntries:
    #: (year, n, adopted_at) of every resolution, in chain order.
    resolutions: list[tuple[int, int, datetime]]
    forum_ids: list[int]
    workshop_ids: list[int]


def list_sitemap_entries(db: Session) -> SitemapEntries:
    """The public pages worth indexing; documents are not among them (a draft never is)."""
    resolutions = db.exec(
        select(col(Resolution.year), col(Resolution.number), col(Resolution.adopted_at)).order_by(
            col(Resolution.sequence)
        )
    ).all()
    return SitemapEntries(
        resolutions=[(year, number_in_year(number), adopted_at) for year, number, adopted_at in resolutions],
        forum_ids=[i for i in db.exec(select(col(Forum.id)).order_by(col(Forum.id))).all() if i is not None],
        workshop_ids=[i for i in db.exec(select(col(Workshop.id)).order_by(col(Workshop.id))).all() if i is not None],
    )
