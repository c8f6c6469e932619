"""What every handler gets: the request, a database session, the actor, the form, and helpers.

``endpoint`` turns a plain synchronous function of a ``Ctx`` into a Starlette endpoint that owns
the transaction: commit when the handler returns, roll back when it raises, so bad input writes
nothing. Domain errors become a 4xx page in the visitor's language.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, wraps
from typing import Any
from urllib.parse import urlencode

from sqlalchemy.exc import DBAPIError
from sqlmodel import Session
from starlette.background import BackgroundTasks
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from .. import write_gate
from ..accounts import queries as account_queries
from ..accounts import sessions
from ..accounts.actions import HostIdentity, do_sync_host_user, host_user_in_step
from ..accounts.models import User
from ..db import is_sqlite, saved_id, sqlite_write_intent
from ..db_errors import is_transient
from ..errors import DomainError, ValidationError, require
from ..i18n import N_
from ..notifications.delivery import Resolve, take_mail
from ..outbox.delivery import Pending, add_mail, deliver
from ..outbox.senders import deliverer
from ..settings import host_allowed
from ..voting.closer import close_due_votes_quietly
from .compression import keep_uncompressed
from .health import RETRY_AFTER, outage_response
from .rendering import url_for

log = logging.getLogger("deliberation.web")

MAX_FLASHES = 3
MAX_FLASH_LENGTH = 300
#: For every page shown to someone signed in (names, e-mails, a ballot receipt): no cache keeps it,
#: not the browser's back-forward store on a shared computer, not a proxy.
NO_STORE = "no-store"


class SignInRequired(DomainError):
    status = 401


@dataclass
class Ctx:
    request: Request
    db: Session
    app_state: Any
    actor: User | None = None
    background: list = field(default_factory=list)
    _gate: Any = None
    #: The session whose "last seen" is due a write once the request is done (see endpoint).
    touch_session: str | None = None
    #: Pages about one person (account, reset links): never cached, even for a visitor not signed in.
    private: bool = False

    @property
    def lifetime(self) -> sessions.Lifetime:
        return sessions.Lifetime.of(self.settings)

    @property
    def form(self) -> dict:
        return self.request.state.form

    @property
    def settings(self):
        return self.app_state.settings

    @property
    def session(self) -> dict:
        return self.request.scope["delib_session"]

    def url(self, name: str, /, **params: Any) -> str:
        return url_for(self.request, name, **params)

    def absolute(self, path: str) -> str:
        """An address for an e-mail or a link to copy; ``path`` already carries the mount prefix."""
        origin = self.settings.base_url.rstrip("/") or f"{self.request.url.scheme}://{self.request.url.netloc}"
        return origin + path

    def mail_origin(self) -> str | None:
        """The origin for links that leave the site (e-mails, invitations), or None when there is
        no trustworthy one. The Host header is the visitor's to choose: a reset link built from
        ``Host: evil.example`` would hand the token to whoever owns that name. So only the
        configured ``base_url``, else this request's host if ``allowed_hosts`` names it."""
        return self._mail_origin

    @cached_property
    def _mail_origin(self) -> str | None:
        # Worked out once: every write request asks twice (a due vote's close, its letters).
        if self.settings.base_url:
            return self.settings.base_url.rstrip("/")
        url = self.request.url
        if url.hostname and host_allowed(self.settings, _host_of(url.netloc)):
            return f"{url.scheme}://{url.netloc}"
        return None

    def mail_link(self, path: str) -> str | None:
        origin = self.mail_origin()
        return origin + path if origin else None

    def redirect(self, name: str, /, *, query: dict | None = None, fragment: str = "", **params: Any) -> Response:
        target = (
            self.url(name, **params) + (f"?{urlencode(query)}" if query else "") + (f"#{fragment}" if fragment else "")
        )
        return self.redirect_to(target)

    def redirect_to(self, target: str) -> Response:
        # htmx follows an HX-Redirect header; a plain browser follows 303 See Other after a POST.
        if self.is_htmx:
            return Response(status_code=204, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)

    @property
    def reads(self) -> bool:
        """GET or HEAD: Starlette routes HEAD to the GET handler, and a page that is also a form
        must show the form for it. HEAD is a safe method, so CSRF does not guard it: taking the
        form's POST path for it would let a bare HEAD write."""
        return self.request.method in ("GET", "HEAD")

    @property
    def is_htmx(self) -> bool:
        return self.request.headers.get("hx-request") == "true" and self.request.headers.get("hx-boosted") != "true"

    def flash(self, message: str, kind: str = "success") -> None:
        """A message shown once on the next page (already translated).

        Kept in the cookie, so bounded: the newest few, each cut short, never a cookie the
        browser drops for being too large (which would sign the person out)."""
        flashes = list(self.session.get("flash", []))[-(MAX_FLASHES - 1) :]
        flashes.append([kind[:20], message[:MAX_FLASH_LENGTH]])
        self.session["flash"] = flashes

    def require_actor(self) -> User:
        if self.actor is None:
            raise SignInRequired("sign_in_required", N_("Please sign in to continue."))
        return self.actor

    def require(self, allowed: bool) -> None:
        """A page's own permission check: someone signed out is asked to sign in first, since the
        page may well be theirs once they have; everyone else is refused as an action refuses."""
        if not allowed and self.actor is None:
            raise SignInRequired("sign_in_required", N_("Please sign in to continue."))
        require(allowed)

    def render(self, template: str, context: dict | None = None, *, status: int = 200) -> Response:
        return self.app_state.render(self, template, context or {}, status=status)

    def keep_uncompressed(self) -> None:
        """The answer shows a secret of one person (a receipt, an invitation or reset token, the
        hall's code) beside text others can influence: it is sent uncompressed (web/compression.py)."""
        keep_uncompressed(self.request)

    def begin_writes(self) -> None:
        """For a handler declared ``@endpoint(reads_first=True)``: its reads and checks are done, its
        writes begin. On SQLite the reading transaction ends (it held no lock) and the next statement
        begins with BEGIN IMMEDIATE, so the write lock is held only for the writes; whatever the
        handler read can change in between only as far as the database's own rules allow, and the
        writes must rely on those. On PostgreSQL it is one transaction, as for any request."""
        if is_sqlite(self.db) and not sqlite_write_intent.get():
            self.db.commit()
            # Queue behind this process's other ballots first (see SessionFactory.write_gate); a
            # gate that does not open in time is passed by, and SQLite's busy timeout decides.
            gate = self.app_state.sessions.write_gate
            self._gate = gate if gate.acquire(timeout=write_gate.WAIT_S) else None
            sqlite_write_intent.set(True)

    def commit_writes(self) -> None:
        """Commit now and read on without the write lock: what follows only renders the answer."""
        try:
            self.db.commit()
        finally:
            self.release_gate()
        sqlite_write_intent.set(False)

    def release_gate(self) -> None:
        gate, self._gate = self._gate, None
        if gate is not None:
            gate.release()

    def client_address(self) -> str:
        client = self.request.client
        return client.host if client else "unknown"


