"""What every handler gets: the request, a database session, the actor, the form, and helpers.

``endpoint`` turns a plain synchronous function of a ``Ctx`` into a Starlette endpoint that owns
the transaction: commit when the handler returns, roll back when it raises, so bad input writes
nothing. Domain errors become a 4xx page in the visitor's language.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from sqlmodel import Session
from starlette.background import BackgroundTasks
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ..accounts import queries as account_queries
from ..accounts.actions import HostIdentity, do_sync_host_user
from ..accounts.models import User
from ..db import sqlite_write_intent
from ..errors import DomainError, Forbidden, ValidationError
from ..i18n import N_
from ..notifications.delivery import take_mail
from ..outbox.delivery import Pending, add_mail, deliver
from ..outbox.senders import deliverer
from .rendering import url_for

log = logging.getLogger("deliberation.web")


class SignInRequired(DomainError):
    status = 401


@dataclass
class Ctx:
    request: Request
    db: Session
    app_state: Any
    actor: User | None = None
    background: list = field(default_factory=list)

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

    def redirect(self, name: str, /, *, query: dict | None = None, fragment: str = "", **params: Any) -> Response:
        target = self.url(name, **params) + (f"?{urlencode(query)}" if query else "") + (f"#{fragment}" if fragment else "")
        return self.redirect_to(target)

    def redirect_to(self, target: str) -> Response:
        # htmx follows an HX-Redirect header; a plain browser follows 303 See Other after a POST.
        if self.is_htmx:
            return Response(status_code=204, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)

    @property
    def is_htmx(self) -> bool:
        return self.request.headers.get("hx-request") == "true" and self.request.headers.get("hx-boosted") != "true"

    def flash(self, message: str, kind: str = "success") -> None:
        """A message shown once on the next page (already translated)."""
        flashes = list(self.session.get("flash", []))
        flashes.append([kind, message])
        self.session["flash"] = flashes

    def require_actor(self) -> User:
        if self.actor is None:
            raise SignInRequired("sign_in_required", N_("Please sign in to continue."))
        return self.actor

    def require(self, allowed: bool) -> None:
        if not allowed:
            if self.actor is None:
                raise SignInRequired("sign_in_required", N_("Please sign in to continue."))
            raise Forbidden("forbidden", N_("You do not have permission to do this."))

    def render(self, template: str, context: dict | None = None, *, status: int = 200) -> Response:
        return self.app_state.render(self, template, context or {}, status=status)

    def client_address(self) -> str:
        client = self.request.client
        return client.host if client else "unknown"


def resolve_actor(ctx: Ctx) -> User | None:
    identity_provider = ctx.app_state.identity
    if identity_provider is not None:
        identity = identity_provider(ctx.request)
        if identity is None:
            return None
        if isinstance(identity, dict):
            identity = HostIdentity(external_id=str(identity["external_id"]),
                                    display_name=str(identity["display_name"]),
                                    roles=frozenset(identity.get("roles", ())), email=identity.get("email"))
        return do_sync_host_user(ctx.db, identity=identity)
    user_id = ctx.session.get("uid")
    if not user_id:
        return None
    user = account_queries.get_user(ctx.db, user_id)
    # A changed password bumps the epoch and so ends every other session.
    if user is None or not user.is_active or user.session_epoch != ctx.session.get("epoch"):
        ctx.session.pop("uid", None)
        return None
    return user


def endpoint(handler: Callable[[Ctx], Response]) -> Callable[[Request], Response]:
    @wraps(handler)
    def run(request: Request) -> Response:
        app_state = request.app.state.delib
        # Handlers run in worker threads, one request each, so the flag is this request's alone.
        sqlite_write_intent.set(request.method not in ("GET", "HEAD"))
        db = app_state.sessions()
        ctx = Ctx(request=request, db=db, app_state=app_state)
        try:
            app_state.outbox.ensure_running()
            ctx.actor = resolve_actor(ctx)
            response = handler(ctx)
            letters = _letters_to_outbox(ctx)
            db.commit()
            _deliver_after_response(ctx, response, letters)
            return response
        except DomainError as error:
            db.rollback()
            return error_response(ctx, error)
        except BaseException:
            db.rollback()
            raise
        finally:
            db.close()

    return run


def _letters_to_outbox(ctx: Ctx) -> list[Pending]:
    """E-mails the request queued (notifications.delivery.queue_mail), finished with links made
    absolute for this site and written to the outbox in the request's own transaction."""
    messages = take_mail(ctx.db, lambda link: ctx.absolute(link.path(ctx.url)))
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
    if isinstance(error, SignInRequired) and ctx.app_state.identity is None and ctx.request.method == "GET":
        return RedirectResponse(ctx.url("login") + "?" + urlencode({"next": ctx.request.url.path}), status_code=303)
    errors = error.errors if isinstance(error, ValidationError) else {}
    return ctx.render("errors/error.html", {"error": error, "message": error.message(), "errors": errors,
                                            "status": error.status}, status=error.status)
