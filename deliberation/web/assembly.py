"""Forum assembly pages: the agenda, delegates and proxies, and the speakers' lists."""

from __future__ import annotations

from starlette.routing import Route


def routes() -> list[Route]:
    return []
