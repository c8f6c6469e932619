"""Choosing the interface language for each request."""

from __future__ import annotations

from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Receive, Scope, Send

from ..i18n import reset_locale, set_locale
from ..settings import LOCALES

COOKIE_NAME = "delib_lang"


class LocaleMiddleware:
    """The language is the visitor's choice (a cookie set by the switch), else the default.

    Ukrainian comes first for everyone; the browser's Accept-Language is deliberately not used, so
    a shared computer in a village council shows the network's language until someone switches.
    """

    def __init__(self, app: ASGIApp, *, default: str) -> None:
        self.app = app
        self.default = default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        chosen = HTTPConnection(scope).cookies.get(COOKIE_NAME, "")
        locale = chosen if chosen in LOCALES else self.default
        scope["delib_locale"] = locale
        token = set_locale(locale)
        try:
            await self.app(scope, receive, send)
        finally:
            reset_locale(token)
