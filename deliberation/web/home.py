"""The front page, the language switch and the health check."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from ..accounts.actions import do_set_locale
from ..db import saved_id
from ..forums import queries as forum_queries
from ..settings import LOCALES
from ..workshops import queries as workshop_queries
from .context import Ctx, endpoint
from .home_sections import needs_now
from .locale import COOKIE_NAME as LANG_COOKIE


@endpoint
def index(ctx: Ctx) -> Response:
    """Everyone sees the network's workshops and forums; a signed-in member first sees what needs
    them now (``home_sections``), each item one tap from its action."""
    needs = needs_now(ctx, saved_id(ctx.actor)) if ctx.actor is not None else []
    return ctx.render(
        "home/index.html",
        {
            "needs": needs,
            "workshops": workshop_queries.list_workshops(ctx.db)[:8],
            "forums": forum_queries.list_forums(ctx.db)[:5],
        },
    )


@endpoint
def set_language(ctx: Ctx) -> Response:
    """Remember the chosen language in a cookie and, for members, in their profile."""
    locale = ctx.form.get("lang", "")
    target = safe_next(ctx, ctx.form.get("next", "")) or ctx.url("home")
    response = RedirectResponse(target, status_code=303)
    if locale in LOCALES:
        if ctx.actor is not None:
            do_set_locale(ctx.db, user=ctx.actor, locale=locale)
        set_language_cookie(ctx, response, locale)
    return response


def set_language_cookie(ctx: Ctx, response: Response, locale: str) -> None:
    response.set_cookie(
        LANG_COOKIE,
        locale,
        max_age=365 * 24 * 3600,
        path=ctx.request.scope.get("root_path") or "/",
        samesite="lax",
        httponly=True,
        secure=ctx.request.url.scheme == "https" or ctx.settings.secure_cookies == "always",
    )


def safe_next(ctx: Ctx, target: str) -> str:
    """Only paths inside this app: an open redirect would help phishing."""
    root = ctx.request.scope.get("root_path", "")
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return ""
    if root and not (target == root or target.startswith(root + "/")):
        return ""
    return target


async def health(request: Request) -> Response:
    return JSONResponse({"status": "ok"})
