"""Adopting a text freezes it as the next numbered resolution of the chain; its public page."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from deliberation.audit.models import AuditEntry
from deliberation.discussion import actions as discussion
from deliberation.drafting import queries as drafting_queries
from deliberation.drafting.actions import check_save_revision
from deliberation.errors import Conflict
from deliberation.resolutions import actions, queries, record
from deliberation.resolutions.chain import record_of
from deliberation.resolutions.models import Resolution
from deliberation.testing import make_closed_vote, make_document, make_forum, make_resolution
from deliberation.voting.counting import Rule
from deliberation.voting.models import Vote
from deliberation.workshops.queries import get_membership

from .example import TALLY

BODY = """# Звернення про громадський бюджет

Форум мережі звертається до міських рад.

1. Запровадити громадський бюджет.
2. Оприлюднювати звіти про його виконання."""

MARCH = datetime(2026, 3, 14, 10, 15, tzinfo=UTC)
MAY = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)


def _document(db, people, title="Звернення про громадський бюджет", **fields):
    return make_document(
        db, workshop=people["workshop"], author=people["facilitator"], kind="appeal", title=title, body=BODY, **fields
    )


def _adopt(db, people, closed_at, document=None, **vote):
    document = document or _document(db, people)
    return make_resolution(
        db, forum=people["forum"], document=document, actor=people["coordinator"], closed_at=closed_at, **vote
    )


def _stored(db, resolution_id) -> Resolution:
    """The row as the database has it, not the session's copy."""
    return db.exec(
        select(Resolution).where(Resolution.id == resolution_id).execution_options(populate_existing=True)
    ).one()


def test_resolutions_of_a_year_are_numbered_from_1(db, people):
    first = _adopt(db, people, MARCH)
    second = _adopt(db, people, MAY)
    assert (first.number, first.year, first.sequence) == ("2026/1", 2026, 1)
    assert (second.number, second.year, second.sequence) == ("2026/2", 2026, 2)


def test_a_new_year_in_kyiv_time_restarts_the_count(db, people):
    _adopt(db, people, MARCH)
    # 23:30 on 31 December in Kyiv is still 2026; 00:30 on 1 January is 2027, though UTC says 2026.
    late = _adopt(db, people, datetime(2026, 12, 31, 21, 30, tzinfo=UTC))
    new_year = _adopt(db, people, datetime(2026, 12, 31, 22, 30, tzinfo=UTC))
    later = _adopt(db, people, datetime(2027, 2, 1, 12, 0, tzinfo=UTC))
    assert [late.number, new_year.number, later.number] == ["2026/2", "2027/1", "2027/2"]
    assert [late.sequence, new_year.sequence, later.sequence] == [2, 3, 4]


def test_each_resolution_links_to_the_hash_of_the_one_before(db, people):
    chain = [_adopt(db, people, moment) for moment in (MARCH, MAY, datetime(2026, 6, 1, tzinfo=UTC))]
    assert chain[0].previous_hash is None
    assert [r.previous_hash for r in chain[1:]] == [r.hash for r in chain[:-1]]
    assert len({r.hash for r in chain}) == 3


def test_the_stored_hash_is_the_hash_of_the_stored_record(db, people):
    document = _document(db, people)
    db.commit()
    resolution = _adopt(
        db,
        people,
        MARCH,
        document=document,
        for_=31,
        against=4,
        abstain=5,
        registered=60,
        present=45,
        participants=40,
        quorum=(1, 2),
        secret=True,
        hand_counted=True,
    )
    db.commit()
    stored = _stored(db, resolution.id)
    assert stored.hash == record.resolution_hash(record_of(stored)) == resolution.hash
    assert len(stored.hash) == 64 and stored.previous_hash is None
    assert (stored.title, stored.kind, stored.text) == (document.title, "appeal", BODY)
    assert (stored.document_id, stored.revision_number, stored.workshop_id) == (document.id, 1, people["workshop"].id)
    assert (stored.forum_id, stored.forum_title, stored.vote_id) == (
        people["forum"].id,
        "Форум громад",
        resolution.vote_id,
    )
    assert stored.adopted_at.replace(tzinfo=stored.adopted_at.tzinfo or UTC) == MARCH
    assert (
        stored.rule
        == Rule(threshold="cast_majority", quorum_share="1/2", quorum_base="registered", secret=True).describe()
    )
    assert stored.tally == TALLY | {"hand_counted": True}
    assert stored.contributors == [{"id": people["facilitator"].id, "name": "Петро Гнатюк"}]


