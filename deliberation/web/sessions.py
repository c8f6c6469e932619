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
MAX_AGE = 14 * 24 * 3600


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
    def __init__(self, app: ASGIApp, *, secret_key: str, secure: str = "auto") -> None:
        self.app = app
        self.signer = TimestampSigner(secret_key, salt="deliberation.session")
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        connection = HTTPConnection(scope)
        session = Session(self._load(connection.cookies.get(COOKIE_NAME)))
        scope["delib_session"] = session
        had_cookie = COOKIE_NAME in connection.cookies

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
            data = self.signer.unsign(raw.encode(), max_age=MAX_AGE)
            value = json.loads(b64decode(data))
            return value if isinstance(value, dict) else {}
        except (BadSignature, ValueError):
            return {}

    def _cookie(self, scope: Scope, session: Session) -> str:
        path = scope.get("root_path") or "/"
        secure = self.secure == "always" or (self.secure == "auto" and scope.get("scheme") in ("https", "wss"))
        flags = f"; path={path}; HttpOnly; SameSite=Lax" + ("; Secure" if secure else "")
        if not session:
            return f"{COOKIE_NAME}=null{flags}; Max-Age=0"
        value = self.signer.sign(b64encode(json.dumps(dict(session)).encode())).decode()
        return f"{COOKIE_NAME}={value}{flags}; Max-Age={MAX_AGE}"
