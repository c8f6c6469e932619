"""Resolutions as plain objects, for testing the renderers without a database."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

from deliberation.exports.source import ResolutionSource, source_of
from deliberation.resolutions.chain import record_of
from deliberation.resolutions.record import resolution_hash
from deliberation.voting.counting import Rule

from ..resolutions.example import TALLY
from .conftest import ADOPTED, FIRST


def fake_source(
    *,
    kind: str = "council_decision",
    text: str = ADOPTED,
    number: str = "2026/3",
    previous_hash: str | None = None,
    first_text: str | None = FIRST,
    title: str = "Про громадський бюджет",
) -> ResolutionSource:
    resolution = SimpleNamespace(
        number=number,
        title=title,
        kind=kind,
        text=text,
        adopted_at=datetime(2026, 3, 14, 10, 15, tzinfo=UTC),
        forum_id=7,
        forum_title="Форум громад",
        rule=Rule().describe(),
        tally=dict(TALLY),
        contributors=[{"id": 3, "name": "Ігор Мельник"}, {"id": 12, "name": "Олена Коваль"}],
        document_id=41,
        revision_number=2,
        previous_hash=previous_hash,
        hash="",
    )
    resolution.hash = resolution_hash(record_of(resolution))
    return source_of(resolution, first_text=first_text)
