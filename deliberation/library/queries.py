"""Reading the public library: adopted resolutions only, in a fixed number of queries.

Everything here reads ``delib_resolution`` (frozen adopted texts) or, for a resolution's drafting
history, the revisions of its document up to the adopted one. Nothing returns a draft: a later
revision of the same document, or any document that never became a resolution, is out of reach.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from markupsafe import Markup
from sqlalchemy import String, and_, cast, func
from sqlmodel import Session, select

from ..drafting.models import DOCUMENT_KINDS, Revision
from ..forums.models import AgendaItem, Forum
from ..params import ID_MAX, number_or_none
from ..resolutions.models import Resolution
from ..search.queries import SNIPPET_CHARS, resolution_ids_matching
from ..taxonomy import SECTORS, THEMES
from ..text.lemmas import highlight, query_terms
from ..voting.models import Vote
from ..workshops.models import Workshop

PER_PAGE = 20
HISTORY_PER_PAGE = 100
FEED_LIMIT = 50
#: Sort orders of the list; "relevance" only means something with a search query.
SORTS = ("newest", "oldest", "number", "relevance")
_MAX_PAGE = 100_000


# --- the query string -----------------------------------------------------------------------------


def _positive(raw: str | None, *, upper: int = ID_MAX) -> int | None:
    # Lenient on purpose (a bad filter is dropped), but numbers are read the one way.
    return number_or_none((raw or "").strip(), minimum=1, maximum=upper)


@dataclass(frozen=True)
class LibraryQuery:
    """What a reader asked the library for. Parsed leniently: a bad value is dropped, never an error."""

    kind: str = ""
    forum_id: int | None = None
    workshop_id: int | None = None
    sector: str = ""
    theme: str = ""
    year: int | None = None
    q: str = ""
    sort: str = ""
    page: int = 1

    @classmethod
    def parse(cls, params: Mapping[str, str]) -> LibraryQuery:
        def choice(name: str, allowed) -> str:
            value = (params.get(name) or "").strip()
            return value if value in allowed else ""

        year = _positive(params.get("year"), upper=9999)
        sort = choice("sort", SORTS)
        q = " ".join((params.get("q") or "").split())[:200]
        return cls(
            kind=choice("kind", DOCUMENT_KINDS),
            forum_id=_positive(params.get("forum")),
            workshop_id=_positive(params.get("workshop")),
            sector=choice("sector", SECTORS),
            theme=choice("theme", THEMES),
            year=year if year and year >= 1900 else None,
            q=q,
            # Relevance without a query has no order of its own: the default applies.
            sort=sort if sort != "relevance" or q else "",
            page=_positive(params.get("page"), upper=_MAX_PAGE) or 1,
        )

    @property
    def order(self) -> str:
        """The sort in effect: the one asked for, else relevance for a search and newest otherwise."""
        return self.sort or ("relevance" if self.q else "newest")

    @property
    def filtered(self) -> bool:
        return bool(self.kind or self.forum_id or self.workshop_id or self.sector or self.theme or self.year or self.q)

    def params(self, **changes: Any) -> list[tuple[str, str]]:
        """The query string for this query (with ``changes``), leaving out what is the default."""
        query = replace(self, **changes)
        pairs = [
            ("q", query.q),
            ("kind", query.kind),
            ("forum", query.forum_id),
            ("workshop", query.workshop_id),
            ("sector", query.sector),
            ("theme", query.theme),
            ("year", query.year),
            ("sort", query.sort),
            ("page", query.page if query.page != 1 else None),
        ]
        return [(name, str(value)) for name, value in pairs if value]

    def feed_params(self) -> list[tuple[str, str]]:
        """The filters a feed follows: everything but the search, the order and the page."""
        return self.params(q="", sort="", page=1)


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
    Resolution.id,
    Resolution.number,
    Resolution.year,
    Resolution.title,
    Resolution.kind,
    Resolution.forum_id,
    Resolution.forum_title,
    Resolution.workshop_id,
    Resolution.adopted_at,
    Resolution.sectors,
    Resolution.themes,
)


def number_in_year(number: str) -> int:
    """ "2026/3" -> 3, for the resolution's address."""
    return int(number.rpartition("/")[2])


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
        conditions.append(Resolution.kind == query.kind)
    if query.forum_id:
        conditions.append(Resolution.forum_id == query.forum_id)
    if query.workshop_id:
        conditions.append(Resolution.workshop_id == query.workshop_id)
    if query.year:
        conditions.append(Resolution.year == query.year)
    if query.sector:
        conditions.append(_has_code(Resolution.sectors, query.sector))
    if query.theme:
        conditions.append(_has_code(Resolution.themes, query.theme))
    return conditions


def _ordering(order: str) -> tuple:
    if order == "oldest":
        return Resolution.adopted_at.asc(), Resolution.sequence.asc()
    if order == "number":
        # "2026/9" before "2026/10": within a year the shorter number is the smaller one.
        return Resolution.year.asc(), func.length(Resolution.number).asc(), Resolution.number.asc()
    return Resolution.adopted_at.desc(), Resolution.sequence.desc()


