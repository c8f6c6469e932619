"""Building the Starlette app: state, middleware and routes."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import anyio
from sqlalchemy import Engine, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import get_route_path
from starlette.types import Scope

from ..db import SessionFactory, engine_for, saved_id
from ..errors import DomainError
from ..i18n import N_, get_locale, reset_locale, set_locale
from ..live.broker import Broker
from ..notifications.queries import unread_count
from ..outbox.delivery import Deliver, Pending
from ..outbox.senders import deliverer
from ..outbox.sweeper import Sweeper
from ..settings import LOCALES, Settings, check_secret_key
from ..voting.group_commit import BallotWriter
from ..voting.turnout import TurnoutPublisher
from ..wal import WalCheckpointer, needs_checkpointer
from ..wiring import wire
from . import accounts, api, health
from .compression import CompressionMiddleware
from .context import Ctx
from .fastpath import PublicFastPathMiddleware
from .forms import FormGuardMiddleware, csrf_token
from .locale import LocaleMiddleware
from .rendering import make_templates, static_version, url_for
from .route_index import index_routes
from .routes import routes
from .security import HEADERS as SECURITY_HEADERS
from .security import SecurityHeadersMiddleware
from .sessions import SessionMiddleware
from .threads import RequestThreads

IdentityProvider = Callable[[Request], Any]
log = logging.getLogger("deliberation.web")

# Messages for refusals that happen before any handler runs.
_GUARD_ERRORS = {
    "too_large": N_("What you sent is too large. Please shorten it and try again."),
    "bad_encoding": N_("What you sent contains text that is not valid UTF-8. Please retype it and try again."),
    "bad_form": N_("What you sent could not be read. Please try again."),
    "csrf": N_("This form has expired or did not come from this site. Please go back, reload the page and try again."),
}


class _LateDeliverer:
    """The outbox's deliverer for this app, made when first needed (the app exists only by then)."""

    def __init__(self, state: AppState) -> None:
        self.state = state
        self._deliver: Deliver | None = None

    def __call__(self, row: Pending) -> None:
        # Made once, not per row: the sweep delivers batches of a hundred.
        if self._deliver is None:
            self._deliver = deliverer(sender=self.state.sessions.sender, settings=self.state.settings)
        return self._deliver(row)


