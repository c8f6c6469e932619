"""The site's map: every page and action, by the module that answers it."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from . import (
    accounts,
    admin,
    amendments,
    api,
    assembly,
    booth,
    calendar,
    comments,
    console,
    consultations,
    delegates,
    drafting,
    exports,
    feeds,
    forums,
    health,
    home,
    live,
    moderation,
    notifications,
    places,
    polls,
    practices,
    projector,
    proposals,
    reports,
    resolutions,
    voting,
    workshops,
)
from .rendering import STATIC_DIR


def routes() -> list:
    return [
        Route("/", home.index, name="home"),
        Route("/healthz", home.health, name="health"),
        Route("/readyz", health.ready, name="ready"),
        Route("/language", home.set_language, methods=["POST"], name="language"),
        *accounts.routes(),
        *workshops.routes(),
        *forums.routes(),
        *proposals.routes(),
        *polls.routes(),
        *calendar.routes(),
        *assembly.routes(),
        *delegates.routes(),
        *console.routes(),
        *voting.routes(),
        *booth.routes(),
        *projector.routes(),
        *live.routes(),
        *resolutions.routes(),
        *feeds.routes(),
        *exports.routes(),
        *api.routes(),
        *drafting.routes(),
        *comments.routes(),
        *amendments.routes(),
        *notifications.routes(),
        *admin.routes(),
        *places.routes(),
        *reports.routes(),
        *practices.routes(),
        *moderation.routes(),
        *consultations.routes(),
        Mount("/static", app=CachedStaticFiles(directory=STATIC_DIR), name="static"),
    ]


class CachedStaticFiles(StaticFiles):
    """Static files are addressed with a content version, so they may be cached for a year."""

    def file_response(self, *args, **kwargs) -> Response:
        response = super().file_response(*args, **kwargs)
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        # The ETag alone validates a copy; Last-Modified and Accept-Ranges (no file of ours is worth
        # resuming) were 66 bytes more on each of a page's ten static responses on a slow line.
        for redundant in ("last-modified", "accept-ranges"):
            if redundant in response.headers:
                del response.headers[redundant]
        return response
