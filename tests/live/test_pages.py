"""The forum's pages listen to its event stream, show the call to vote, and refresh themselves
without JavaScript where it matters."""

from __future__ import annotations

import re

import pytest

from deliberation.testing import make_sitting, sign_in
from deliberation.voting import actions, closing


@pytest.fixture
def sitting(db):
    s = make_sitting(db, delegates=2)
    s.vote = actions.check_prepare_vote(db, item=s.item, forum=s.forum, actor=s.chair, data={"title": "Про бюджет"})
    db.commit()
    return s


def _open(db, s):
    actions.do_open_vote(db, vote=s.vote, forum=s.forum, actor=s.chair)
    db.commit()


def _listens(html: str, forum_id: int) -> bool:
    return (
        bool(re.search(rf'<body[^>]* hx-ext="sse" sse-connect="/forums/{forum_id}/events\?after=\d+"', html))
        and "/static/vendor/htmx-ext-sse.js" in html
    )


def test_forum_and_agenda_item_pages_listen_and_announce_the_call_politely(client, sitting):
    for path in (f"/forums/{sitting.forum.id}", f"/forums/{sitting.forum.id}/agenda/{sitting.item.id}"):
        html = client.get(path).text
        assert _listens(html, sitting.forum.id), path
        region = re.search(r'<div id="vote-call"[^>]*>', html).group(0)
        assert 'aria-live="polite"' in region and 'hx-trigger="sse:vote-opened, sse:vote-closed"' in region
        assert f'hx-get="/forums/{sitting.forum.id}/vote-call"' in region


def test_a_delegate_is_called_to_the_booth_in_one_tap_once_a_vote_opens(client, db, sitting):
    sign_in(client, sitting.delegates[0].email)
    assert "vote-call-button" not in client.get(f"/forums/{sitting.forum.id}").text
    _open(db, sitting)
    for path in (
        f"/forums/{sitting.forum.id}",
        f"/forums/{sitting.forum.id}/agenda/{sitting.item.id}",
        f"/forums/{sitting.forum.id}/vote-call",
    ):
        html = client.get(path).text
        assert re.search(
            rf'<a class="button vote-call-button" href="/votes/{sitting.vote.id}/booth">Голосувати</a>', html
        ), path


def test_a_reader_who_does_not_vote_is_told_of_the_vote_without_a_booth_button(client, db, sitting):
    _open(db, sitting)
    html = client.get(f"/forums/{sitting.forum.id}/vote-call").text
    assert "Триває голосування" in html and "vote-call-button" not in html
    assert f'href="/votes/{sitting.vote.id}"' in html


def test_after_the_close_the_call_gives_way_to_the_result(client, db, sitting):
    _open(db, sitting)
    actions.check_cast_ballot(db, vote=sitting.vote, actor=sitting.delegates[0], data={"choice": "for"})
    closing.do_close_vote(db, vote=sitting.vote, forum=sitting.forum, actor=sitting.chair)
    db.commit()
    html = client.get(f"/forums/{sitting.forum.id}/vote-call").text
    assert "Голосування завершене" in html and "vote-call-button" not in html


def test_the_booth_listens_and_refreshes_itself_without_javascript_only_while_open(client, db, sitting):
    _open(db, sitting)
    sign_in(client, sitting.delegates[0].email)
    html = client.get(f"/votes/{sitting.vote.id}/booth").text
    assert _listens(html, sitting.forum.id)
    assert '<noscript><meta http-equiv="refresh"' in html
    assert re.search(r'hx-trigger="sse:vote-closed" hx-select="#booth" hx-target="#booth"', html)
    closing.do_close_vote(db, vote=sitting.vote, forum=sitting.forum, actor=sitting.chair)
    db.commit()
    assert 'http-equiv="refresh"' not in client.get(f"/votes/{sitting.vote.id}/booth").text


def test_an_agenda_item_refreshes_itself_without_javascript_while_the_forum_sits(client, sitting):
    html = client.get(f"/forums/{sitting.forum.id}/agenda/{sitting.item.id}").text
    assert '<noscript><meta http-equiv="refresh"' in html
    assert 'hx-trigger="sse:speakers, sse:floor"' in html


def test_pages_outside_a_forum_do_not_listen(client):
    assert "sse-connect" not in client.get("/").text
