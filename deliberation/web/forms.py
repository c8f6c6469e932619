"""Reading request bodies safely, before any handler runs.

One middleware does five things for every request with a body, so no handler can forget them:
refuses bodies over the size limit (413) without reading past it, refuses text that is not valid
UTF-8 (400), removes control characters from every value (a NUL must never reach the database;
PostgreSQL answers it with an error), checks the CSRF token on every state-changing method (403),
and leaves the parsed form in ``request.state.form`` so handlers can stay synchronous.
"""

from __future__ import annotations

import base64
import hmac
import re
import secrets
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qsl

from starlette.datastructures import FormData, Headers, UploadFile
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import get_route_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..consultations.files import MAX_ATTACHMENT_BYTES
from ..drafting.models import MAX_BODY_CHARS
from ..exports.docx_in import MAX_BYTES as MAX_DOCX_BYTES
from ..params import number_or_none
from ..validation import strip_controls

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
# A chair ticks every delegate of a forum of a thousand or more at once (bulk check-in).
MAX_FIELDS = 5000

# The body limit follows from the character limit on the routes whose form carries a long text: a
# Cyrillic character is 6 bytes once form-encoded (%D0%B0), so 400,000 of them need 2.4 MB, more
# than the site-wide limit. Other routes keep the site-wide limit.
ENCODED_BYTES_PER_CHAR = 6
_MARGIN = 64 * 1024
LONG_TEXT_BODY_BYTES = MAX_BODY_CHARS * ENCODED_BYTES_PER_CHAR + _MARGIN
_BODY_LIMITS = (
    (re.compile(r"/workshops/\d+/documents/new"), LONG_TEXT_BODY_BYTES),
    (re.compile(r"/documents/\d+/edit"), LONG_TEXT_BODY_BYTES),
    # The editors' preview sends what the edit forms send.
    (re.compile(r"/documents/\d+/preview"), LONG_TEXT_BODY_BYTES),
    # The conflict form sends the whole text and, again, each passage in conflict.
    (re.compile(r"/documents/\d+/resolve"), 2 * LONG_TEXT_BODY_BYTES),
    (re.compile(r"/documents/\d+/amendments/new"), LONG_TEXT_BODY_BYTES),
    (re.compile(r"/amendments/\d+/edit"), LONG_TEXT_BODY_BYTES),
    (re.compile(r"/workshops/\d+/documents/import"), MAX_DOCX_BYTES + _MARGIN),
    # A consultation's request: the attachment plus its question (10,000 characters, form-encoded
    # within the margin's room twice over).
    (re.compile(r"/consultations/new"), MAX_ATTACHMENT_BYTES + 2 * _MARGIN),
)


def body_limit(path: str, default: int) -> int:
    """The most bytes a request to ``path`` may send: the site-wide limit or a long text's."""
    return max([default, *(limit for route, limit in _BODY_LIMITS if route.fullmatch(path))])


ErrorRenderer = Callable[[Scope, int, str], Awaitable[Response]]


def csrf_secret(scope: Scope) -> str:
    """The session's secret token, created on first use; it never appears in a page as it is."""
    session = scope["delib_session"]
    token = session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


def csrf_token(scope: Scope) -> str:
    """The token for one page: the secret masked afresh (as Django does), so compressed pages leak nothing.

    A page is compressed with what it reflects (a search, a title someone chose); were the same token
    in every page, an attacker who can make a browser load many guesses and watch the sizes would read
    it off byte by byte (BREACH). A fresh random mask XORed with the secret, sent beside it, makes the
    bytes of every page's token new, while ``csrf_matches`` still recovers the one secret."""
    return _masked(csrf_secret(scope).encode())


def _masked(secret: bytes) -> str:
    mask = secrets.token_bytes(len(secret))
    return base64.urlsafe_b64encode(mask + bytes(a ^ b for a, b in zip(mask, secret, strict=True))).decode().rstrip("=")


#: Marks a token masked for one page; never a character of ``secrets.token_urlsafe``.
MASKED_TOKEN_PREFIX = "~"
_TOKEN = re.compile(r"[A-Za-z0-9_-]+")


def mask_token(token: str) -> str:
    """A link's token (an invitation, a reset or registration link) as a page may show it: masked
    afresh like the CSRF token, so the page can be compressed, and still a working token for
    ``unmask_token``. The raw token stays in the e-mail and the address bar, never in a page."""
    return MASKED_TOKEN_PREFIX + _masked(token.encode())