def test_sectors_and_themes_come_from_the_document(db, people):
    document = _document(db, people)
    document.sectors, document.themes = ["education"], ["budget"]
    db.add(document)
    resolution = _adopt(db, people, MARCH, document=document)
    assert (resolution.sectors, resolution.themes) == (["education"], ["budget"])


def test_contributors_are_every_author_up_to_the_adopted_revision_with_amendment_authors(db, people):
    document = _document(db, people)
    head = drafting_queries.get_revision(db, document_id=document.id, number=1)
    pid = next(p.pid for p in drafting_queries.paragraphs_of(head) if p.text.startswith("1."))
    amendment = discussion.check_propose_amendment(
        db,
        document=document,
        actor=people["guest"],
        data={
            "kind": "replace",
            "pid": pid,
            "proposed": "1. Запровадити громадський бюджет у 2027 році.",
            "rationale": "Потрібен строк.",
            "base": "1",
        },
    )
    membership = get_membership(db, workshop_id=people["workshop"].id, user_id=people["facilitator"].id)
    accepted = discussion.do_accept_amendment(
        db, amendment=amendment, document=document, actor=people["facilitator"], membership=membership
    )
    assert accepted.number == 2 and accepted.author_id == people["guest"].id
    # A later revision by someone else is not part of the adopted text.
    member = people["member"]
    check_save_revision(
        db,
        document=document,
        actor=member,
        membership=get_membership(db, workshop_id=people["workshop"].id, user_id=member.id),
        data={"base": "2", "title": document.title, "body": accepted.body + "\n\nЩе один абзац."},
    )
    resolution = _adopt(db, people, MARCH, document=document, revision_number=2)
    assert resolution.revision_number == 2 and "2027 році" in resolution.text
    expected = sorted(
        [{"id": people["facilitator"].id, "name": "Петро Гнатюк"}, {"id": people["guest"].id, "name": "Марія Савчук"}],
        key=lambda p: p["id"],
    )
    assert resolution.contributors == expected


def test_the_document_becomes_adopted_and_the_audit_log_says_so(db, people):
    document = _document(db, people)
    resolution = _adopt(db, people, MARCH, document=document)
    assert document.status == "adopted"
    entry = db.exec(select(AuditEntry).where(AuditEntry.action == "resolution.adopted")).one()
    assert (entry.actor_id, entry.object_type, entry.object_id) == (
        people["coordinator"].id,
        "resolution",
        resolution.id,
    )
    assert entry.details == {"number": "2026/1", "hash": resolution.hash}


def test_the_event_is_sent_after_commit(db, people, events_heard):
    resolution = _adopt(db, people, MARCH)
    assert not [name for name, _ in events_heard if name == "resolution adopted"]
    db.commit()
    heard = [payload for name, payload in events_heard if name == "resolution adopted"]
    assert heard == [
        {
            "resolution_id": resolution.id,
            "number": "2026/1",
            "document_id": resolution.document_id,
            "forum_id": people["forum"].id,
            "vote_id": resolution.vote_id,
            "hash": resolution.hash,
        }
    ]


def test_the_event_is_dropped_when_the_transaction_rolls_back(db, people, events_heard):
    _adopt(db, people, MARCH)
    db.rollback()
    assert not [name for name, _ in events_heard if name == "resolution adopted"]


def test_an_adoption_that_lost_a_race_retries_at_the_next_place(db, people, monkeypatch):
    winner = _adopt(db, people, MARCH)
    real_last, real_count = queries.get_last_resolution, queries.count_resolutions_in_year
    calls = []

    # The first attempt reads the chain as it was before the winner's row: it takes the same
    # sequence, number and previous hash, and the unique constraints make it fail.
    def stale_last(db_):
        calls.append("last")
        return None if len(calls) == 1 else real_last(db_)

    def stale_count(db_, year):
        return 0 if len(calls) == 1 else real_count(db_, year)

    monkeypatch.setattr(queries, "get_last_resolution", stale_last)
    monkeypatch.setattr(queries, "count_resolutions_in_year", stale_count)
    loser = _adopt(db, people, MAY)
    assert calls == ["last", "last"]
    assert (loser.sequence, loser.number, loser.previous_hash) == (2, "2026/2", winner.hash)
    assert [r.id for r in queries.list_chain(db)] == [winner.id, loser.id]


