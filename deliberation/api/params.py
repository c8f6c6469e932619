"""Reading the query string of API requests, exactly as the OpenAPI document describes it.

The bounds and choices here are the ones ``openapi.py`` publishes, so a request the document calls
valid is accepted and any other is refused with a 400 that names the parameter.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..drafting.models import DocumentKind
from ..errors import DomainError
from ..i18n import N_
from ..params import ID_MAX, BadValue, choice, number
from ..taxonomy import SECTORS, THEMES
from ..validation import clean_text
from .cursor import decode_cursor

LIMIT_DEFAULT = 20
LIMIT_MAX = 100
YEAR_MIN = 1
YEAR_MAX = 9999
Q_MAX_LENGTH = 200

RESOLUTION_LIST_PARAMS = ("kind", "forum", "workshop", "sector", "theme", "year", "q", "limit", "cursor")


@dataclass(frozen=True)
class ResolutionFilters:
    """What the list of resolutions is narrowed to; every given filter must hold."""

    kind: str | None = None
    forum_id: int | None = None
    workshop_id: int | None = None
    sector: str | None = None
    theme: str | None = None
    year: int | None = None
    q: str | None = None


@dataclass(frozen=True)
class ResolutionListParams:
    filters: ResolutionFilters
    limit: int
    #: Only resolutions with a smaller ``sequence``; None for the first page.
    before_sequence: int | None


def _refuse_repeated(items: Iterable[tuple[str, str]], names: Iterable[str]) -> dict[str, str]:
    wanted = set(names)
    values: dict[str, str] = {}
    for name, value in items:
        if name not in wanted:
            continue  # unknown parameters are ignored, as most APIs do, so clients can add their own
        if name in values:
            raise DomainError(
                "repeated_parameter", N_("The parameter %(name)s is given more than once."), field=name, name=name
            )
        values[name] = value
    return values


def parse_integer(name: str, raw: str, *, minimum: int, maximum: int) -> int:
    # An empty value is as wrong as a bad one here: the parameter was given, so it must mean something.
    return number(raw if raw != "" else None, name=name, minimum=minimum, maximum=maximum)


def _choice(name: str, raw: str, choices: Iterable[str]) -> str:
    return choice(raw if raw != "" else None, choices, name=name)


def _search_text(raw: str) -> str | None:
    if len(raw) > Q_MAX_LENGTH:
        raise BadValue(
            "invalid_parameter",
            N_("The parameter %(name)s must be at most %(maximum)s characters long."),
            field="q",
            name="q",
            maximum=Q_MAX_LENGTH,
        )
    # Control characters (NUL among them, which PostgreSQL refuses in text) are never search terms.
    return clean_text(raw) or None


def parse_resolution_list(items: Iterable[tuple[str, str]], *, secret_key: str) -> ResolutionListParams:
    """The filters, page size and position of ``GET /resolutions`` from its query string pairs."""
    values = _refuse_repeated(items, RESOLUTION_LIST_PARAMS)
    filters = ResolutionFilters(
        kind=_choice("kind", values["kind"], DocumentKind) if "kind" in values else None,
        forum_id=parse_integer("forum", values["forum"], minimum=1, maximum=ID_MAX) if "forum" in values else None,
        workshop_id=(
            parse_integer("workshop", values["workshop"], minimum=1, maximum=ID_MAX) if "workshop" in values else None
        ),
        sector=_choice("sector", values["sector"], SECTORS) if "sector" in values else None,
        theme=_choice("theme", values["theme"], THEMES) if "theme" in values else None,
        year=parse_integer("year", values["year"], minimum=YEAR_MIN, maximum=YEAR_MAX) if "year" in values else None,
        q=_search_text(values["q"]) if "q" in values else None,
    )
    limit = (
        parse_integer("limit", values["limit"], minimum=1, maximum=LIMIT_MAX) if "limit" in values else LIMIT_DEFAULT
    )
    before = decode_cursor(values["cursor"], secret_key=secret_key) if "cursor" in values else None
    return ResolutionListParams(filters=filters, limit=limit, before_sequence=before)
