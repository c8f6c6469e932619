"""Test clients for pages seen by several people at once."""

from __future__ import annotations

from starlette.testclient import TestClient

from deliberation.testing import sign_in


def signed_in_client(app, user) -> TestClient:
    """A browser of its own (its own cookies), signed in as ``user``."""
    client = TestClient(app)
    sign_in(client, user.email)
    return client