class AppState:
    """Everything one app instance needs, kept on ``app.state.delib`` (no import-time globals)."""

    # Set by create_app once the app is built.
    app: Starlette

    def __init__(
        self,
        settings: Settings,
        bind: Engine | Connection,
        identity: IdentityProvider | None,
        *,
        join_transaction_mode: str | None = None,
    ) -> None:
        self.settings = settings
        self.bind = bind
        self.identity = identity
        self.sessions = SessionFactory(
            bind,
            join_transaction_mode=join_transaction_mode,
            outbox_lease=timedelta(seconds=settings.outbox_lease_seconds),
        )
        # Only an app on its own engine sweeps: a test's app lives inside one connection's transaction.
        interval = settings.outbox_interval_seconds if isinstance(bind, Engine) else 0
        self.outbox = Sweeper(
            self.sessions,
            _LateDeliverer(self),
            interval=interval,
            lease=timedelta(seconds=settings.outbox_lease_seconds),
        )
        # An app inside a test's connection publishes each turnout at once, in the request's thread.
        self.turnout = TurnoutPublisher(
            self.sessions, interval=settings.live_turnout_seconds if isinstance(bind, Engine) else 0
        )
        # A served app on a SQLite file checkpoints the log in a thread of its own (deliberation.wal).
        self.checkpointer = WalCheckpointer(bind) if isinstance(bind, Engine) and needs_checkpointer(bind) else None
        if isinstance(bind, Engine):
            # Whoever disposes of the engine is done with this app (a test, a command): so are its threads.
            event.listen(bind, "engine_disposed", lambda _engine: self._stop_threads())
        self.templates = make_templates(settings.template_dirs)
        self.static_version = static_version()
        self._broker: Broker | None = None
        self.threads = RequestThreads(settings.request_threads)
        # First ballots written together (voting.group_commit); an app inside a test's connection,
        # which has only that one connection, casts each ballot alone.
        self.ballot_writer = BallotWriter(self.sessions) if isinstance(bind, Engine) else None

    def _stop_threads(self) -> None:
        self.outbox.stop()
        self.turnout.stop()
        if self.checkpointer is not None:
            self.checkpointer.stop()

    def live_broker(self):
        """This process's live event hub, for the running event loop (made on first use)."""
        loop = asyncio.get_running_loop()
        broker = self._broker
        if broker is None or (broker.loop is not None and broker.loop is not loop):
            engine = self.bind.engine if isinstance(self.bind, Connection) else self.bind
            settings = self.settings
            broker = self._broker = Broker(
                engine,
                poll_seconds=settings.live_poll_seconds,
                turnout_seconds=settings.live_turnout_seconds,
                heartbeat=settings.live_heartbeat_seconds,
                lifetime=settings.live_stream_seconds,
            )
        return broker

    def base_context(self, ctx: Ctx) -> dict:
        session = ctx.session
        flashes = session.pop("flash", []) if session.get("flash") else []
        return {
            "request": ctx.request,
            # The request bound once: the global ``url`` reads it from the template's context, and a
            # call that takes the context inside a loop copies the whole context first.
            "url": functools.partial(url_for, ctx.request),
            "actor": ctx.actor,
            "csrf_token": csrf_token(ctx.request.scope),
            "locale": get_locale(),
            "builtin_accounts": self.identity is None,
            "site_name": self.settings.site_name,
            "flashes": flashes,
            "current_path": ctx.request.url.path,
            "current_url": _path_with_query(ctx.request),
            # One indexed count per page, and only for someone signed in.
            "unread_count": unread_count(ctx.db, saved_id(ctx.actor)) if ctx.actor is not None else 0,
            # A forum's live pages set it: the page then listens to the forum's event stream.
            "live_url": "",
        }

    def render(self, ctx: Ctx, template: str, context: dict, *, status: int = 200) -> Response:
        full = self.base_context(ctx) | context
        return self.templates.TemplateResponse(ctx.request, template, full, status_code=status)

    async def render_guard_error(self, scope: Scope, status: int, code: str) -> Response:
        """The page for a request refused by middleware, before any handler ran.

        A form refused for its token (a session that ended while someone typed) shows the longer texts
        it carried, read-only, so nothing typed is lost; nothing is sent again from here."""
        kept = [
            (name, value)
            for name, value in scope.get("state", {}).get("refused_form", {}).items()
            if isinstance(value, str)
            and "password" not in name
            and name != "csrf_token"
            and ("\n" in value or len(value) > 80)
        ]
        return self.render_plain(Request(scope), status, _GUARD_ERRORS[code], kept=kept)

    def render_plain(
        self, request: Request, status: int, message: str, *, kept: list | None = None, extra: dict | None = None
    ) -> Response:
        """An error page that needs no database and no actor."""
        error = DomainError("http_error", message)
        context = {
            "request": request,
            "actor": None,
            "csrf_token": csrf_token(request.scope),
            "locale": get_locale(),
            "builtin_accounts": self.identity is None,
            "site_name": self.settings.site_name,
            "flashes": [],
            "current_path": request.url.path,
            "current_url": _path_with_query(request),
            "unread_count": 0,
            "live_url": "",
            "error": error,
            "status": status,
            "message": error.message(),
            "errors": {},
            "kept": kept or [],
            **(extra or {}),
        }
        return self.templates.TemplateResponse(request, "errors/error.html", context, status_code=status)


