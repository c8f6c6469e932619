"""Signed-in members find the drafts they may read beside the resolutions; the public never does."""

from __future__ import annotations

from deliberation.testing import make_document, make_forum, make_resolution, make_user, make_workshop, sign_in


def test_a_member_finds_matching_drafts_in_the_library_and_the_public_does_not(client, db):
    chair = make_user(db, coordinator=True)
    author = make_user(db)
    reader = make_user(db)
    workshop = make_workshop(db, creator=chair, facilitators=(author,))
    forum = make_forum(db, creator=chair, status="open")
    adopted = make_document(
        db, workshop=workshop, author=author, title="Про сквер", body="Облаштувати сквер у громаді."
    )
    make_resolution(db, forum=forum, document=adopted, actor=chair)
    draft = make_document(
        db, workshop=workshop, author=author, title="Чернетка про сквери", body="Сквери громад потребують лавок."
    )
    db.commit()
    anonymous = client.get("/library", params={"q": "сквер"})
    assert "Про сквер" in anonymous.text and "Чернетка про сквери" not in anonymous.text
    sign_in(client, reader.email)
    member = client.get("/library", params={"q": "сквер"})
    assert "Чернетка про сквери" in member.text and f'href="/documents/{draft.id}"' in member.text
    assert member.headers["cache-control"] == "private, no-cache"