def _host_of(netloc: str) -> str:
    """The host of ``netloc`` without its port, brackets kept around an IPv6 address."""
    if netloc.startswith("["):
        return netloc[: netloc.find("]") + 1]
    return netloc.rsplit(":", 1)[0] if ":" in netloc else netloc


def resolve_actor(ctx: Ctx) -> User | None:
    identity_provider = ctx.app_state.identity
    if identity_provider is not None:
        identity = identity_provider(ctx.request)
        if identity is None:
            return None
        if isinstance(identity, dict):
            identity = HostIdentity(
                external_id=str(identity["external_id"]),
                display_name=str(identity["display_name"]),
                roles=frozenset(identity.get("roles", ())),
                email=identity.get("email"),
            )
        if ctx.request.method in ("GET", "HEAD"):
            return _host_user_for_read(ctx, identity)
        return do_sync_host_user(ctx.db, identity=identity)
    found = sessions.get_session_user(ctx.db, token=ctx.session.get("sid", ""), lifetime=ctx.lifetime)
    if found is None:
        # Signed out elsewhere, timed out, or never was: this cookie signs nobody in any more.
        ctx.session.pop("sid", None)
        return None
    user, row = found
    if sessions.touch_due(row):
        ctx.touch_session = row.id_hash
    return user


def _host_user_for_read(ctx: Ctx, identity: HostIdentity) -> User:
    """A host's person met on a GET: a read stays a read, so a first sight (or a changed name or
    role) is written in a short unit of its own before the request's transaction begins."""
    user = host_user_in_step(ctx.db, identity=identity)
    if user is not None:
        return user
    # End the read transaction first: on SQLite it would keep reading from before the write.
    ctx.db.rollback()
    token = sqlite_write_intent.set(True)
    try:
        with ctx.app_state.sessions.begin() as db:
            user_id = saved_id(do_sync_host_user(db, identity=identity))
    finally:
        sqlite_write_intent.reset(token)
    user = account_queries.get_user(ctx.db, user_id)
    assert user is not None, "the host's person was just committed"
    return user


