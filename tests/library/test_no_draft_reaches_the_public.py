"""A draft never reaches the public: no page, export, feed, search, sitemap or API shows its words.

One sweep over every public address, for an anonymous visitor, with a draft, a submitted draft and
a draft that a forum voted down beside one adopted resolution.
"""

from __future__ import annotations

import pytest

from deliberation.forums.models import AgendaItem
from deliberation.testing import make_closed_vote, make_document, make_forum, make_resolution, make_user, make_workshop

# Words no public text contains, one per draft: found anywhere public, the test names the leak.
DRAFT_WORDS = {"draft": "чорнеткобудування", "submitted": "подавальниковість", "rejected": "відхилянковість"}
ADOPTED_WORD = "водогінництво"


@pytest.fixture
def world(db):
    chair = make_user(db, coordinator=True)
    author = make_user(db)
    workshop = make_workshop(db, creator=chair, facilitators=(author,))
    forum = make_forum(db, creator=chair, status="open")
    adopted = make_document(
        db,
        workshop=workshop,
        author=author,
        title="Ухвалене звернення",
        body=f"Громада підтримує {ADOPTED_WORD} у селах.",
    )
    resolution = make_resolution(db, forum=forum, document=adopted, actor=chair)
    drafts = {}
    for state, word in DRAFT_WORDS.items():
        drafts[state] = make_document(
            db, workshop=workshop, author=author, title=f"Чернетка {word}", body=f"Текст чернетки: {word} і ще {word}."
        )
    drafts["submitted"].status = "submitted"
    db.add(
        AgendaItem(
            forum_id=forum.id,
            document_id=drafts["submitted"].id,
            revision_number=1,
            status="scheduled",
            title="Питання порядку денного",
            submitted_by=author.id,
            position=5,
        )
    )
    vote = make_closed_vote(db, forum=forum, document=drafts["rejected"], actor=chair, for_=1, against=15)
    assert not vote.is_adopted
    db.commit()
    year, n = resolution.number.split("/")
    return {"forum": forum, "workshop": workshop, "resolution": f"{year}/{n}", "drafts": drafts}


def _public_addresses(world) -> list[str]:
    r, forum, workshop = world["resolution"], world["forum"].id, world["workshop"].id
    words = list(DRAFT_WORDS.values())
    return [
        "/",
        "/library",
        "/library?sort=oldest",
        *(f"/library?q={w}" for w in words),
        f"/resolutions/{r}",
        f"/resolutions/{r}/history",
        f"/resolutions/{r}/compare?from=1&to=1",
        f"/resolutions/{r}.md",
        f"/resolutions/{r}.txt",
        f"/resolutions/{r}.json",
        f"/resolutions/{r}.akn.xml",
        f"/resolutions/{r}/print",
        f"/resolutions/{r}/table",
        "/feeds/resolutions.atom",
        f"/feeds/resolutions.atom?forum={forum}",
        "/sitemap.xml",
        "/forums",
        f"/forums/{forum}",
        f"/forums/{forum}/minutes",
        f"/forums/{forum}/delegates",
        f"/forums/{forum}/projector",
        f"/forums/{forum}/live/state",
        "/workshops",
        f"/workshops/{workshop}",
        "/api/v1/resolutions",
        *(f"/api/v1/resolutions?q={w}" for w in words),
        f"/api/v1/resolutions/{r}",
        "/api/v1/forums",
        f"/api/v1/forums/{forum}",
        "/api/v1/workshops",
        f"/api/v1/workshops/{workshop}",
        "/api/v1/openapi.json",
    ]


def test_no_public_address_shows_a_draft(client, world):
    pages = {}
    for path in _public_addresses(world):
        response = client.get(path)
        assert response.status_code == 200, f"{path}: {response.status_code}"
        pages[path] = response.text
    # A draft's text is never public. Its title is, where a forum's own record names the items it
    # put on its agenda and voted on (the agenda, minutes, the hall screen, what it voted down), as
    # at any public assembly; nowhere else. A search page echoes its query, so there only the title
    # and the text count.
    assembly_record = {
        f"/forums/{world['forum'].id}",
        f"/forums/{world['forum'].id}/minutes",
        f"/forums/{world['forum'].id}/projector",
        f"/forums/{world['forum'].id}/live/state",
    }
    leaks = [
        (path, state)
        for path, text in pages.items()
        for state, word in DRAFT_WORDS.items()
        if "Текст чернетки" in text
        or (path not in assembly_record and (f"Чернетка {word}" in text or (word in text and "q=" not in path)))
    ]
    assert leaks == []
    # The sweep can see what is public: the adopted text is there, in the library and its search.
    assert ADOPTED_WORD in pages[f"/resolutions/{world['resolution']}"]
    assert ADOPTED_WORD in client.get(f"/library?q={ADOPTED_WORD}").text
    found = client.get("/api/v1/resolutions", params={"q": ADOPTED_WORD}).json()["items"]
    assert [item["number"] for item in found] == [world["resolution"]]


@pytest.mark.parametrize("state", list(DRAFT_WORDS))
def test_a_draft_and_its_derived_pages_need_a_member(client, world, state):
    document = world["drafts"][state]
    for path in (
        f"/documents/{document.id}",
        f"/documents/{document.id}/history",
        f"/documents/{document.id}/compare?from=1&to=1",
        f"/documents/{document.id}/compare/table?from=1&to=1",
        f"/documents/{document.id}/compare/table.docx?from=1&to=1",
        f"/documents/{document.id}/attribution",
        f"/documents/{document.id}/comments",
        f"/documents/{document.id}/amendments",
    ):
        response = client.get(path, follow_redirects=False)
        assert response.status_code in (303, 401, 404), path
        assert DRAFT_WORDS[state] not in response.text, path