def _pages(total: int, per_page: int) -> int:
    return max(1, -(-total // per_page))


def list_library(db: Session, query: LibraryQuery, *, per_page: int = PER_PAGE) -> LibraryPage:
    """One page of the library for ``query``: filters combined, searched, sorted, paginated.

    The same handful of statements whatever the size of the library: with a search, the ranked ids
    come from ``deliberation.search`` and are intersected with the filters in one statement; the
    snippets of the page's resolutions come from one more.
    """
    conditions = _conditions(query)
    snippets: dict[int, Markup] = {}
    if query.q:
        ranked = _ranked_ids(db, query.q)
        conditions.append(Resolution.id.in_(ranked) if ranked else Resolution.id.is_(None))
    if query.q and query.order == "relevance":
        matching = set(db.exec(select(Resolution.id).where(*conditions)).all())
        ordered = [rid for rid in ranked if rid in matching]
        total = len(ordered)
        pages = _pages(total, per_page)
        page = min(query.page, pages)
        page_ids = ordered[(page - 1) * per_page : page * per_page]
        rows = db.exec(select(*_ITEM_COLUMNS).where(Resolution.id.in_(page_ids))).all() if page_ids else []
        position = {rid: i for i, rid in enumerate(page_ids)}
        rows = sorted(rows, key=lambda row: position[row[0]])
    else:
        total = db.exec(select(func.count()).select_from(Resolution).where(*conditions)).one()
        pages = _pages(total, per_page)
        page = min(query.page, pages)
        rows = db.exec(
            select(*_ITEM_COLUMNS)
            .where(*conditions)
            .order_by(*_ordering(query.order))
            .offset((page - 1) * per_page)
            .limit(per_page)
        ).all()
    if query.q and rows:
        snippets = _snippets(db, query.q, ids=[row[0] for row in rows])
    return LibraryPage(
        query=replace(query, page=page),
        items=[_item(row, snippets.get(row[0])) for row in rows],
        total=total,
        page=page,
        pages=pages,
        facets=list_facets(db),
        per_page=per_page,
    )


def _ranked_ids(db: Session, q: str) -> list[int]:
    return list(resolution_ids_matching(db, q))


def _snippets(db: Session, q: str, *, ids: list[int]) -> dict[int, Markup]:
    """The passage of each listed resolution that matches ``q``, with the matching words marked.

    Highlighted as search highlights its own hits (the same lemmas, the same window), from one
    query for the listed texts: asking search for the hits would mean fetching every hit down to
    the deepest listed one, which filters can push far down the ranking.
    """
    terms = query_terms(q)
    texts = db.exec(select(Resolution.id, Resolution.text).where(Resolution.id.in_(ids))).all()
    return {rid: highlight(text, terms, max_chars=SNIPPET_CHARS) for rid, text in texts}


def list_facets(db: Session) -> Facets:
    """The forums and workshops that adopted something, and the years with resolutions."""
    forums = db.exec(
        select(Forum.id, Forum.title)
        .where(Forum.id.in_(select(Resolution.forum_id)))
        .order_by(Forum.starts_on.desc(), Forum.id.desc())
    ).all()
    workshops = db.exec(
        select(Workshop.id, Workshop.title)
        .where(Workshop.id.in_(select(Resolution.workshop_id)))
        .order_by(Workshop.title, Workshop.id)
    ).all()
    years = db.exec(select(Resolution.year).distinct().order_by(Resolution.year.desc())).all()
    return Facets(forums=[(i, t) for i, t in forums], workshops=[(i, t) for i, t in workshops], years=list(years))


def list_feed_resolutions(db: Session, query: LibraryQuery, *, limit: int = FEED_LIMIT) -> list[Resolution]:
    """The newest resolutions that pass the query's filters (its search, order and page aside)."""
    return list(
        db.exec(
            select(Resolution)
            .where(*_conditions(query))
            .order_by(Resolution.adopted_at.desc(), Resolution.sequence.desc())
            .limit(limit)
        ).all()
    )


# --- one resolution -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResolutionRecord:
    """Everything a resolution's page shows, read in one statement and kept: none of it changes.

    A snapshot rather than the ORM row, so it can be shared between requests and threads.
    """

    id: int
    sequence: int
    number: str
    year: int
    n: int
    title: str
    kind: str
    text: str
    document_id: int
    revision_number: int
    workshop_id: int
    workshop_title: str
    forum_id: int
    forum_title: str
    vote_id: int
    adopted_at: datetime
    sectors: tuple[str, ...]
    themes: tuple[str, ...]
    rule: dict
    tally: dict
    contributors: tuple[dict, ...]
    hash: str
    previous_hash: str | None
    #: The adopted revision's stable paragraph ids, so ``#p-…`` links match the document's.
    paragraph_ids: tuple[str, ...] = field(default=())


def get_resolution_record(db: Session, *, year: int, n: int) -> ResolutionRecord | None:
    row = db.exec(
        select(Resolution, Revision.paragraph_ids)
        .join(
            Revision,
            and_(Revision.document_id == Resolution.document_id, Revision.number == Resolution.revision_number),
            isouter=True,
        )
        .where(Resolution.number == f"{year}/{n}")
    ).first()
    if row is None:
        return None
    # Only what was frozen at adoption: the page is cached as immutable, so a workshop renamed
    # since must not show (see migration 0007).
    r, paragraph_ids = row
    workshop_title = r.workshop_title
    return ResolutionRecord(
        id=r.id,
        sequence=r.sequence,
        number=r.number,
        year=r.year,
        n=number_in_year(r.number),
        title=r.title,
        kind=r.kind,
        text=r.text,
        document_id=r.document_id,
        revision_number=r.revision_number,
        workshop_id=r.workshop_id,
        workshop_title=workshop_title or "",
        forum_id=r.forum_id,
        forum_title=r.forum_title,
        vote_id=r.vote_id,
        adopted_at=r.adopted_at,
        sectors=tuple(r.sectors or ()),
        themes=tuple(r.themes or ()),
        rule=dict(r.rule),
        tally=dict(r.tally),
        contributors=tuple(dict(c) for c in r.contributors or ()),
        hash=r.hash,
        previous_hash=r.previous_hash,
        paragraph_ids=tuple(paragraph_ids or ()),
    )


@dataclass(frozen=True)
class HistoryRow:
    number: int
    created_at: datetime
    author_name: str
    summary: str
    origin: str
    source_number: int | None


@dataclass(frozen=True)
class AdoptedHistory:
    rows: list[HistoryRow]
    page: int
    pages: int
    total: int


def list_adopted_history(
    db: Session, *, record: ResolutionRecord, page: int = 1, per_page: int = HISTORY_PER_PAGE
) -> AdoptedHistory:
    """The document's revisions up to the adopted one, newest first, without their texts.

    Authors are named as the resolution froze them: every author of these revisions is one of its
    contributors, so no account is read and a later change of name does not rewrite the record.
    """
    up_to = (Revision.document_id == record.document_id, Revision.number <= record.revision_number)
    total = db.exec(select(func.count()).select_from(Revision).where(*up_to)).one()
    pages = _pages(total, per_page)
    page = min(max(1, page), pages)
    rows = db.exec(
        select(
            Revision.number,
            Revision.created_at,
            Revision.author_id,
            Revision.summary,
            Revision.origin,
            Revision.source_number,
        )
        .where(*up_to)
        .order_by(Revision.number.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    names = {c.get("id"): c.get("name", "") for c in record.contributors}
    return AdoptedHistory(
        rows=[
            HistoryRow(
                number=number,
                created_at=created_at,
                author_name=names.get(author_id, ""),
                summary=summary,
                origin=origin,
                source_number=source_number,
            )
            for number, created_at, author_id, summary, origin, source_number in rows
        ],
        page=page,
        pages=pages,
        total=total,
    )


def get_adopted_revisions(db: Session, *, record: ResolutionRecord, numbers: list[int]) -> dict[int, Revision]:
    """Revisions of the resolution's document by number, only those up to the adopted one."""
    allowed = sorted({n for n in numbers if 1 <= n <= record.revision_number})
    if not allowed:
        return {}
    rows = db.exec(
        select(Revision).where(Revision.document_id == record.document_id, Revision.number.in_(allowed))
    ).all()
    return {r.number: r for r in rows}


# --- around the library: forums, workshops, the sitemap -------------------------------------------


def list_forum_resolutions(db: Session, *, forum_id: int) -> list[LibraryItem]:
    """What a forum adopted, in the order it did."""
    rows = db.exec(
        select(*_ITEM_COLUMNS)
        .where(Resolution.forum_id == forum_id)
        .order_by(Resolution.adopted_at.asc(), Resolution.sequence.asc())
    ).all()
    return [_item(row) for row in rows]


def list_workshop_resolutions(db: Session, *, workshop_id: int) -> list[LibraryItem]:
    """What a workshop drafted and a forum adopted, newest first."""
    rows = db.exec(
        select(*_ITEM_COLUMNS).where(Resolution.workshop_id == workshop_id).order_by(*_ordering("newest"))
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
        select(AgendaItem.id, AgendaItem.title, Vote)
        .join(Vote, Vote.agenda_item_id == AgendaItem.id)
        .where(
            AgendaItem.forum_id == forum_id,
            AgendaItem.outcome == "rejected",
            Vote.subject == "final",
            Vote.status == "closed",
        )
        .order_by(Vote.closed_at.desc(), Vote.id.desc())
    ).all()
    seen: set[int] = set()
    rejected = []
    for item_id, title, vote in rows:
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
        select(Resolution.year, Resolution.number, Resolution.adopted_at).order_by(Resolution.sequence)
    ).all()
    return SitemapEntries(
        resolutions=[(year, number_in_year(number), adopted_at) for year, number, adopted_at in resolutions],
        forum_ids=list(db.exec(select(Forum.id).order_by(Forum.id)).all()),
        workshop_ids=list(db.exec(select(Workshop.id).order_by(Workshop.id)).all()),
    )
