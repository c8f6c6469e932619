from __future__ import annotations

import pytest

from .world import build_library


@pytest.fixture
def library(db):
    built = build_library(db)
    db.commit()
    return built


@pytest.fixture
def openapi(client):
    """The document as the API serves it."""
    return client.get("/api/v1/openapi.json").json()
