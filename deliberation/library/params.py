"""What a reader asked the library for, read from the query string, and how pages are counted.

Lenient on purpose: a bad value is dropped, never an error, so an old or hand-edited link still
shows a list.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from ..drafting.models import DocumentKind
from ..params import ID_MAX, number_or_none
from ..taxonomy import SECTORS, THEMES

#: Sort orders of the list; "relevance" only means something with a search query.
SORTS = ("newest", "oldest", "number", "relevance")
_MAX_PAGE = 100_000


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
            kind=choice("kind", tuple(DocumentKind)),
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


def page_count(total: int, per_page: int) -> int:
    """How many pages ``total`` rows fill, at least one (an empty list is one empty page)."""
    return max(1, -(-total // per_page))