def endpoint(
    handler: Callable[[Ctx], Response] | None = None,
    *,
    unavailable: Callable[[Ctx], Response] | None = None,
    private: bool = False,
    reads_first: bool = False,
    waits: bool = False,
):
    """Use as ``@endpoint``; ``@endpoint(unavailable=page)`` shows ``page(ctx)`` instead of the plain
    503 page when the database fails for a moment (it must not touch the database), and
    ``@endpoint(private=True)`` marks a page about one person even before sign-in (a reset link's
    page), which must never be cached. ``reads_first``: a write request whose handler reads and
    checks everything first, then calls ``ctx.begin_writes()``; on SQLite it reads without the
    write lock until then. ``waits``: the handler waits long without running Python (see
    ``web.threads``)."""
    if handler is None:
        return lambda inner: endpoint(
            inner, unavailable=unavailable, private=private, reads_first=reads_first, waits=waits
        )

    @wraps(handler)
    def run(request: Request) -> Response:
        app_state = request.app.state.delib
        writes = request.method not in ("GET", "HEAD")
        db = app_state.sessions()
        ctx = Ctx(request=request, db=db, app_state=app_state, private=private)
        if writes:
            # Before this request takes the write lock (the session above has not begun yet): see
            # voting.closer for why not later.
            close_due_votes_quietly(app_state.sessions, resolve=mail_links(ctx))
        # Handlers run in worker threads, one request each, so the flag is this request's alone.
        sqlite_write_intent.set(writes and not reads_first)
        try:
            app_state.outbox.ensure_running()
            ctx.actor = resolve_actor(ctx)
            response = handler(ctx)
            letters = _letters_to_outbox(ctx)
            db.commit()
            _deliver_after_response(ctx, response, letters)
        except DomainError as error:
            db.rollback()
            response = error_response(ctx, error)
        except DBAPIError as error:
            _rollback_after_failure(db)
            if not is_transient(error):
                raise
            # Not an answer about the request: nothing was recorded, and saying so is the truth. A
            # database that is out (unreachable, read-only, full) gets the outage page and one log
            # line; a moment's trouble (a lock, a dropped connection) the "try again" page.
            outage = outage_response(request, error)
            if outage is None:
                log.warning("database unavailable during %s %s: %s", request.method, request.url.path, error.orig)
            response = unavailable(ctx) if unavailable else (outage or unavailable_response(ctx))
            response.headers.setdefault("Retry-After", RETRY_AFTER)
        except BaseException:
            db.rollback()
            raise
        finally:
            db.close()
            ctx.release_gate()  # after the rollback above, if the handler did not commit
        if ctx.touch_session:
            sessions.touch_session(app_state.bind, id_hash=ctx.touch_session)
        if (ctx.actor is not None or ctx.private) and "cache-control" not in response.headers:
            response.headers["Cache-Control"] = NO_STORE
        return response

    @wraps(handler)
    async def in_thread(request: Request) -> Response:
        return await request.app.state.delib.threads.run(run, request, waits=waits)

    return in_thread


def _rollback_after_failure(db: Session) -> None:
    try:
        db.rollback()
    except DBAPIError:  # the connection is gone; the server has rolled the transaction back itself
        log.debug("rollback after a database failure failed too", exc_info=True)


UNAVAILABLE = N_("Nothing was recorded: the server could not reach its database just now. Please try again.")


def unavailable_response(ctx: Ctx) -> Response:
    """503, rendered without the database or the actor (the session may be unusable)."""
    return ctx.app_state.render_plain(ctx.request, 503, UNAVAILABLE)


def mail_links(ctx: Ctx) -> Resolve | None:
    """Absolute links for letters, from the site's configured origin; None when there is none."""
    origin = ctx.mail_origin()
    return (lambda link: origin + link.path(ctx.url)) if origin is not None else None


def _letters_to_outbox(ctx: Ctx) -> list[Pending]:
    """E-mails the request queued (notifications.delivery.queue_mail), finished with links from the
    site's configured origin and written to the outbox in the request's own transaction."""
    origin = ctx.mail_origin()
    messages = take_mail(ctx.db, lambda link: (origin or "") + link.path(ctx.url))
    if messages and origin is None:
        log.warning(
            "Not sending %d e-mail(s): set DELIBERATION_BASE_URL or DELIBERATION_ALLOWED_HOSTS "
            "so links in them point at this site",
            len(messages),
        )
        return []
    lease = ctx.app_state.sessions.outbox_lease
    return [add_mail(ctx.db, message, **({"lease": lease} if lease else {})) for message in messages]


def _deliver_after_response(ctx: Ctx, response: Response, letters: list[Pending]) -> None:
    """Send the letters once the commit succeeded, after the response; a failure is retried by
    the outbox's sweeper (or by the next process, if this one dies first)."""
    if not letters:
        return
    tasks = BackgroundTasks()
    if response.background is not None:
        tasks.add_task(response.background)
    sessions, send = ctx.app_state.sessions, deliverer(sender=None, settings=ctx.settings)
    tasks.add_task(deliver, sessions, letters, send)
    response.background = tasks


def error_response(ctx: Ctx, error: DomainError) -> Response:
    if ctx.is_htmx and ctx.request.method == "POST" and getattr(ctx.request.state, "form", {}).get("back") == "console":
        # import here: the console's pages are built on this module (Ctx, endpoint), and a console
        # action refused under htmx is answered with the console region it aimed at.
        from .console import refusal_in_region

        refused = refusal_in_region(ctx, error)
        if refused is not None:
            return refused
    if isinstance(error, SignInRequired) and ctx.app_state.identity is None and ctx.reads:
        return RedirectResponse(ctx.url("login") + "?" + urlencode({"next": ctx.request.url.path}), status_code=303)
    errors = error.errors if isinstance(error, ValidationError) else {}
    return ctx.render(
        "errors/error.html",
        {"error": error, "message": error.message(), "errors": errors, "status": error.status},
        status=error.status,
    )
