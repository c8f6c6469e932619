"""A resolution's page and exports are cached as immutable, so they show only what was frozen at
adoption: renaming the workshop, the forum or a contributor afterwards changes none of their bytes,
in the process that cached them or in a fresh one."""

from __future__ import annotations

import pytest
from sqlalchemy import update
from starlette.testclient import TestClient

from deliberation import create_app
from deliberation.accounts.models import User
from deliberation.forums.models import Forum
from deliberation.workshops.models import Workshop

from .conftest import address

ADDRESSES = ["", ".md", ".txt", ".docx", ".json", ".akn.xml", "/print", ".jsonld"]


def _fetch(app, base: str) -> dict[str, bytes]:
    with TestClient(app) as anonymous:
        answers = {suffix: anonymous.get(base + suffix) for suffix in ADDRESSES}
    assert {suffix: r.status_code for suffix, r in answers.items()} == dict.fromkeys(ADDRESSES, 200)
    return {suffix: r.content for suffix, r in answers.items()}


@pytest.mark.parametrize("renamed", ["workshop", "forum", "contributor"])
def test_renaming_after_adoption_changes_no_byte_of_the_page_or_an_export_in_a_fresh_process(
    app, settings, connection, db, people, resolution, renamed
):
    before = _fetch(app, address(resolution))
    assert "Майстерня депутатів".encode() in before[""]
    if renamed == "workshop":
        db.execute(update(Workshop).where(Workshop.id == people["workshop"].id).values(title="Перейменована"))
    elif renamed == "forum":
        db.execute(update(Forum).where(Forum.id == people["forum"].id).values(title="Інший форум"))
    else:
        db.execute(update(User).where(User.id == people["member"].id).values(display_name="Інше Імʼя"))
    db.commit()
    # The app that cached the bytes, and a fresh one that renders them again from the database.
    assert _fetch(app, address(resolution)) == before
    assert _fetch(create_app(settings, engine=connection), address(resolution)) == before
