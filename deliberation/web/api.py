"""The read-only open data API at /api/v1/, with its OpenAPI document.

Everything under /api/v1 is JSON, errors included: the API is a Mount with its own exception
handlers (a 404, 405 or 500 there is never the site's HTML page) and its own CORS layer. It is
the same for everyone: no sign-in, no session read, nothing written.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlencode

from sqlmodel import Session
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.exceptions import ExceptionMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..api import queries, serializers, shapes
from ..api.cursor import encode_cursor
from ..api.openapi import API_VERSION, IMMUTABLE, build_openapi
from ..api.params import ID_MAX, YEAR_MAX, parse_resolution_list
from ..db import saved_id, sqlite_write_intent
from ..errors import DomainError, NotFound
from ..forums.queries import get_forum, list_forums
from ..i18n import N_, gettext
from ..resolutions.queries import get_last_resolution, get_resolution_view
from ..workshops.queries import get_workshop, list_workshops
from .caching import etag_matches
from .context import Ctx
from .health import outage_json

log = logging.getLogger("deliberation.web")

PREFIX = "/api/v1"
# Lists change when a forum adopts something; a minute of staleness is harmless for open data.
LIST_CACHE = "public, max-age=60"


def routes() -> list[Mount]:
    return [
        Mount(
            PREFIX,
            name="api",
            routes=[
                Route("/", api_index, name="index"),
                Route("/openapi.json", openapi_document, name="openapi"),
                Route("/resolutions", resolution_list, name="resolutions"),
                Route("/resolutions/{year:int}/{n:int}", resolution_detail, name="resolution"),
                Route("/forums", forum_list, name="forums"),
                Route("/forums/{forum_id:int}", forum_detail, name="forum"),
                Route("/workshops", workshop_list, name="workshops"),
                Route("/workshops/{workshop_id:int}", workshop_detail, name="workshop"),
            ],
            middleware=[
                Middleware(OpenCORSMiddleware),
                Middleware(ExceptionMiddleware, handlers={HTTPException: _http_error, Exception: _server_error}),
            ],
        )
    ]


def _json_bytes(data: Any) -> bytes:
    # Ukrainian stays readable (UTF-8, not \u escapes); NaN is not JSON and never sent.
    return json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")


class JSONResponse(Response):
    """One of the API's shapes (``api/shapes.py``), so only what the OpenAPI document names."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        if not isinstance(content, shapes.Shape):
            raise TypeError(f"The API answers with one of its shapes, not {type(content).__name__}")
        return _json_bytes(content.model_dump(mode="json"))


