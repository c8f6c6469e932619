"""Votes: preparing, opening and closing them, ballots, receipts, and the live assembly screens."""

from __future__ import annotations

from starlette.routing import Route


def routes() -> list[Route]:
    return []
