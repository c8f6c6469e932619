"""The read-only open data API at /api/v1/, with its OpenAPI document."""

from __future__ import annotations

from starlette.routing import Route


def routes() -> list[Route]:
    return []