def test_a_vote_that_did_not_adopt_the_text_makes_no_resolution(db, people):
    document = _document(db, people)
    vote = make_closed_vote(
        db,
        forum=people["forum"],
        document=document,
        actor=people["coordinator"],
        for_=2,
        against=10,
        abstain=1,
        closed_at=MARCH,
    )
    revision = drafting_queries.get_revision(db, document_id=document.id, number=1)
    with pytest.raises(Conflict) as error:
        actions.do_adopt_resolution(db, vote=vote, document=document, revision=revision, forum=people["forum"])
    assert error.value.code == "vote_not_adopted"
    assert queries.list_chain(db) == [] and document.status == "draft"


def test_one_vote_makes_one_resolution(db, people):
    resolution = _adopt(db, people, MARCH)
    vote = db.get(Vote, resolution.vote_id)
    document = drafting_queries.get_document(db, resolution.document_id)
    revision = drafting_queries.get_revision(db, document_id=document.id, number=1)
    with pytest.raises(Conflict) as error:
        actions.do_adopt_resolution(db, vote=vote, document=document, revision=revision, forum=people["forum"])
    assert error.value.code == "already_adopted"


def test_queries_find_resolutions_by_number_document_and_forum(db, people):
    first = _adopt(db, people, MARCH)
    other_forum = make_forum(db, creator=people["coordinator"], title="Інший форум")
    second = make_resolution(
        db, forum=other_forum, document=_document(db, people), actor=people["coordinator"], closed_at=MAY
    )
    assert queries.get_resolution(db, first.id) is first
    assert queries.get_resolution_by_number(db, 2026, 2) is second
    assert queries.get_resolution_by_number(db, 2026, 3) is None
    assert queries.get_resolution_for_document(db, first.document_id) is first
    assert queries.list_resolutions(db) == [second, first]
    assert queries.list_resolutions(db, forum_id=other_forum.id) == [second]
    assert queries.list_resolutions(db, limit=1) == [second]
    assert queries.list_chain(db) == [first, second]


# --- the public pages ----------------------------------------------------------------------------


def test_the_resolution_page_is_public_and_shows_the_whole_record(client, db, people):
    first = _adopt(db, people, MARCH)
    second = _adopt(db, people, MAY, for_=31, against=4, abstain=5, registered=60, present=45, hand_counted=True)
    db.commit()
    response = client.get("/resolutions/2026/2")
    assert response.status_code == 200 and response.template.name == "resolutions/page.html"
    page = response.text
    assert "2026/2" in page and second.title in page and "Форум громад" in page
    assert f'href="/forums/{people["forum"].id}"' in page
    revision = drafting_queries.get_revision(db, document_id=second.document_id, number=1)
    for pid in revision.paragraph_ids:  # the same stable paragraph ids as the document's page
        assert f'id="p-{pid}"' in page
    assert "<h1" in page and "<script>" not in page and "style=" not in page
    for group in (second.hash[i : i + 16] for i in range(0, 64, 16)):
        assert group in page
    assert first.hash[:16] in page  # the previous hash
    assert response.context["tally_rows"][0][1] == 31 and response.context["quorum_reached"] is True
    assert "Петро Гнатюк" in page and "RFC 8785" in page and "deliberation verify" in page


def test_the_first_resolution_says_it_has_no_previous_hash(client, db, people):
    _adopt(db, people, MARCH)
    db.commit()
    client.post("/language", data={"lang": "en", "csrf_token": _csrf(client)})
    page = client.get("/resolutions/2026/1").text
    assert "none: this is the first resolution" in page


def test_a_missing_number_is_not_found(client, db, people):
    _adopt(db, people, MARCH)
    db.commit()
    assert client.get("/resolutions/2026/2").status_code == 404
    assert client.get("/resolutions/2025/1").status_code == 404


def test_the_list_shows_resolutions_newest_first(client, db, people):
    _adopt(db, people, MARCH, document=_document(db, people, title="Перше звернення"))
    _adopt(db, people, MAY, document=_document(db, people, title="Друге звернення"))
    db.commit()
    response = client.get("/resolutions")
    assert response.status_code == 200
    page = response.text
    assert page.index("Друге звернення") < page.index("Перше звернення")
    assert 'href="/resolutions/2026/1"' in page and 'href="/resolutions/2026/2"' in page


def _csrf(client):
    from deliberation.testing import csrf_token

    return csrf_token(client)
