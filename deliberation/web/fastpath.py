"""Answering public immutable responses again without running the app.

An adopted resolution's page and exports, seen by an anonymous visitor, are the same bytes forever
(`Cache-Control: public, ..., immutable`, a strong ETag): the handlers already render them once per
process. What still cost time was everything around the handler: the middleware stack, the
session, the router and a hop to the thread pool for every request. This middleware, the outermost
of the app, remembers such a response exactly as the whole stack sent it (security headers
included) and answers the same request again from memory, before any of that runs.

What makes two requests "the same" is everything the stack could have looked at: the method, the
path and query, the mount path, the scheme and host (absolute links in the page), the HX-Request
header, whether the browser accepts gzip, and the app's own cookies (the language). A request that
carries a session cookie is never answered from here and never stored: a member's view of a page may differ. A response is
stored only if it was a 200 to a GET, marked public and immutable, with a strong ETag and no
Set-Cookie; nothing else is ever served from here. Memory is bounded by bytes.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..text.lru import BytesLRU
from .caching import etag_matches

#: Cookies whose presence means a visitor may be signed in (with or without the __Host- prefix).
SESSION_COOKIE_SUFFIX = "delib_session"
#: Only our own cookies can change what the app answers; a host's analytics cookies do not.
OWN_COOKIE_PREFIXES = ("delib_", "__Host-delib_")
MAX_ENTRY_BYTES = 2 * 1024 * 1024
#: Set by the first (outermost) instance a request meets, so a second one inside lets it through:
#: ``deliberation serve`` puts one in front of Starlette itself, and the app keeps its own for hosts.
_OUTER = "delib_fast_path"
MAX_TOTAL_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class _Stored:
    headers: list[tuple[bytes, bytes]]
    body: bytes
    etag: str

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(k) + len(v) for k, v in self.headers)


class PublicFastPathMiddleware:
    def __init__(self, app: ASGIApp, *, max_bytes: int = MAX_TOTAL_BYTES) -> None:
        self.app = app
        self.store = BytesLRU(max_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD") or scope.get(_OUTER):
            await self.app(scope, receive, send)
            return
        scope[_OUTER] = True
        key, if_none_match = _key(scope)
        if key is None:
            await self.app(scope, receive, send)
            return
        stored = self.store.get(key)
        if stored is not None:
            await _answer(stored, scope["method"] == "HEAD", if_none_match, send)
            return
        if scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        await self.app(scope, receive, _Recorder(send, key, self.store))


def _key(scope: Scope) -> tuple[tuple | None, str | None]:
    """What identifies the answer, or None when this request must go through the app."""
    host = hx = if_none_match = None
    gzip = False
    cookies: list[str] = []
    for name, value in scope["headers"]:
        if name == b"host":
            host = value
        elif name == b"cookie":
            cookies.append(value.decode("latin-1"))
        elif name == b"hx-request":
            hx = value
        elif name == b"if-none-match":
            if_none_match = value.decode("latin-1")
        elif name == b"accept-encoding":
            # The app compresses for browsers that accept gzip (web/compression.py): two answers.
            gzip = gzip or b"gzip" in value.lower()
    own = []
    for header in cookies:
        for part in header.split(";"):
            name, _, value = part.strip().partition("=")
            if name.endswith(SESSION_COOKIE_SUFFIX):
                return None, None
            if name.startswith(OWN_COOKIE_PREFIXES):
                own.append((name, value))
    # HEAD and GET share the stored answer, so the method is not part of the key.
    key = (
        scope.get("scheme"),
        host,
        scope.get("root_path", ""),
        scope["path"],
        scope.get("query_string", b""),
        hx,
        gzip,
        tuple(sorted(own)),
    )
    return key, if_none_match


async def _answer(stored: _Stored, head: bool, if_none_match: str | None, send: Send) -> None:
    if etag_matches(if_none_match, stored.etag):
        # The same headers as the full answer (security, CORS, caching) but no body and so no length.
        headers = [(k, v) for k, v in stored.headers if k != b"content-length"]
        await send({"type": "http.response.start", "status": 304, "headers": headers})
        await send({"type": "http.response.body", "body": b""})
        return
    await send({"type": "http.response.start", "status": 200, "headers": stored.headers})
    await send({"type": "http.response.body", "body": b"" if head else stored.body})


class _Recorder:
    """Passes the app's response through unchanged and keeps a copy if it may be answered again."""

    def __init__(self, send: Send, key: tuple, store: BytesLRU) -> None:
        self.send, self.key, self.store = send, key, store
        self.headers: list[tuple[bytes, bytes]] | None = None
        self.chunks: list[bytes] = []
        self.size = 0

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.headers = _storable(message)
        elif message["type"] == "http.response.body" and self.headers is not None:
            body = message.get("body", b"")
            self.size += len(body)
            if self.size > MAX_ENTRY_BYTES:
                self.headers = None
            else:
                self.chunks.append(body)
                if not message.get("more_body", False):
                    self._keep()
        await self.send(message)

    def _keep(self) -> None:
        headers = self.headers or []
        etag = next(v for k, v in headers if k == b"etag").decode("latin-1")
        stored = _Stored(headers=headers, body=b"".join(self.chunks), etag=etag)
        self.store.put(self.key, stored, stored.size)


def _storable(message: Message) -> list[tuple[bytes, bytes]] | None:
    if message["status"] != 200:
        return None
    headers = [(bytes(k).lower(), bytes(v)) for k, v in message.get("headers", [])]
    names = {k for k, _ in headers}
    cache_control = b",".join(v for k, v in headers if k == b"cache-control").lower()
    etag = next((v for k, v in headers if k == b"etag"), b"")
    if b"set-cookie" in names or b"immutable" not in cache_control or b"public" not in cache_control:
        return None
    if not etag.startswith(b'"'):  # a weak or missing validator: not the frozen kind of response
        return None
    return headers