def error_json(
    status: int, code: str, message: str, *, parameter: str | None = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    error = shapes.ErrorDetail(code=code, message=message, parameter=parameter or None)
    # The message is in the reader's language, so an error is never cached for someone else.
    return JSONResponse(
        shapes.Error(error=error), status_code=status, headers={"Cache-Control": "no-store", **(headers or {})}
    )


class OpenCORSMiddleware:
    """Any origin may read the API: ``Access-Control-Allow-Origin: *`` on every response.

    On every response, not only those to a request with an Origin header: resolutions are cached
    for a year, and a copy cached from a plain request must serve a browser's request as well.
    No credentials are ever allowed, so ``*`` exposes nothing a page could not fetch itself.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if scope["method"] == "OPTIONS" and "origin" in headers and "access-control-request-method" in headers:
            await self._preflight(headers, scope, receive, send)
            return

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                response_headers = MutableHeaders(scope=message)
                response_headers["Access-Control-Allow-Origin"] = "*"
                response_headers["Access-Control-Expose-Headers"] = "ETag"
            await send(message)

        await self.app(scope, receive, send_wrapper)

    async def _preflight(self, headers: dict[str, str], scope: Scope, receive: Receive, send: Send) -> None:
        allow = {
            "Access-Control-Allow-Origin": "*",
            "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
            "Access-Control-Max-Age": "86400",
        }
        if headers.get("access-control-request-headers"):
            # Nothing here depends on a request header a page could use to harm anyone, so any is allowed.
            allow["Access-Control-Allow-Headers"] = headers["access-control-request-headers"]
        await Response(status_code=204, headers=allow)(scope, receive, send)


def not_found() -> Response:
    """The API's 404, also for an address under the API's prefix that the site's router met (see
    web/app.py: a newline in the path slips past the Mount, whose pattern stops at line ends)."""
    return error_json(404, "not_found", gettext(N_("There is nothing at this address.")))


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        return not_found()
    if exc.status_code == 405:
        return error_json(
            405,
            "method_not_allowed",
            gettext(N_("This address only answers GET requests.")),
            headers=dict(exc.headers or {}),
        )
    return error_json(exc.status_code, "http_error", str(exc.detail), headers=dict(exc.headers or {}))


async def _server_error(request: Request, exc: Exception) -> Response:
    outage = outage_json(request, exc)
    if outage is not None:
        return outage
    log.exception("Unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_json(
        500,
        "server_error",
        gettext(
            N_("Something broke on our side. Please try again in a minute; if it keeps happening, tell a coordinator.")
        ),
    )


def api_endpoint(handler: Callable[[Ctx], Response]) -> Callable[[Request], Awaitable[Response]]:
    """Like ``context.endpoint``, for a handler that only reads and answers in JSON.

    No actor is resolved (a host's identity callable would create people on first sight, and the
    API is the same for everyone) and nothing is committed: the session is closed, which rolls
    back. A domain error becomes ``{"error": {"code", "message"}}`` with its status.
    """

    @wraps(handler)
    def run(request: Request) -> Response:
        app_state = request.app.state.delib
        sqlite_write_intent.set(False)
        db = app_state.sessions()
        try:
            return handler(Ctx(request=request, db=db, app_state=app_state))
        except DomainError as error:
            return error_json(error.status, error.code, error.message(), parameter=error.field)
        finally:
            db.close()

    @wraps(handler)
    async def in_thread(request: Request) -> Response:
        return await request.app.state.delib.threads.run(run, request)

    return in_thread


def _app_root(request: Request) -> str:
    # Inside this Mount the scope's root_path ends with PREFIX; before it is wherever a host
    # mounted Deliberation, which every address must keep.
    return request.scope.get("root_path", "").removesuffix(PREFIX)


def _address(ctx: Ctx, name: str, **params: Any) -> str:
    """The absolute address of one of our routes (site or API), under the app's mount path."""
    app = ctx.request.scope["app"]
    return ctx.absolute(_app_root(ctx.request) + str(app.router.url_path_for(name, **params)))


def _urls(ctx: Ctx) -> serializers.UrlMaker:
    def url(name: str, **params: Any) -> str:
        return _address(ctx, name, **params)

    return url


@api_endpoint
def api_index(ctx: Ctx) -> Response:
    names = ("openapi", "resolutions", "forums", "workshops")
    index = shapes.Index.model_validate({name: _address(ctx, f"api:{name}") for name in names})
    return JSONResponse(index, headers={"Cache-Control": LIST_CACHE})


@api_endpoint
def openapi_document(ctx: Ctx) -> Response:
    # Relative, so the document is right behind any proxy; it keeps the host's mount path.
    return Response(
        _json_bytes(build_openapi(server_url=_app_root(ctx.request) + PREFIX)),
        media_type="application/json",
        headers={"Cache-Control": "public, max-age=3600"},
    )


