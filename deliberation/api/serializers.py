"""The API's responses as the models of ``shapes``, from rows the queries loaded. Pure: no database, no web.

Codes, never labels: kinds, sectors, themes and statuses are the stable codes the OpenAPI
document lists, so the same response serves readers of every language (and may be cached once).
A resolution's detail carries every member of the record its hash covers, exactly as covered,
so anyone can recompute the hash from the API alone (see ``deliberation.resolutions.record``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from ..forums.models import Forum
from ..resolutions.chain import record_of
from ..resolutions.models import Resolution
from ..resolutions.queries import ResolutionView
from ..resolutions.record import canonical_record
from ..text.paragraphs import Paragraph, number_points, split_units
from ..workshops.models import Workshop
from . import shapes
from .queries import ResolutionRef

#: The absolute address of a route by name and parameters: "resolution" (the public page),
#: "api:resolution" (this API), ...
UrlMaker = Callable[..., str]


def _year_n(number: str) -> tuple[int, int]:
    year, _, n = number.partition("/")
    return int(year), int(n)


def _time(moment: datetime) -> str:
    # The form the hash covers: UTC, to the second.
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def resolution_links(number: str, url: UrlMaker) -> dict[str, str]:
    year, n = _year_n(number)
    return {"url": url("resolution", year=year, n=n), "api_url": url("api:resolution", year=year, n=n)}


def _summary_fields(resolution: Resolution, url: UrlMaker) -> dict[str, Any]:
    year, n = _year_n(resolution.number)
    return {
        "number": resolution.number,
        "year": year,
        "n": n,
        "sequence": resolution.sequence,
        "title": resolution.title,
        "kind": resolution.kind,
        "adopted_at": _time(resolution.adopted_at),
        "forum": {"id": resolution.forum_id, "title": resolution.forum_title},
        "workshop_id": resolution.workshop_id,
        "sectors": list(resolution.sectors),
        "themes": list(resolution.themes),
        "hash": resolution.hash,
        "previous_hash": resolution.previous_hash,
        **resolution_links(resolution.number, url),
    }


def resolution_summary(resolution: Resolution, url: UrlMaker) -> shapes.ResolutionSummary:
    return shapes.ResolutionSummary(**_summary_fields(resolution, url))


@lru_cache(maxsize=256)
def _units(text: str, paragraph_ids: tuple[str, ...]) -> tuple[tuple[str, str | None, str], ...]:
    # A resolution never changes, so its paragraphs are worked out once per process.
    units = split_units(text)
    if len(paragraph_ids) != len(units):  # never for a stored resolution; the page numbers them too
        paragraph_ids = tuple(str(i) for i in range(1, len(units) + 1))
    items = [Paragraph(pid, unit) for pid, unit in zip(paragraph_ids, units, strict=True)]
    labels = number_points(items)
    return tuple((p.pid, labels.get(p.pid), p.text) for p in items)


def paragraphs(text: str, paragraph_ids: list[str]) -> list[shapes.Paragraph]:
    """The units of the text with their stable ids (``#p-…`` on the page) and point numbers."""
    return [shapes.Paragraph(id=pid, label=label, text=unit) for pid, label, unit in _units(text, tuple(paragraph_ids))]


def resolution_detail(view: ResolutionView, url: UrlMaker) -> shapes.Resolution:
    resolution = view.resolution
    covered = canonical_record(record_of(resolution))
    return shapes.Resolution(
        **_summary_fields(resolution, url),
        text=covered["text"],
        paragraphs=paragraphs(covered["text"], view.paragraph_ids),
        rule=covered["rule"],
        tally=covered["tally"],
        contributors=covered["contributors"],
        revision=covered["revision"],
    )


def resolution_ref(ref: ResolutionRef, url: UrlMaker) -> shapes.ResolutionRef:
    return shapes.ResolutionRef(number=ref.number, title=ref.title, **resolution_links(ref.number, url))


def _forum_fields(row: Forum, url: UrlMaker, *, resolution_count: int) -> dict[str, Any]:
    return {
        "id": row.id,
        "title": row.title,
        "theme": row.theme,
        "description": row.description,
        "status": row.status,
        "starts_on": row.starts_on,
        "ends_on": row.ends_on,
        "place": row.place,
        "is_online": row.is_online,
        "resolution_count": resolution_count,
        "url": url("forum", forum_id=row.id),
        "api_url": url("api:forum", forum_id=row.id),
    }


def forum_summary(row: Forum, url: UrlMaker, *, resolution_count: int) -> shapes.ForumSummary:
    return shapes.ForumSummary(**_forum_fields(row, url, resolution_count=resolution_count))


def forum(row: Forum, url: UrlMaker, *, resolutions: list[ResolutionRef]) -> shapes.Forum:
    return shapes.Forum(
        **_forum_fields(row, url, resolution_count=len(resolutions)),
        resolutions=[resolution_ref(ref, url) for ref in resolutions],
    )


def workshop(row: Workshop, url: UrlMaker, *, resolutions: list[ResolutionRef]) -> shapes.Workshop:
    assert row.id is not None  # a row the queries loaded is saved (and the model refuses None anyway)
    return shapes.Workshop(
        id=row.id,
        kind=row.kind,
        title=row.title,
        topic=row.topic,
        description=row.description,
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        place=row.place,
        is_online=row.is_online,
        resolution_count=len(resolutions),
        resolutions=[resolution_ref(ref, url) for ref in resolutions],
        url=url("workshop", workshop_id=row.id),
        api_url=url("api:workshop", workshop_id=row.id),
    )


def resolution_page(
    rows: list[Resolution],
    url: UrlMaker,
    *,
    next_cursor: str | None,
    chain_head: str | None,
    self_url: str,
    next_url: str | None,
) -> shapes.Page:
    return shapes.Page(
        items=[resolution_summary(row, url) for row in rows],
        next_cursor=next_cursor,
        chain_head=chain_head,
        # From a mapping: `self` is the field's name, which a constructor cannot take as a keyword.
        links=shapes.PageLinks.model_validate({"self": self_url, "next": next_url}),
    )