def unmask_token(sent: str) -> str:
    """The token a request carries, masked by a page or raw from an e-mail; "" when it is neither."""
    if not sent.startswith(MASKED_TOKEN_PREFIX):
        return sent
    body = sent[len(MASKED_TOKEN_PREFIX) :]
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except ValueError:
        return ""
    half = len(raw) // 2
    if not raw or len(raw) % 2:
        return ""
    token = bytes(a ^ b for a, b in zip(raw[:half], raw[half:], strict=True)).decode("latin-1")
    return token if _TOKEN.fullmatch(token) else ""


def csrf_matches(sent: str, secret: str) -> bool:
    """Whether ``sent`` (a masked token from a page, or the secret itself) stands for ``secret``."""
    if not secret or not isinstance(sent, str) or not sent.isascii():
        return False
    expected = secret.encode()
    try:
        raw = base64.urlsafe_b64decode(sent + "=" * (-len(sent) % 4))
    except ValueError:
        raw = b""
    if len(raw) == 2 * len(expected):
        mask, masked = raw[: len(expected)], raw[len(expected) :]
        return hmac.compare_digest(bytes(a ^ b for a, b in zip(mask, masked, strict=True)), expected)
    return hmac.compare_digest(sent.encode(), expected)


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class BodyTooLarge(Exception):
    pass


class FormGuardMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body_bytes: int,
        render_error: ErrorRenderer,
        csrf_exempt: Callable[[Scope], bool] = lambda scope: False,
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.render_error = render_error
        self.csrf_exempt = csrf_exempt

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope.setdefault("state", {})["form"] = {}
        if not _is_utf8(scope.get("query_string", b"")):
            # Starlette decodes the query string strictly when a handler reads the URL: refuse it here,
            # and drop it, since the error page itself shows the address.
            scope["query_string"] = b""
            await self._refuse(scope, receive, send, 400, "bad_encoding")
            return
        headers = Headers(scope=scope)
        method = scope["method"]
        declared = headers.get("content-length")
        limit = body_limit(get_route_path(scope), self.max_body_bytes)
        if declared and number_or_none(declared, minimum=0, maximum=limit) is None:
            await self._refuse(scope, receive, send, 413, "too_large")
            return
        try:
            body = await self._read(receive, limit) if method not in SAFE_METHODS else b""
        except BodyTooLarge:
            await self._refuse(scope, receive, send, 413, "too_large")
            return
        try:
            # A GET carries no form, whatever its Content-Type claims.
            form = await self._parse(scope, headers, body) if method not in SAFE_METHODS else {}
        except UnicodeDecodeError:
            await self._refuse(scope, receive, send, 400, "bad_encoding")
            return
        except (ValueError, MultiPartException):  # e.g. multipart without a boundary
            await self._refuse(scope, receive, send, 400, "bad_form")
            return
        if method not in SAFE_METHODS and not self.csrf_exempt(scope):
            sent = headers.get(CSRF_HEADER) or form.get(CSRF_FIELD, "")
            if not csrf_matches(sent, scope["delib_session"].get("csrf", "")):
                # No handler will close the uploads the parser spooled; their text values stay.
                form = {k: v for k, v in form.items() if not _close_if_upload(v)}
                scope["state"]["refused_form"] = form  # shown read-only, so the typed text is not lost
                await self._refuse(scope, receive, send, 403, "csrf")
                return
        scope["state"]["form"] = form

        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _read(self, receive: Receive, limit: int) -> bytes:
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise BodyTooLarge
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)

    async def _parse(self, scope: Scope, headers: Headers, body: bytes) -> dict:
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type == "application/x-www-form-urlencoded":
            # strict: text that is not valid UTF-8 is refused, never stored half-decoded.
            pairs = parse_qsl(
                body.decode("ascii"),
                keep_blank_values=True,
                encoding="utf-8",
                errors="strict",
                max_num_fields=MAX_FIELDS,
            )
            return _first_values(pairs)
        if content_type == "multipart/form-data":
            sent = False

            async def once() -> Message:
                nonlocal sent
                if sent:
                    return {"type": "http.disconnect"}
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}

            form: FormData = await Request(scope, once).form(max_fields=MAX_FIELDS)
            for value in form.values():
                if isinstance(value, str):
                    value.encode("utf-8")
            return _first_values(form.multi_items())
        return {}

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, status: int, code: str) -> None:
        response = await self.render_error(scope, status, code)
        await response(scope, receive, send)


def _close_if_upload(value: object) -> bool:
    if isinstance(value, UploadFile):
        value.file.close()
        return True
    return False


def _first_values(pairs) -> dict:
    form: dict = {}
    for key, value in pairs:
        key = strip_controls(key)
        if isinstance(value, str):
            value = strip_controls(value)
        if key in form:
            form.setdefault("__multi__", {}).setdefault(key, [form[key]]).append(value)
        else:
            form[key] = value
    return form
