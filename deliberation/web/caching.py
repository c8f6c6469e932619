"""Answering for things that never change: strong ETags, 304 Not Modified, and a per-app cache.

A resolution is frozen once adopted, so whatever is derived from it alone (an export, its page
without the visitor's header) has one right set of bytes forever. Such a response carries a
strong ETag (the SHA-256 of its bytes, quoted) and may be cached by anyone for a year; a client
that sends the ETag back in ``If-None-Match`` gets ``304 Not Modified`` with no body.

``ProcessCache`` keeps derived bytes in memory, one cache per app (``cache_of``): a host may run
two apps on two databases in one process, and in tests every app has a database of its own, so a
module-level cache keyed by "resolution 2026/3" could serve one database's resolution from another.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from threading import Lock
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from starlette.requests import Request
from starlette.responses import Response

from ..text.lru import BytesLRU

__all__ = [
    "IMMUTABLE",
    "ProcessCache",
    "bytes_cache_of",
    "cache_of",
    "etag_matches",
    "immutable_response",
    "strong_etag",
    "with_etag",
]

#: For responses whose bytes can never change at their address.
IMMUTABLE = "public, max-age=31536000, immutable"

T = TypeVar("T")


def strong_etag(body: bytes | memoryview) -> str:
    """A strong entity tag for exactly these bytes: the quoted SHA-256 in hex."""
    return f'"{hashlib.sha256(body).hexdigest()}"'


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """Whether an ``If-None-Match`` header names ``etag``.

    RFC 9110 (13.1.2) compares If-None-Match weakly, so ``W/"x"`` matches ``"x"``; ``*`` matches
    anything that exists. The header may list several tags separated by commas.
    """
    if not if_none_match:
        return False
    wanted = etag.removeprefix("W/")
    for candidate in if_none_match.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == wanted:
            return True
    return False


def immutable_response(
    request: Request,
    body: bytes,
    *,
    media_type: str,
    headers: Mapping[str, str] | None = None,
    cache_control: str = IMMUTABLE,
) -> Response:
    """``body`` with a strong ETag, or 304 with no body when the client already has these bytes.

    ``headers`` (e.g. Content-Disposition) go only on the full answer; a 304 carries what a cache
    needs to refresh its copy, ETag and Cache-Control (RFC 9110 15.4.5).
    """
    etag = strong_etag(body)
    common = {"ETag": etag, "Cache-Control": cache_control}
    if etag_matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=common)
    return Response(body, media_type=media_type, headers={**common, **(headers or {})})


def with_etag(request: Request, response: Response, *, cache_control: str = IMMUTABLE) -> Response:
    """An already rendered response (a TemplateResponse, say) with a strong ETag, or 304.

    Only for pages whose bytes are the same for everyone: nothing about the visitor (their name,
    a CSRF token, flashes) may be in them, or a shared cache would hand one visitor's page to another.
    """
    if response.status_code != 200:
        return response
    etag = strong_etag(response.body)
    if etag_matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers={"ETag": etag, "Cache-Control": cache_control})
    response.headers["ETag"] = etag
    response.headers["Cache-Control"] = cache_control
    return response


class ProcessCache:
    """A small thread-safe LRU map for values derived from things that never change.

    Handlers run in worker threads, so two requests may compute the same value at once; both
    results are equal (the source is immutable), and the first one stored wins.
    """

    def __init__(self, size: int = 512) -> None:
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._size = size
        self._lock = Lock()

    def get(self, key: Hashable, default: Any = None) -> Any:
        with self._lock:
            if key not in self._items:
                return default
            self._items.move_to_end(key)
            return self._items[key]

    def get_or_compute(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The cached value for ``key``, or ``compute()`` stored under it. ``None`` is never stored,
        so "not found" is asked again next time (a resolution may be adopted under that number later)."""
        missing = object()
        value = self.get(key, missing)
        if value is not missing:
            return value
        computed = compute()
        if computed is not None:
            with self._lock:
                computed = self._items.setdefault(key, computed)
                self._items.move_to_end(key)
                while len(self._items) > self._size:
                    self._items.popitem(last=False)
        return computed

    def __len__(self) -> int:
        return len(self._items)


_caches: WeakKeyDictionary = WeakKeyDictionary()
_caches_lock = Lock()


def cache_of(owner: object, name: str, *, size: int = 512) -> ProcessCache:
    """The cache called ``name`` belonging to ``owner`` (an app's state), made on first use.

    It lives as long as its owner does, so a process that builds many apps (a test run) frees each
    app's cache with the app.
    """
    return _owned(owner, name, lambda: ProcessCache(size))


def bytes_cache_of(owner: object, name: str, *, limit: int) -> BytesLRU:
    """As ``cache_of``, for values whose sizes vary (renderings): bounded by ``limit`` bytes."""
    return _owned(owner, name, lambda: BytesLRU(limit))


def _owned(owner: object, name: str, make: Callable[[], Any]) -> Any:
    with _caches_lock:
        caches = _caches.setdefault(owner, {})
        if name not in caches:
            caches[name] = make()
        return caches[name]