@api_endpoint
def resolution_list(ctx: Ctx) -> Response:
    pairs = ctx.request.query_params.multi_items()
    params = parse_resolution_list(pairs, secret_key=ctx.settings.secret_key)
    rows, more = queries.list_resolution_page(
        ctx.db, filters=params.filters, before_sequence=params.before_sequence, limit=params.limit
    )
    url = _urls(ctx)
    here = _address(ctx, "api:resolutions")
    next_cursor = encode_cursor(before_sequence=rows[-1].sequence, secret_key=ctx.settings.secret_key) if more else None
    kept = [(name, value) for name, value in pairs if name != "cursor"]
    head = get_last_resolution(ctx.db)
    page = serializers.resolution_page(
        rows,
        url,
        next_cursor=next_cursor,
        # The whole chain's head, whatever the filters: keep it, `deliberation verify --expect` checks it.
        chain_head=head.hash if head is not None else None,
        self_url=here + (f"?{urlencode(pairs)}" if pairs else ""),
        next_url=f"{here}?{urlencode([*kept, ('cursor', next_cursor)])}" if next_cursor else None,
    )
    return JSONResponse(page, headers={"Cache-Control": LIST_CACHE})


def _etag(ctx: Ctx, resolution_hash: str) -> str:
    # The row never changes, so its hash names it; the representation also holds absolute
    # addresses (so the origin and mount path) and the API's shape (so its version).
    seed = "\n".join((API_VERSION, resolution_hash, _address(ctx, "api:index")))
    return '"' + hashlib.sha256(seed.encode()).hexdigest()[:32] + '"'


@api_endpoint
def resolution_detail(ctx: Ctx) -> Response:
    year, n = ctx.request.path_params["year"], ctx.request.path_params["n"]
    view = get_resolution_view(ctx.db, year, n) if year <= YEAR_MAX and n <= ID_MAX else None
    if view is None:
        raise NotFound("resolution_not_found", N_("There is no resolution with this number."))
    etag = _etag(ctx, view.resolution.hash)
    headers = {"ETag": etag, "Cache-Control": IMMUTABLE}
    if etag_matches(ctx.request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    return JSONResponse(serializers.resolution_detail(view, _urls(ctx)), headers=headers)


@api_endpoint
def forum_list(ctx: Ctx) -> Response:
    counts = queries.count_resolutions_by_forum(ctx.db)
    url = _urls(ctx)
    items = [
        serializers.forum_summary(f, url, resolution_count=counts.get(saved_id(f), 0)) for f in list_forums(ctx.db)
    ]
    return JSONResponse(shapes.ForumList(items=items), headers={"Cache-Control": LIST_CACHE})


@api_endpoint
def forum_detail(ctx: Ctx) -> Response:
    forum = _named(ctx, "forum_id", get_forum, NotFound("forum_not_found", N_("There is no such forum.")))
    refs = queries.list_resolution_refs(ctx.db, forum_id=forum.id)
    return JSONResponse(serializers.forum(forum, _urls(ctx), resolutions=refs), headers={"Cache-Control": LIST_CACHE})


@api_endpoint
def workshop_list(ctx: Ctx) -> Response:
    by_workshop: dict[int, list[queries.ResolutionRef]] = defaultdict(list)
    for ref in queries.list_resolution_refs(ctx.db):
        by_workshop[ref.workshop_id].append(ref)
    url = _urls(ctx)
    items = [
        serializers.workshop(s.workshop, url, resolutions=by_workshop[saved_id(s.workshop)])
        for s in list_workshops(ctx.db)
    ]
    return JSONResponse(shapes.WorkshopList(items=items), headers={"Cache-Control": LIST_CACHE})


@api_endpoint
def workshop_detail(ctx: Ctx) -> Response:
    missing = NotFound("workshop_not_found", N_("There is no such workshop."))
    workshop = _named(ctx, "workshop_id", get_workshop, missing)
    refs = queries.list_resolution_refs(ctx.db, workshop_id=workshop.id)
    return JSONResponse(
        serializers.workshop(workshop, _urls(ctx), resolutions=refs), headers={"Cache-Control": LIST_CACHE}
    )


_Row = TypeVar("_Row")


def _named(ctx: Ctx, name: str, get: Callable[[Session, int], _Row | None], missing: NotFound) -> _Row:
    """The row the path's id ``name`` names; an id past what the database stores names nothing."""
    row_id = ctx.request.path_params[name]
    row = get(ctx.db, row_id) if row_id <= ID_MAX else None
    if row is None:
        raise missing
    return row
