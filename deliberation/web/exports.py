"""Exports of resolutions (Markdown, text, print, DOCX, JSON, Akoma Ntoso), comparative tables, DOCX import."""

from __future__ import annotations

from starlette.routing import Route


def routes() -> list[Route]:
    return []
