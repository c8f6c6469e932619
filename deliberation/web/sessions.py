"""A signed session cookie of our own, so a host's session middleware and ours never collide.

The cookie is HttpOnly and SameSite=Lax, Secure when the request came over HTTPS (or always, if
configured), scoped to the path the app is mounted under, and signed with the secret key.
"""

from __future__ import annotations

import json
from base64 import b64decode, b64encode

from itsdangerous import BadSignature, TimestampSigner
from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE_NAME = "delib_session"
#: The name over HTTPS at the site's root: a browser accepts a ``__Host-`` cookie only if it is
#: Secure, for path / and no Domain, so a neighbouring subdomain cannot plant or overwrite it.
HOST_COOKIE_NAME = "__Host-" + COOKIE_NAME
#: The cookie's own lifetime; the session behind it may end sooner (idle, absolute, sign-out).
MAX_AGE = 7 * 24 * 3600


class Session(dict):
    """The session's data; knows whether it changed so unchanged sessions set no cookie."""

    modified = False

    def __setitem__(self, key, value):
        if self.get(key, object()) != value:
            self.modified = True
        super().__setitem__(key, value)

    def pop(self, key, *default):
        if key in self:
            self.modified = True
        return super().pop(key, *default)

    def clear(self):
        self.modified = bool(self) or self.modified
        super().clear()


class SessionMiddleware:
    def __init__(self, app: ASGIApp, *, secret_key: str, secure: str = "auto", max_age: int = MAX_AGE) -> None:
        self.app = app
        self.signer = TimestampSigner(secret_key, salt="deliberation.session")
        self.secure = secure
        self.max_age = max_age

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        connection = HTTPConnection(scope)
        name = self._name(scope)
        session = Session(self._load(connection.cookies.get(name)))
        scope["delib_session"] = session
        had_cookie = name in connection.cookies

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start" and (session.modified or (had_cookie and not session)):
                headers = MutableHeaders(scope=message)
                headers.append("Set-Cookie", self._cookie(scope, session))
                headers.append("Vary", "Cookie")
            await send(message)

        await self.app(scope, receive, send_wrapper)

    def _load(self, raw: str | None) -> dict:
        if not raw:
            return {}
        try:
            data = self.signer.unsign(raw.encode(), max_age=self.max_age)
            value = json.loads(b64decode(data))
            return value if isinstance(value, dict) else {}
        except (BadSignature, ValueError):
            return {}

    def _secure(self, scope: Scope) -> bool:
        return self.secure == "always" or (self.secure == "auto" and scope.get("scheme") in ("https", "wss"))

    def _name(self, scope: Scope) -> str:
        at_root = (scope.get("root_path") or "/") == "/"
        return HOST_COOKIE_NAME if at_root and self._secure(scope) else COOKIE_NAME

    def _cookie(self, scope: Scope, session: Session) -> str:
        path = scope.get("root_path") or "/"
        name = self._name(scope)
        flags = f"; path={path}; HttpOnly; SameSite=Lax" + ("; Secure" if self._secure(scope) else "")
        if not session:
            return f"{name}=null{flags}; Max-Age=0"
        value = self.signer.sign(b64encode(json.dumps(dict(session)).encode())).decode()
        return f"{name}={value}{flags}; Max-Age={self.max_age}"
