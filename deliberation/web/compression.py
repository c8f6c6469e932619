"""Compressing answers with gzip, pages included, without handing secrets to BREACH.

A compressed page leaks, through its size, whether text an attacker chose repeats a secret on the same
page. Two rules keep that from mattering:

- a secret a page only carries is masked afresh for every page, so its bytes never repeat: the CSRF
  token (``forms.csrf_token``) and a link's token, an invitation's or a reset or registration link's
  (``forms.mask_token``, unmasked by the handler it comes back to);
- a secret a person must read is shown in an answer of its own, tiny and uncompressed: the hall's
  check-in code (``console.checkin_code_shown``, fetched into the console and the chair's screen);
- the rest (a secret ballot's receipt code in the booth, a new invitation link shown once) calls
  ``keep_uncompressed``, and that answer goes out as it is.

Everything else is compressed when the browser accepts gzip and the body is large enough to gain.
"""

from __future__ import annotations

from starlette.middleware.gzip import GZipMiddleware, GZipResponder
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: Below this a gzip header and trailer (18 bytes) and the lost TCP packing eat the gain.
MINIMUM_SIZE = 500
#: zlib's level 6: nearly level 9's size at a third of its time, for pages made on every request.
LEVEL = 6
_FLAG = "delib_uncompressed"


def keep_uncompressed(request: Request) -> None:
    """This answer holds a per-person secret beside text others can influence: never compress it."""
    request.scope.setdefault("state", {})[_FLAG] = True


def is_kept_uncompressed(scope: Scope) -> bool:
    return bool(scope.get("state", {}).get(_FLAG))


class _Responder(GZipResponder):
    """Starlette's gzip responder that first asks whether the handler kept the answer uncompressed.

    The handler has run by the time the answer starts, so its mark is in the scope; an answer that
    already names a Content-Encoding is passed through as it is, which is what happens here."""

    def __init__(self, app: ASGIApp, scope: Scope, **kwargs) -> None:
        super().__init__(app, **kwargs)
        self.scope = scope

    async def send_with_compression(self, message: Message) -> None:
        if message["type"] == "http.response.debug":
            # The test client's record of the template and its context, sent before the answer.
            await self.send(message)
            return
        if message["type"] == "http.response.start" and is_kept_uncompressed(self.scope):
            self.content_encoding_set = True
            await self.send(message)
            return
        await super().send_with_compression(message)


class CompressionMiddleware(GZipMiddleware):
    def __init__(self, app: ASGIApp, minimum_size: int = MINIMUM_SIZE, compresslevel: int = LEVEL) -> None:
        super().__init__(app, minimum_size=minimum_size, compresslevel=compresslevel)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or "gzip" not in _accept_encoding(scope):
            await self.app(scope, receive, send)
            return
        responder = _Responder(
            self.app,
            scope,
            minimum_size=self.minimum_size,
            compresslevel=self.compresslevel,
            thread_minimum_size=self.thread_minimum_size,
            exclude_content_types=self.exclude_content_types,
        )
        await responder(scope, receive, send)


def _accept_encoding(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"accept-encoding":
            return value.decode("latin-1").lower()
    return ""
