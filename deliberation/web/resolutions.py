"""The public library: the list with its filters and search, each resolution with its vote record,
hash, structured data and drafting history.

A resolution never changes, so its page is cached. For someone not signed in the page is the same
for everyone (no session, no CSRF token, no flash in it), so it is rendered once per process and
language and served with a strong ETag as ``public, immutable``; the second anonymous request for
it runs no SQL at all. Signed-in members get the page rendered for them, ``private, no-cache``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ..drafting.models import DocumentKind
from ..drafting.words import revision_words
from ..errors import NotFound
from ..i18n import N_, get_locale, gettext
from ..library import queries, record_queries
from ..library.describe import first_sentence, legislation
from ..resolutions.wording import rule_in_words
from ..search.queries import search
from ..settings import LOCALES
from ..text.paragraphs import Paragraph, number_points, split_units
from ..text.units import RenderedUnit, render_units
from ..voting.models import Choice, VoteMode
from . import params
from .caching import IMMUTABLE, cache_of, etag_matches, immutable_response, strong_etag
from .compare import render_compare
from .context import Ctx, endpoint
from .home import safe_next, set_language_cookie
from .sessions import Session as CookieSession

PRIVATE_CACHE_CONTROL = "private, no-cache"
RECORDS_CACHED = 1024
PAGES_CACHED = 2048


DRAFT_HITS = 10


def routes() -> list[Route]:
    return [
        Route("/library", library, name="library"),
        Route("/library/language", library_language, name="library_language"),
        Route("/resolutions", resolution_list, name="resolutions"),
        Route("/resolutions/{year:id}/{n:id}", resolution_page, name="resolution"),
        Route("/resolutions/{year:id}/{n:id}.jsonld", resolution_jsonld, name="resolution_jsonld"),
        Route("/resolutions/{year:id}/{n:id}/history", resolution_history, name="resolution_history"),
        Route("/resolutions/{year:id}/{n:id}/compare", resolution_compare, name="resolution_compare"),
    ]


# --- the list -------------------------------------------------------------------------------------


@endpoint
def library(ctx: Ctx) -> Response:
    query = queries.LibraryQuery.parse(ctx.request.query_params)
    page = queries.list_library(ctx.db, query)
    base = ctx.url("library")
    context = {
        "library": page,
        "query": page.query,
        "base_url": base,
        "pager": [(n, _href(base, page.query.params(page=n)) if n else "") for n in page.page_numbers()],
        "previous_href": _href(base, page.query.params(page=page.page - 1)) if page.page > 1 else "",
        "next_href": _href(base, page.query.params(page=page.page + 1)) if page.page < page.pages else "",
        "feed_url": _href(ctx.url("feed_resolutions"), page.query.feed_params()),
        "sorts": _sort_options(page.query),
        # Signed-in members also find the drafts they may read (every member reads drafts).
        "drafts": (
            search(
                ctx.db, page.query.q, public_only=False, member_id=ctx.actor.id, kinds=("document",), limit=DRAFT_HITS
            )
            if ctx.actor is not None and page.query.q
            else None
        ),
    }
    # A history restore asks with HX-Request too, but wants the whole page back.
    partial = ctx.is_htmx and ctx.request.headers.get("hx-history-restore-request") != "true"
    response = ctx.render(
        "resolutions/_results.html" if partial else "resolutions/list.html", context | {"oob_status": partial}
    )
    response.headers["Vary"] = "HX-Request, Cookie"
    if ctx.actor is not None:
        response.headers["Cache-Control"] = "private, no-cache"
    return response


def _href(base: str, params: list[tuple[str, str]]) -> str:
    return base + (f"?{urlencode(params)}" if params else "")


def _sort_options(query: queries.LibraryQuery) -> list[tuple[str, str]]:
    options = [
        ("newest", gettext("Newest first")),
        ("oldest", gettext("Oldest first")),
        ("number", gettext("By number")),
    ]
    if query.q:
        options.insert(0, ("relevance", gettext("Most relevant first")))
    return options


@endpoint
def resolution_list(ctx: Ctx) -> Response:
    # The library grew out of this list; old links land on it, with their filters.
    query = ctx.request.url.query
    return RedirectResponse(ctx.url("library") + (f"?{query}" if query else ""), status_code=301)


@endpoint
def library_language(ctx: Ctx) -> Response:
    """The language switch of pages shown the same to everyone, which carry no CSRF token.

    Choosing a language only sets the visitor's language cookie (never their profile), so it is
    harmless as a GET and needs no token; members switch with the form that does both.
    """
    target = safe_next(ctx, ctx.request.query_params.get("next", "")) or ctx.url("library")
    response = RedirectResponse(target, status_code=303)
    locale = ctx.request.query_params.get("lang", "")
    if locale in LOCALES:
        set_language_cookie(ctx, response, locale)
    return response


# --- one resolution -------------------------------------------------------------------------------


def _record(ctx: Ctx) -> record_queries.ResolutionRecord:
    params = ctx.request.path_params
    year, n = params["year"], params["n"]
    records = cache_of(ctx.app_state, "resolution records", size=RECORDS_CACHED)
    record = records.get_or_compute((year, n), lambda: record_queries.get_resolution_record(ctx.db, year=year, n=n))
    if record is None:
        raise NotFound("resolution_not_found", N_("There is no resolution with this number."))
    return record


@lru_cache(maxsize=256)
def _render(text: str, paragraph_ids: tuple[str, ...]) -> tuple[RenderedUnit, ...]:
    # A resolution never changes, so its rendered text is computed once per process.
    units = split_units(text)
    if len(paragraph_ids) != len(units):  # never for a stored resolution; numbered ids otherwise
        paragraph_ids = tuple(str(i) for i in range(1, len(units) + 1))
    paragraphs = [Paragraph(pid, unit) for pid, unit in zip(paragraph_ids, units, strict=True)]
    return tuple(render_units(paragraphs, point_labels=number_points(paragraphs)))


def tally_rows(tally: dict[str, Any]) -> list[tuple[str, int]]:
    return [
        (Choice.FOR.total_label, tally[Choice.FOR]),
        (Choice.AGAINST.total_label, tally[Choice.AGAINST]),
        (Choice.ABSTAIN.total_label, tally[Choice.ABSTAIN]),
        (gettext("Registered delegates"), tally["registered"]),
        (gettext("Delegates present or represented"), tally["present"]),
        (gettext("Delegates who voted"), tally["participants"]),
    ]


def _page_context(ctx: Ctx, record: record_queries.ResolutionRecord) -> dict:
    tally = record.tally
    kind = DocumentKind(record.kind).label
    url = _canonical(ctx, record)
    return {
        "resolution": record,
        "kind": kind,
        "units": _render(record.text, record.paragraph_ids),
        "rule_words": rule_in_words(record.rule),
        "tally_rows": tally_rows(tally),
        "quorum_reached": tally["quorum_reached"],
        "counting": VoteMode.HAND.label if tally["hand_counted"] else gettext("Counted electronically"),
        "contributors": record.contributors,
        "canonical_url": url,
        "description": first_sentence(record.text),
        "jsonld_url": ctx.url("resolution_jsonld", year=record.year, n=record.n),
    }


def _legislation(ctx: Ctx, record: record_queries.ResolutionRecord) -> dict:
    return legislation(
        record,
        url=_canonical(ctx, record),
        forum_url=ctx.absolute(ctx.url("forum", forum_id=record.forum_id)),
        kind_label=DocumentKind(record.kind).label,
    )


@endpoint
def resolution_jsonld(ctx: Ctx) -> Response:
    """schema.org Legislation for the resolution, linked from its page: the CSP allows no inline
    script element, data included, so the structured data is a document of its own."""
    body = json.dumps(_legislation(ctx, _record(ctx)), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return immutable_response(ctx.request, body, media_type="application/ld+json")


def _canonical(ctx: Ctx, record: record_queries.ResolutionRecord) -> str:
    return ctx.absolute(ctx.url("resolution", year=record.year, n=record.n))


@dataclass(frozen=True)
class _PublicCopy:
    body: bytes | memoryview
    etag: str


@endpoint
def resolution_page(ctx: Ctx) -> Response:
    # A signed-in reader's page, or an anonymous one's first rendering (None when the copy is cached).
    response: Response | None
    if ctx.actor is not None:
        response = ctx.render("resolutions/page.html", _page_context(ctx, _record(ctx)) | {"public_copy": False})
        response.headers["Cache-Control"] = PRIVATE_CACHE_CONTROL
        return response
    params = ctx.request.path_params
    # The page's own address (origin and mount path included) and the language are all that can
    # differ between two anonymous copies of one resolution.
    key = (
        params["year"],
        params["n"],
        get_locale(),
        ctx.absolute(ctx.url("resolution", year=params["year"], n=params["n"])),
    )
    copies = cache_of(ctx.app_state, "public resolution pages", size=PAGES_CACHED)
    copy = copies.get(key)
    response = None
    if copy is None:
        record = _record(ctx)
        response = ctx.app_state.templates.TemplateResponse(
            ctx.request,
            "resolutions/page.html",
            _public_context(ctx) | _page_context(ctx, record) | {"public_copy": True},
        )
        copy = copies.get_or_compute(key, lambda: _PublicCopy(body=response.body, etag=strong_etag(response.body)))
    headers = {
        "ETag": copy.etag,
        "Cache-Control": IMMUTABLE,
        # The language cookie and signing in change what this address shows.
        "Vary": "Cookie",
    }
    if etag_matches(ctx.request.headers.get("if-none-match"), copy.etag):
        return Response(status_code=304, headers=headers)
    if response is None or response.body != copy.body:
        return Response(copy.body, media_type="text/html", headers=headers)
    # The first rendering goes out as itself, so tests (and debuggers) see its template and context.
    response.headers.update(headers)
    return response


def _public_context(ctx: Ctx) -> dict:
    """The base context of a page shown the same to every anonymous visitor.

    Built on a throwaway session, so rendering neither creates a CSRF token nor takes a flash
    message from the visitor's session: the page carries nothing of theirs, and sets no cookie.
    """
    scope = {**ctx.request.scope, "delib_session": CookieSession()}
    shadow = Ctx(request=Request(scope, ctx.request.receive), db=ctx.db, app_state=ctx.app_state)
    path = ctx.request.url.path
    return ctx.app_state.base_context(shadow) | {
        "request": ctx.request,
        "csrf_token": "",
        "flashes": [],
        "current_path": path,
        "current_url": path,
    }


# --- the drafting history, up to the adopted text -------------------------------------------------


@endpoint
def resolution_history(ctx: Ctx) -> Response:
    record = _record(ctx)
    history = record_queries.list_adopted_history(
        ctx.db, record=record, page=params.page(ctx.request.query_params.get("page"))
    )
    return ctx.render(
        "resolutions/history.html",
        {
            "resolution": record,
            "kind": DocumentKind(record.kind).label,
            "history": history,
            # The same words as the document's own history (drafting/words.py), never «(7): «#1»».
            "words": {
                row.number: revision_words(
                    origin=row.origin,
                    source_number=row.source_number,
                    amendment_number=row.amendment_number,
                    amendment_author=row.author_name if row.amendment_number is not None else None,
                    vote_number=row.vote_number,
                )
                for row in history.rows
            },
            "default_from": max(1, record.revision_number - 1),
            "default_to": record.revision_number,
        },
    )


@endpoint
def resolution_compare(ctx: Ctx) -> Response:
    record = _record(ctx)
    adopted = record.revision_number
    old_number = params.number_or_default(ctx.request.query_params.get("from"), minimum=0, default=max(1, adopted - 1))
    new_number = params.number_or_default(ctx.request.query_params.get("to"), minimum=0, default=adopted)
    # Public and linked from anywhere: nonsense falls back to the adopted version and the one before it.
    # Only versions up to the adopted one: anything later would be a draft.
    revisions = record_queries.get_adopted_revisions(ctx.db, record=record, numbers=[old_number, new_number])
    if old_number not in revisions or new_number not in revisions:
        raise NotFound("revision_not_found", N_("There is no such version in this resolution's drafting history."))
    return render_compare(
        ctx,
        "resolutions/compare.html",
        {"resolution": record, "kind": DocumentKind(record.kind).label},
        old=revisions[old_number],
        new=revisions[new_number],
        newest=adopted,
    )


def _translated(msgid: str) -> str:
    """A label marked with N_ elsewhere; a variable, so extraction takes no dictionary key for a msgid."""
    return gettext(msgid)
