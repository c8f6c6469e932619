"""Exports of resolutions (Markdown, text, print, DOCX, JSON, Akoma Ntoso), comparative tables, DOCX import.

Every export lives at the resolution's permanent address plus a suffix and is public. A resolution
never changes, so each export is rendered once per app and process and answered with a strong
ETag and ``Cache-Control: immutable`` (``caching``); a second request for any export of the same
resolution does not touch the database at all.

Exports are documents in the network's language (the site's default locale), not in the reader's
interface language: the same address then gives the same bytes to everyone, which is what lets a
shared cache keep them, and the text itself is Ukrainian anyway. The print page is rendered
without the site's header for the same reason: nothing in it depends on who asks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from starlette.datastructures import UploadFile
from starlette.responses import Response
from starlette.routing import Route

from ..db import saved_id
from ..drafting import rules as drafting_rules
from ..errors import NotFound
from ..exports import akn, docx_out, json_out
from ..exports import text as text_out
from ..exports.docx_in import MAX_BYTES, check_import_document
from ..exports.queries import get_resolution_source
from ..exports.source import ResolutionSource
from ..exports.structure import units_of
from ..exports.table import ComparativeTable, comparative_table
from ..i18n import N_, gettext, reset_locale, set_locale
from ..text.paragraphs import Paragraph, number_points, split_units
from ..text.units import render_units
from . import loaders
from .caching import cache_of, immutable_response
from .context import Ctx, endpoint
from .form_page import form_page

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def routes() -> list[Route]:
    return [
        Route("/resolutions/{year:id}/{n:id}.md", resolution_md, name="resolution_md"),
        Route("/resolutions/{year:id}/{n:id}.txt", resolution_txt, name="resolution_txt"),
        Route("/resolutions/{year:id}/{n:id}.docx", resolution_docx, name="resolution_docx"),
        Route("/resolutions/{year:id}/{n:id}.json", resolution_json, name="resolution_json"),
        Route("/resolutions/{year:id}/{n:id}.akn.xml", resolution_akn, name="resolution_akn"),
        Route("/resolutions/{year:id}/{n:id}/print", resolution_print, name="resolution_print"),
        Route("/resolutions/{year:id}/{n:id}/table", resolution_table, name="resolution_table"),
        Route("/resolutions/{year:id}/{n:id}/table.docx", resolution_table_docx, name="resolution_table_docx"),
        Route("/documents/{document_id:id}/compare/table", document_table, name="document_compare_table"),
        Route(
            "/documents/{document_id:id}/compare/table.docx", document_table_docx, name="document_compare_table_docx"
        ),
        Route(
            "/workshops/{workshop_id:id}/documents/import",
            document_import,
            methods=["GET", "POST"],
            name="document_import",
        ),
    ]


# --- Exports of a resolution ----------------------------------------------------------------------


@dataclass(frozen=True)
class Rendered:
    body: bytes
    media_type: str
    filename: str
    disposition: str = "inline"


@contextmanager
def _network_language(ctx: Ctx) -> Iterator[None]:
    token = set_locale(ctx.settings.default_locale)
    try:
        yield
    finally:
        reset_locale(token)


def _source(ctx: Ctx) -> ResolutionSource:
    params = ctx.request.path_params
    year, n = params["year"], params["n"]
    # Absence is never cached: the number may be given to a resolution adopted later.
    source = cache_of(ctx.app_state, "resolution-sources").get_or_compute(
        (year, n), lambda: get_resolution_source(ctx.db, year=year, n=n)
    )
    if source is None:
        raise NotFound("resolution_not_found", N_("There is no resolution with this number."))
    return source


def _export(ctx: Ctx, fmt: str, render: Callable[[Ctx, ResolutionSource], Rendered]) -> Response:
    params = ctx.request.path_params
    cache = cache_of(ctx.app_state, "resolution-exports")
    rendered = cache.get((params["year"], params["n"], fmt))
    if rendered is None:
        source = _source(ctx)

        def compute() -> Rendered:
            with _network_language(ctx):
                return render(ctx, source)

        rendered = cache.get_or_compute((params["year"], params["n"], fmt), compute)
    return immutable_response(
        ctx.request,
        rendered.body,
        media_type=rendered.media_type,
        headers={"Content-Disposition": f'{rendered.disposition}; filename="{rendered.filename}"'},
    )


def _links(ctx: Ctx, source: ResolutionSource) -> dict[str, str]:
    numbers = {"year": source.year, "n": source.n}
    return {
        "html": ctx.url("resolution", **numbers),
        "md": ctx.url("resolution_md", **numbers),
        "txt": ctx.url("resolution_txt", **numbers),
        "docx": ctx.url("resolution_docx", **numbers),
        "json": ctx.url("resolution_json", **numbers),
        "akn": ctx.url("resolution_akn", **numbers),
        "print": ctx.url("resolution_print", **numbers),
        "table": ctx.url("resolution_table", **numbers),
    }


@endpoint
def resolution_md(ctx: Ctx) -> Response:
    return _export(
        ctx,
        "md",
        lambda ctx, s: Rendered(
            text_out.resolution_markdown(s).encode(), "text/markdown; charset=utf-8; variant=CommonMark", f"{s.stem}.md"
        ),
    )


@endpoint
def resolution_txt(ctx: Ctx) -> Response:
    return _export(
        ctx,
        "txt",
        lambda ctx, s: Rendered(text_out.resolution_text(s).encode(), "text/plain; charset=utf-8", f"{s.stem}.txt"),
    )


@endpoint
def resolution_docx(ctx: Ctx) -> Response:
    return _export(
        ctx, "docx", lambda ctx, s: Rendered(docx_out.resolution_docx(s), DOCX, f"{s.stem}.docx", "attachment")
    )


@endpoint
def resolution_json(ctx: Ctx) -> Response:
    return _export(
        ctx,
        "json",
        lambda ctx, s: Rendered(
            json_out.resolution_json(s, links=_links(ctx, s)), "application/json", f"{s.stem}.json"
        ),
    )


@endpoint
def resolution_akn(ctx: Ctx) -> Response:
    # application/akn+xml is the media type OASIS LegalDocML registered for Akoma Ntoso.
    return _export(
        ctx,
        "akn",
        lambda ctx, s: Rendered(
            akn.resolution_akn(s, page=ctx.url("resolution", year=s.year, n=s.n)),
            "application/akn+xml",
            f"{s.stem}.akn.xml",
        ),
    )


@endpoint
def resolution_print(ctx: Ctx) -> Response:
    return _export(ctx, "print", _print_page)


def _print_page(ctx: Ctx, source: ResolutionSource) -> Rendered:
    ids = [unit.pid for unit in source.units]
    paragraphs = [Paragraph(pid, unit) for pid, unit in zip(ids, split_units(source.text), strict=True)]
    labels = number_points(paragraphs)
    shown = {unit.pid for unit in source.body_units}  # without a heading that repeats the title
    template = ctx.app_state.templates.env.get_template("exports/print.html")
    html = template.render(
        {
            # No base context: no visitor, no CSRF token, no flashes, so the page is the same for all.
            "request": ctx.request,
            "source": source,
            "site_name": ctx.settings.site_name,
            "locale": ctx.settings.default_locale,
            # An absolute address only from the settings: taken from the request, the first visitor's
            # Host header would be frozen into the page everyone else is served.
            "permanent_url": ctx.settings.base_url.rstrip("/") + ctx.url("resolution", year=source.year, n=source.n),
            "units": [unit for unit in render_units(paragraphs, point_labels=labels) if unit.pid in shown],
        }
    )
    return Rendered(html.encode(), "text/html; charset=utf-8", f"{source.stem}.html")


# --- Comparative tables ---------------------------------------------------------------------------


def _resolution_table(ctx: Ctx, source: ResolutionSource) -> ComparativeTable:
    def compute() -> ComparativeTable:
        first = units_of(source.first_text or "", source.first_paragraph_ids)
        return comparative_table(first, list(source.units))

    return cache_of(ctx.app_state, "resolution-tables").get_or_compute((source.year, source.n), compute)


def _resolution_table_words(source: ResolutionSource) -> dict[str, str]:
    return {
        "title": source.title,
        "caption": gettext(
            "The first version of the draft and the text adopted as resolution %(number)s", number=source.number
        ),
        "old_heading": gettext("Current or earlier wording"),
        "old_version": gettext("Version %(number)s of the draft", number=1),
        "new_heading": gettext("Proposed wording"),
        "new_version": gettext("Adopted as resolution %(number)s", number=source.number),
    }


@endpoint
def resolution_table(ctx: Ctx) -> Response:
    source = _source(ctx)
    numbers = {"year": source.year, "n": source.n}
    return ctx.render(
        "exports/table.html",
        {
            "table": _resolution_table(ctx, source),
            "words": _resolution_table_words(source),
            "back_url": ctx.url("resolution", **numbers),
            "back_label": source.heading(),
            "docx_url": ctx.url("resolution_table_docx", **numbers),
            "document": None,
            "workshop": None,
        },
    )


@endpoint
def resolution_table_docx(ctx: Ctx) -> Response:
    def render(ctx: Ctx, source: ResolutionSource) -> Rendered:
        words = _resolution_table_words(source)
        body = docx_out.table_docx(
            _resolution_table(ctx, source),
            title=words["title"],
            caption=words["caption"],
            old_heading=f"{words['old_heading']} ({words['old_version']})",
            new_heading=f"{words['new_heading']} ({words['new_version']})",
            header=f"{source.heading()} · {source.date_label()}",
            moment=source.adopted_at,
        )
        return Rendered(body, DOCX, f"{source.stem}-table.docx", "attachment")

    return _export(ctx, "table.docx", render)


def _document_revisions(ctx: Ctx):
    """The document and the two revisions to compare, for whoever may read the compare page."""
    view = loaders.document_view(ctx)
    return view, *loaders.compared_revisions(ctx, view)


def _document_table(old, new) -> ComparativeTable:
    return comparative_table(units_of(old.body, old.paragraph_ids), units_of(new.body, new.paragraph_ids))


def _document_table_words(document, old, new) -> dict[str, str]:
    return {
        "title": document.title,
        "caption": gettext("Version %(old)s and version %(new)s", old=old.number, new=new.number),
        "old_heading": gettext("Current or earlier wording"),
        "old_version": gettext("Version %(n)s", n=old.number),
        "new_heading": gettext("Proposed wording"),
        "new_version": gettext("Version %(n)s", n=new.number),
    }


@endpoint
def document_table(ctx: Ctx) -> Response:
    view, old, new = _document_revisions(ctx)
    query = f"?from={old.number}&to={new.number}"
    return ctx.render(
        "exports/table.html",
        {
            "table": _document_table(old, new),
            "words": _document_table_words(view.document, old, new),
            "back_url": ctx.url("document_compare", document_id=view.document.id) + query,
            "back_label": gettext("Compare versions"),
            "docx_url": ctx.url("document_compare_table_docx", document_id=view.document.id) + query,
            "document": view.document,
            "workshop": view.workshop,
        },
    )


@endpoint
def document_table_docx(ctx: Ctx) -> Response:
    view, old, new = _document_revisions(ctx)
    words = _document_table_words(view.document, old, new)
    body = docx_out.table_docx(
        _document_table(old, new),
        title=words["title"],
        caption=words["caption"],
        old_heading=f"{words['old_heading']} ({words['old_version']})",
        new_heading=f"{words['new_heading']} ({words['new_version']})",
        header=view.workshop.title,
        moment=new.created_at,
    )
    filename = f"document-{view.document.id}-{old.number}-{new.number}-table.docx"
    # A draft is for members only: no shared cache may keep it.
    return Response(
        body,
        media_type=DOCX,
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "private, no-store"},
    )


# --- Import ---------------------------------------------------------------------------------------


# Waits for the conversion's child process (and for a free one) with no Python to run.
@endpoint(waits=True)
def document_import(ctx: Ctx) -> Response:
    try:
        return _document_import(ctx)
    finally:
        # The form middleware spools uploads to temporary files and leaves them open for the handler.
        for value in ctx.form.values():
            if isinstance(value, UploadFile):
                value.file.close()


def _document_import(ctx: Ctx) -> Response:
    workshop = loaders.workshop(ctx)
    membership = loaders.membership(ctx, saved_id(workshop))
    ctx.require(drafting_rules.can_create_document(ctx.actor, membership))
    return form_page(
        ctx,
        "exports/import.html",
        {"workshop": workshop, "max_mb": MAX_BYTES // (1024 * 1024)},
        initial=lambda: {"kind": ctx.request.query_params.get("kind", "")},
        # The file does not come back: a browser never fills a file field in again.
        kept=lambda form: {k: v for k, v in form.items() if k != "file"},
        save=lambda: check_import_document(
            ctx.db, workshop=workshop, actor=ctx.require_actor(), membership=membership, data=ctx.form
        ),
        flash=gettext(
            "The document is created from the Word file. Please read it through: check the headings, "
            "points and emphasis before you share it."
        ),
        done=lambda document: ctx.redirect("document", document_id=document.id),
    )
