"""Factories and helpers for tests, here and in a host project that mounts Deliberation.

The helpers (CSRF tokens, signing in, mailed links, counted queries) live here; the factories in
factories.py, imported here so ``from deliberation.testing import make_user`` keeps working."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import cast

from sqlalchemy import event
from sqlalchemy.orm import object_session
from sqlmodel import Session, col, select

from ..accounts.models import User
from ..accounts.sessions import Lifetime, do_start_session
from ..outbox.models import Channel, OutboxEntry
from ..web.sessions import COOKIE_NAME, SessionMiddleware
from ..web.sessions import Session as CookieSession
from .factories import (
    PASSWORD,
    SITTING_BODY,
    Sitting,
    make_closed_vote,
    make_delegates,
    make_document,
    make_forum,
    make_resolution,
    make_sitting,
    make_user,
    make_workshop,
)
from .proposals import make_closed_poll, make_poll, make_proposal

__all__ = [
    "make_closed_poll",
    "make_poll",
    "make_proposal",
    "PASSWORD",
    "SITTING_BODY",
    "Sitting",
    "counted_queries",
    "csrf_from",
    "csrf_token",
    "letters_to",
    "mailed_path",
    "make_closed_vote",
    "make_delegates",
    "make_document",
    "make_forum",
    "make_resolution",
    "make_sitting",
    "make_user",
    "make_workshop",
    "post",
    "sign_in",
    "signed_in_session",
]


_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = _CSRF.search(html)
    if not match:
        raise AssertionError("no CSRF token in the page")
    return match.group(1)


def csrf_token(client, path: str = "/") -> str:
    """The session's CSRF token, read from a page the way a browser would get it."""
    return csrf_from(client.get(path).text)


def sign_in(client, email: str, password: str = PASSWORD, *, prefix: str = "") -> None:
    token = csrf_token(client, prefix + "/login")
    response = client.post(
        prefix + "/login", data={"email": email, "password": password, "csrf_token": token}, follow_redirects=False
    )
    if response.status_code != 303:
        raise AssertionError(f"sign-in failed with {response.status_code}")


def post(client, path: str, data: dict | None = None, **kwargs):
    """POST a form with the session's CSRF token, as a page's form would."""
    token = csrf_token(client, kwargs.pop("token_page", "/"))
    return client.post(path, data={**(data or {}), "csrf_token": token}, follow_redirects=False, **kwargs)


def letters_to(db: Session, address: str) -> list[dict]:
    """The e-mails written to the outbox for ``address``, oldest first, as {"to", "subject", "body"}."""
    rows = db.exec(
        select(OutboxEntry).where(col(OutboxEntry.channel) == Channel.MAIL).order_by(col(OutboxEntry.id))
    ).all()
    return [dict(row.payload) for row in rows if row.payload.get("to") == address]


def mailed_path(db: Session, address: str, path: str, *, origin: str = "http://testserver") -> str:
    """The path of the last link to ``origin`` + ``path``… mailed to ``address`` (the token with it)."""
    links = [
        link
        for letter in letters_to(db, address)
        for link in re.findall(re.escape(origin + path) + r"\S*", letter["body"])
    ]
    if not links:
        raise AssertionError(f"no letter to {address} links to {origin}{path}")
    return links[-1].removeprefix(origin)


@contextmanager
def counted_queries(bind) -> Iterator[list[str]]:
    """The SQL statements run on ``bind`` (an engine or connection) inside the block, savepoints aside."""
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            statements.append(statement)

    event.listen(bind, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(bind, "before_cursor_execute", count)


def signed_in_session(secret_key: str, user: User) -> tuple[dict[str, str], str]:
    """Cookies of a session signed in as ``user``, and its CSRF token, minted without /login.

    Signing in through /login runs Argon2 each time, too slow for hundreds of people. The session
    row is added through the session the user was loaded in (so it commits with it) and the cookie
    is made by the session middleware's own code with the app's secret key, so the app checks it
    like any other (signature, the session on the server, its age) and POSTs still need the token.
    """
    db = object_session(user)
    if db is None:
        raise ValueError("signed_in_session needs a user still attached to a database session")
    # object_session is typed with SQLAlchemy's Session; ours are sqlmodel's, a subclass of it,
    # and do_start_session uses only what both have.
    sid = do_start_session(
        cast(Session, db), user=user, lifetime=Lifetime(idle=timedelta(days=1), absolute=timedelta(days=7))
    )
    token = secrets.token_urlsafe(32)
    data = CookieSession(sid=sid, csrf=token)
    header = SessionMiddleware(_no_app, secret_key=secret_key)._cookie({"root_path": ""}, data)
    value = header.split(";", 1)[0].removeprefix(f"{COOKIE_NAME}=")
    return {COOKIE_NAME: value}, token


async def _no_app(scope, receive, send) -> None:
    """Only the middleware's cookie writer is used: no request ever reaches an app."""
    raise RuntimeError("signed_in_session's middleware serves no requests")