def _path_with_query(request: Request) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def create_app(
    settings: Settings | None = None,
    *,
    engine: Engine | Connection | None = None,
    identity: IdentityProvider | None = None,
) -> Starlette:
    """The Deliberation app, standalone or for a host to mount.

    ``settings`` default to the environment (``Settings.from_env``). ``engine`` is the host's (or a
    test's) engine or connection; without it one is made from ``settings.database_url``. The schema
    is not created here: run ``deliberation migrate`` (or ``deliberation.migrate.upgrade``).
    ``identity`` is the host's identity provider: a callable from the request to a
    ``HostIdentity`` (or a dict with external_id, display_name, roles, email), or None for anonymous;
    with it, the built-in registration and sign-in pages are switched off.
    """
    settings = settings or Settings.from_env()
    check_secret_key(settings.secret_key)
    wire()
    if settings.default_locale not in LOCALES:
        raise ValueError(f"default_locale must be one of {LOCALES}")
    bind = engine if engine is not None else engine_for(settings)
    # A test hands in a connection inside an outer transaction; sessions then use savepoints.
    join_mode = "create_savepoint" if isinstance(bind, Connection) else None
    state = AppState(settings, bind, identity, join_transaction_mode=join_mode)
    all_routes = routes()
    if identity is not None:
        all_routes = [r for r in all_routes if getattr(r, "name", None) not in accounts.BUILTIN_ONLY]
    app = Starlette(
        routes=all_routes,
        lifespan=_lifespan(state),
        middleware=[
            # First, so a public immutable answer is given again before anything else runs.
            Middleware(PublicFastPathMiddleware),
            # Pages too (the CSRF token is masked per page; pages with other secrets opt out), inside
            # the fast path so it keeps the compressed bytes and does not compress them again.
            Middleware(CompressionMiddleware),
            Middleware(SecurityHeadersMiddleware),
            # A request for a host we do not serve never reaches a handler, so nothing it builds
            # (a link, a redirect, a page) can carry that host.
            Middleware(TrustedHostMiddleware, allowed_hosts=list(settings.allowed_hosts), www_redirect=False),
            Middleware(
                SessionMiddleware,
                secret_key=settings.secret_key,
                secure=settings.secure_cookies,
                max_age=settings.session_max_hours * 3600,
            ),
            Middleware(LocaleMiddleware, default=settings.default_locale),
            # The API only reads and answers every other method with its own JSON 405, so it needs
            # no token (a tokenless POST must not get the site's HTML 403 page).
            Middleware(
                FormGuardMiddleware,
                max_body_bytes=settings.max_body_bytes,
                render_error=state.render_guard_error,
                csrf_exempt=_is_api,
            ),
        ],
        exception_handlers={
            404: _not_found,
            405: _not_allowed,
            sa_exc.DBAPIError: _database_error,
            sa_exc.TimeoutError: _database_error,
            Exception: _server_error,
        },
    )
    index_routes(app.router)
    app.state.delib = state
    state.sessions.sender = app
    state.app = app
    return app


def _lifespan(state: AppState):
    """A server (or a test's client) that runs the lifespan stops the turnout publisher before it lets
    go of the database; mounted in a host, which does not run ours, the engine's disposal does."""

    @asynccontextmanager
    async def lifespan(_app):
        state.turnout.start()
        if state.checkpointer is not None:
            state.checkpointer.start()
        try:
            yield
        finally:
            await anyio.to_thread.run_sync(state.turnout.stop)
            if state.checkpointer is not None:
                await anyio.to_thread.run_sync(state.checkpointer.stop)

    return lifespan


def _is_api(scope: Scope) -> bool:
    return get_route_path(scope).startswith("/api/")


async def _not_found(request: Request, exc: Exception) -> Response:
    if _is_api(request.scope):
        return api.not_found()
    return await _plain_error(
        request, 404, N_("This page does not exist. It may have moved, or the address may be mistyped.")
    )


async def _not_allowed(request: Request, exc: Exception) -> Response:
    return await _plain_error(request, 405, N_("This address does not accept that kind of request."))


async def _server_error(request: Request, exc: Exception) -> Response:
    # Runs outside our middleware (in Starlette's ServerErrorMiddleware), so it adds the security
    # headers itself and sets the visitor's language again (the middleware chose it in the scope);
    # the traceback goes to the log, never to the visitor.
    request.scope.setdefault("delib_session", {})
    token = set_locale(request.scope.get("delib_locale") or request.app.state.delib.settings.default_locale)
    try:
        response = health.outage_response(request, exc)
        if response is None:
            log.exception("Unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
            response = request.app.state.delib.render_plain(
                request,
                500,
                N_(
                    "Something broke on our side. Please try again in a minute; if it keeps happening, tell a coordinator."
                ),
            )
    finally:
        reset_locale(token)
    response.headers.update(SECURITY_HEADERS)
    return response


async def _database_error(request: Request, exc: Exception) -> Response:
    """An unreachable, read-only or full database: a 503 page, one line in the log."""
    return health.outage_response(request, exc) or await _server_error(request, exc)


async def _plain_error(request: Request, status: int, message: str) -> Response:
    return request.app.state.delib.render_plain(request, status, message)
