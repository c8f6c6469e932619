"""The whole path over HTTP: submit, put on the agenda, register delegates, vote an amendment, vote the
final text; the resolution holds the right text, tally, hash and contributors."""

from __future__ import annotations

import re

from deliberation.discussion.actions import check_propose_amendment
from deliberation.drafting.queries import get_document_view, paragraphs_of
from deliberation.resolutions import queries as resolutions
from deliberation.resolutions.chain import record_of
from deliberation.resolutions.record import resolution_hash
from deliberation.testing import make_document, make_forum, make_user, make_workshop, post, sign_in
from deliberation.voting.models import Vote

BODY = (
    "Ічнянська міська рада вирішила:\n\n"
    "1. Створити молодіжну раду при міській раді.\n\n"
    "2. Виділити приміщення для її засідань у центрі громади."
)


def _as(client, user):
    client.cookies.clear()
    sign_in(client, user.email)


def _vote(client, chair, forum, item, **form) -> int:
    _as(client, chair)
    response = post(
        client,
        f"/forums/{forum.id}/agenda/{item}/votes/new",
        {
            "threshold": "cast_majority",
            "quorum_num": "1",
            "quorum_den": "2",
            "quorum_base": "registered",
            "mode": "hall",
            **form,
        },
    )
    assert response.status_code == 303, response.text[:300]
    vote_id = int(response.headers["location"].rsplit("/", 1)[1])
    assert post(client, f"/votes/{vote_id}/open").status_code == 303
    return vote_id


def _ballots(client, vote_id, delegates, choices):
    for person, choice in zip(delegates, choices):
        _as(client, person)
        assert (
            post(
                client, f"/votes/{vote_id}/ballot", {"choice": choice}, token_page=f"/votes/{vote_id}/booth"
            ).status_code
            == 303
        )


def test_from_submission_to_a_resolution_with_its_tally_hash_and_contributors(client, db, events_heard):
    chair = make_user(db, coordinator=True)
    facilitator = make_user(db, display_name="Петро Гнатюк")
    amender = make_user(db, display_name="Марія Савчук")
    delegates = [make_user(db, display_name=f"Делегат {n}") for n in range(1, 6)]
    workshop = make_workshop(db, creator=chair, facilitators=(facilitator,))
    document = make_document(
        db, workshop=workshop, author=facilitator, kind="council_decision", title="Про молодіжну раду", body=BODY
    )
    paragraph = next(
        p
        for p in paragraphs_of(get_document_view(db, document_id=document.id).revision)
        if "у центрі громади" in p.text
    )
    start = paragraph.text.index("у центрі громади")
    amendment = check_propose_amendment(
        db,
        document=document,
        actor=amender,
        data={
            "kind": "replace",
            "pid": paragraph.pid,
            "start": str(start),
            "end": str(start + len("у центрі громади")),
            "proposed": "у будинку культури",
            "rationale": "Там уже є зала.",
        },
    )
    forum = make_forum(db, creator=chair, title="Форум молоді")
    db.commit()

    _as(client, facilitator)
    assert (
        post(client, f"/documents/{document.id}/submit", {"forum_id": str(forum.id), "confirm": "1"}).status_code == 303
    )
    _as(client, chair)
    page = client.get(f"/forums/{forum.id}").text
    item = int(re.search(r"/agenda/(\d+)/accept", page).group(1))
    assert post(client, f"/forums/{forum.id}/agenda/{item}/accept").status_code == 303
    for person in delegates:
        _as(client, person)
        assert post(client, f"/forums/{forum.id}/delegates").status_code == 303
    _as(client, chair)
    # The forum meets a month from now: opening it today takes the tick that it opens outside its dates.
    assert post(client, f"/forums/{forum.id}/status", {"status": "open", "outside_dates": "1"}).status_code == 303

    amendment_vote = _vote(client, chair, forum, item, subject="amendment", amendment_id=str(amendment.id))
    _ballots(client, amendment_vote, delegates, ["for", "for", "for", "against", "abstain"])
    _as(client, chair)
    assert post(client, f"/votes/{amendment_vote}/close").status_code == 303

    final_vote = _vote(client, chair, forum, item, subject="final", threshold="two_thirds")
    _ballots(client, final_vote, delegates, ["for", "for", "for", "for", "against"])
    _as(client, chair)
    assert post(client, f"/votes/{final_vote}/close").status_code == 303

    db.expire_all()
    vote = db.get(Vote, final_vote)
    resolution = resolutions.get_resolution_for_document(db, document.id)
    assert resolution.vote_id == vote.id and resolution.number.endswith("/1")
    assert "у будинку культури" in resolution.text and "у центрі громади" not in resolution.text
    assert resolution.tally == {
        "for": 4,
        "against": 1,
        "abstain": 0,
        "registered": 5,
        "present": 5,
        "participants": 5,
        "quorum_reached": True,
        "hand_counted": False,
    }
    assert resolution.rule["threshold"] == "two_thirds"
    assert {c["name"] for c in resolution.contributors} == {"Петро Гнатюк", "Марія Савчук"}
    assert resolution.hash == resolution_hash(record_of(resolution)) and resolution.previous_hash is None
    assert resolution.revision_number == vote.revision_number == 2
    names = [name for name, _ in events_heard]
    assert names.count("vote opened") == 2 and names.count("vote closed") == 2
    assert "resolution adopted" in names
    year, n = resolution.number.split("/")
    page = client.get(f"/resolutions/{year}/{n}").text
    assert resolution.hash[:16] in page and "Марія Савчук" in page
