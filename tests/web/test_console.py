"""The chair's console and the hall screen over HTTP: regions that send only a change, every action by a
plain form (back to the console) and by htmx (the changed region), CSRF, audit, self check-in."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from deliberation.audit.models import AuditEntry
from deliberation.forums import agenda, floor, presence, queries
from deliberation.forums.presence import checkin_code
from deliberation.testing import csrf_token, make_sitting, post
from deliberation.voting import actions as voting
from tests.clients import signed_in_client

HTMX = {"HX-Request": "true"}


@pytest.fixture
def sitting(db):
    sitting = make_sitting(db, delegates=4, present=False)
    db.commit()
    return sitting


def _audit(db, action):
    return db.exec(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)).all()


def _token(html: str, region_id: str) -> str:
    match = re.search(rf'id="{region_id}"[^>]*hx-get="[^"]*[?&]v=([0-9a-f]+)"', html)
    assert match, f"{region_id} carries no version token"
    return match.group(1)


def _htmx_post(client, path, data):
    token = csrf_token(client, "/")
    return client.post(path, data={**data, "csrf_token": token}, headers=HTMX, follow_redirects=False)


def test_the_console_shows_every_region_to_the_chair_and_is_linked_from_the_forum_page(app, sitting):
    chair = signed_in_client(app, sitting.chair)
    forum_page = chair.get(f"/forums/{sitting.forum.id}")
    assert f'href="/forums/{sitting.forum.id}/console"' in forum_page.text
    page = chair.get(f"/forums/{sitting.forum.id}/console")
    assert page.status_code == 200
    for region in ("console-agenda", "console-floor", "console-presence", "console-vote"):
        _token(page.text, region)
    assert 'data-live-kinds="vote-opened turnout vote-closed item"' in page.text
    assert 'name="user_id"' in page.text and "data-select-all" in page.text
    member = signed_in_client(app, sitting.delegates[0])
    assert member.get(f"/forums/{sitting.forum.id}/console").status_code == 403
    assert f"/forums/{sitting.forum.id}/console" not in member.get(f"/forums/{sitting.forum.id}").text


def test_a_region_answers_204_while_nothing_changed_and_the_new_region_after_a_change(app, db, sitting):
    chair = signed_in_client(app, sitting.chair)
    path = f"/forums/{sitting.forum.id}/console/agenda"
    token = _token(chair.get(f"/forums/{sitting.forum.id}/console").text, "console-agenda")
    unchanged = chair.get(f"{path}?v={token}", headers=HTMX)
    assert unchanged.status_code == 204 and unchanged.content == b""
    agenda.do_set_current_item(db, forum=sitting.forum, item=sitting.item, actor=sitting.chair)
    db.commit()
    changed = chair.get(f"{path}?v={token}", headers=HTMX)
    assert changed.status_code == 200 and 'id="console-agenda"' in changed.text
    assert _token(changed.text, "console-agenda") != token
    assert chair.get(f"/forums/{sitting.forum.id}/console/nothing").status_code == 404


def test_putting_and_clearing_the_current_item_come_back_to_the_console_without_and_with_htmx(app, db, sitting):
    chair = signed_in_client(app, sitting.chair)
    forum_id, item_id = sitting.forum.id, sitting.item.id
    put = post(chair, f"/forums/{forum_id}/agenda/{item_id}/current", {"back": "console"})
    assert put.status_code == 303 and put.headers["location"] == f"/forums/{forum_id}/console#console-agenda"
    assert post(chair, f"/forums/{forum_id}/current/clear", {"back": "console"}).status_code == 303
    post(chair, f"/forums/{forum_id}/agenda/{item_id}/current", {"back": "console"})
    cleared = _htmx_post(chair, f"/forums/{forum_id}/current/clear", {"back": "console"})
    assert cleared.status_code == 200 and cleared.text.lstrip().startswith('<section id="console-agenda"')
    assert 'class="notice"' in cleared.text
    db.expire_all()
    assert queries.get_forum(db, forum_id).current_item_id is None
    assert _audit(db, "agenda.current_cleared")[-1].actor_id == sitting.chair.id
    again = post(chair, f"/forums/{forum_id}/current/clear", {"back": "console"})
    assert again.status_code == 409


def test_console_actions_without_a_csrf_token_are_refused_and_change_nothing(app, db, sitting):
    chair = signed_in_client(app, sitting.chair)
    forum_id = sitting.forum.id
    for path, data in [
        (f"/forums/{forum_id}/current/clear", {}),
        (f"/forums/{forum_id}/presence", {"user_id": str(sitting.delegates[0].id), "present": "1"}),
        (f"/forums/{forum_id}/checkin/code", {"action": "start"}),
    ]:
        assert chair.post(path, data=data, follow_redirects=False).status_code == 403
    db.expire_all()
    assert queries.present_ids(db, forum_id) == set() and queries.get_forum(db, forum_id).checkin_secret is None


def test_bulk_check_in_marks_every_ticked_delegate_in_one_post(app, db, sitting):
    chair = signed_in_client(app, sitting.chair)
    forum_id, people = sitting.forum.id, sitting.delegates
    token = csrf_token(chair, "/")
    response = chair.post(
        f"/forums/{forum_id}/presence",
        follow_redirects=False,
        data={"csrf_token": token, "present": "1", "user_id": [str(p.id) for p in people[:3]]},
    )
    assert response.status_code == 303 and response.headers["location"].endswith("/console#console-checkin")
    db.expire_all()
    assert queries.present_ids(db, forum_id) == {p.id for p in people[:3]}
    assert len(_audit(db, "delegate.presence_marked")) == 3
    swapped = chair.post(
        f"/forums/{forum_id}/presence",
        headers=HTMX,
        follow_redirects=False,
        data={"csrf_token": token, "present": "0", "user_id": str(people[0].id)},
    )
    assert swapped.status_code == 200 and swapped.text.lstrip().startswith('<section id="console-checkin"')
    db.expire_all()
    assert queries.present_ids(db, forum_id) == {p.id for p in people[1:3]}
    member = signed_in_client(app, people[3])
    assert post(member, f"/forums/{forum_id}/presence", {"user_id": str(people[3].id)}).status_code == 403
    # Nobody ticked: with htmx the form says so in place; without, the error page with its status.
    empty = chair.post(
        f"/forums/{forum_id}/presence",
        headers={**HTMX, "HX-Target": "console-checkin"},
        follow_redirects=False,
        data={"csrf_token": token, "present": "1", "back": "console"},
    )
    assert empty.status_code == 200 and "notice-refused" in empty.text
    assert post(chair, f"/forums/{forum_id}/presence", {"present": "1"}).status_code == 422


def test_a_delegate_checks_in_from_the_forum_page_with_the_code_and_a_wrong_code_is_counted(app, db, sitting):
    chair = signed_in_client(app, sitting.chair)
    forum_id = sitting.forum.id
    assert post(chair, f"/forums/{forum_id}/checkin/code", {"action": "start", "back": "console"}).status_code == 303
    db.expire_all()
    code = checkin_code(queries.get_forum(db, forum_id))
    # The chair's screen fetches the code from its own small answer (so the screen can be compressed).
    shown = f"/forums/{forum_id}/checkin/shown"
    assert f'hx-get="{shown}"' in chair.get(f"/forums/{forum_id}/projector").text
    assert chair.get(shown, headers=HTMX).text.strip() == code[:3] + " " + code[3:]
    # The hall screen's address is public; the code is on the chair's screen only.
    for path in (f"/forums/{forum_id}/projector", f"/forums/{forum_id}/live/state"):
        for someone in (TestClient(app), signed_in_client(app, sitting.delegates[2])):
            answer = someone.get(path).text
            assert code[:3] + " " + code[3:] not in answer and shown not in answer
    assert signed_in_client(app, sitting.delegates[2]).get(shown, headers=HTMX).status_code == 403

    phone = signed_in_client(app, sitting.delegates[0])
    page = phone.get(f"/forums/{forum_id}").text
    assert f'action="/forums/{forum_id}/checkin"' in page
    wrong = str((int(code) + 1) % 10**6).zfill(6)
    refused = post(phone, f"/forums/{forum_id}/checkin", {"code": wrong})
    assert refused.status_code == 422 and 'aria-invalid="true"' in refused.text
    db.expire_all()
    assert queries.get_delegate(db, forum_id=forum_id, user_id=sitting.delegates[0].id).checkin_attempts == 1
    accepted = post(phone, f"/forums/{forum_id}/checkin", {"code": code})
    assert accepted.status_code == 303 and accepted.headers["location"] == f"/forums/{forum_id}#checkin"
    db.expire_all()
    assert sitting.delegates[0].id in queries.present_ids(db, forum_id)

    other = signed_in_client(app, sitting.delegates[1])
    answer = _htmx_post(other, f"/forums/{forum_id}/checkin", {"code": code})
    assert answer.status_code == 200 and answer.text.lstrip().startswith('<section id="checkin"')
    assert _audit(db, "delegate.checked_in")[-1].details["user_id"] == sitting.delegates[1].id


def test_self_check_in_is_throttled_over_http(app, db, sitting):
    chair = signed_in_client(app, sitting.chair)
    forum_id = sitting.forum.id
    post(chair, f"/forums/{forum_id}/checkin/code", {"action": "start"})
    db.expire_all()
    code = checkin_code(queries.get_forum(db, forum_id))
    wrong = str((int(code) + 1) % 10**6).zfill(6)
    phone = signed_in_client(app, sitting.delegates[0])
    for _ in range(presence.MAX_ATTEMPTS):
        assert post(phone, f"/forums/{forum_id}/checkin", {"code": wrong}).status_code == 422
    assert post(phone, f"/forums/{forum_id}/checkin", {"code": code}).status_code == 429
    stopped = _htmx_post(chair, f"/forums/{forum_id}/checkin/code", {"action": "stop", "back": "console"})
    assert stopped.status_code == 200 and stopped.text.lstrip().startswith('<section id="console-presence"')
    assert _audit(db, "checkin.stopped")[-1].actor_id == sitting.chair.id
    assert post(phone, f"/forums/{forum_id}/checkin", {"code": code}).status_code == 409


def test_the_floor_is_run_from_the_console(app, db, sitting):
    forum, item = sitting.forum, sitting.item
    agenda.do_set_current_item(db, forum=forum, item=item, actor=sitting.chair)
    first = floor.do_request_floor(db, item=item, actor=sitting.delegates[0])
    second = floor.do_request_floor(db, item=item, actor=sitting.delegates[1])
    db.commit()
    chair = signed_in_client(app, sitting.chair)
    region = chair.get(f"/forums/{forum.id}/console/floor").text
    assert sitting.delegates[0].display_name in region and f"/speakers/{first.id}/floor" in region
    moved = _htmx_post(chair, f"/speakers/{second.id}/move", {"direction": "up", "back": "console"})
    assert moved.status_code == 200 and moved.text.lstrip().startswith('<section id="console-floor"')
    given = post(chair, f"/speakers/{second.id}/floor", {"back": "console"})
    assert given.status_code == 303 and given.headers["location"] == f"/forums/{forum.id}/console#console-floor"
    ended = _htmx_post(chair, f"/speakers/{second.id}/end", {"back": "console"})
    assert ended.status_code == 200
    closed = post(chair, f"/forums/{forum.id}/agenda/{item.id}/speakers/settings", {"closed": "1", "back": "console"})
    assert closed.status_code == 303
    timed = _htmx_post(
        chair, f"/forums/{forum.id}/agenda/{item.id}/speakers/settings", {"seconds": "120", "back": "console"}
    )
    assert timed.status_code == 200 and 'value="120"' in timed.text
    db.expire_all()
    assert queries.get_agenda_item(db, item.id).speakers_closed
    assert [e.details["user_id"] for e in _audit(db, "speaker.floor_given")] == [sitting.delegates[1].id]
    assert _audit(db, "speakers.closed")


def test_a_vote_is_prepared_started_and_ended_from_the_console(app, db, sitting):
    forum, item = sitting.forum, sitting.item
    agenda.do_set_current_item(db, forum=forum, item=item, actor=sitting.chair)
    db.commit()
    chair = signed_in_client(app, sitting.chair)
    form = chair.get(f"/forums/{forum.id}/agenda/{item.id}/votes/new?back=console").text
    assert 'name="back" value="console"' in form
    prepared = post(
        chair,
        f"/forums/{forum.id}/agenda/{item.id}/votes/new",
        {
            "subject": "final",
            "threshold": "two_thirds",
            "quorum_num": "1",
            "quorum_den": "2",
            "quorum_base": "registered",
            "mode": "hall",
            "back": "console",
        },
    )
    assert prepared.headers["location"] == f"/forums/{forum.id}/console#console-vote"
    region = chair.get(f"/forums/{forum.id}/console/vote").text
    vote_id = int(re.search(r"/votes/(\d+)/open", region).group(1))
    opened = _htmx_post(chair, f"/votes/{vote_id}/open", {"back": "console"})
    assert opened.status_code == 200 and opened.text.lstrip().startswith('<section id="console-vote"')
    assert f"/votes/{vote_id}/close" in opened.text
    voting.check_cast_ballot(
        db, vote=voting.get_vote_or_404(db, vote_id), actor=sitting.delegates[0], data={"choice": "for"}
    )
    db.commit()
    closed = post(chair, f"/votes/{vote_id}/close", {"back": "console"})
    assert closed.status_code == 303 and closed.headers["location"] == f"/forums/{forum.id}/console#console-vote"
    result = chair.get(f"/forums/{forum.id}/console").text
    assert 'class="tally"' in result and "vote-result" in result
    assert [e.action for e in _audit(db, "vote.opened")] == ["vote.opened"]


def test_the_hall_screen_has_no_site_header_and_sends_only_a_change(app, db, sitting):
    screen = TestClient(app)
    page = screen.get(f"/forums/{sitting.forum.id}/projector")
    assert page.status_code == 200
    assert 'class="site-header"' not in page.text and "/login" not in page.text
    assert '<meta http-equiv="refresh"' in page.text
    token = _token(page.text, "live-state")
    state = f"/forums/{sitting.forum.id}/live/state"
    assert screen.get(f"{state}?v={token}", headers=HTMX).status_code == 204
    etag = screen.get(state).headers["etag"]
    assert screen.get(state, headers={"If-None-Match": etag}).status_code == 304
    agenda.do_set_current_item(db, forum=sitting.forum, item=sitting.item, actor=sitting.chair)
    db.commit()
    changed = screen.get(f"{state}?v={token}", headers=HTMX)
    assert changed.status_code == 200 and sitting.item.title in changed.text


def test_a_decided_item_on_the_hall_screen_no_longer_says_it_is_under_consideration(app, db, sitting):
    agenda.do_set_current_item(db, forum=sitting.forum, item=sitting.item, actor=sitting.chair)
    db.commit()
    screen = TestClient(app)
    under_way = screen.get(f"/forums/{sitting.forum.id}/projector").text
    assert "Зараз на розгляді" in under_way
    assert "зараз на розгляді" in screen.get(f"/forums/{sitting.forum.id}").text
    item = queries.get_agenda_item(db, sitting.item.id)
    item.status, item.outcome = "decided", "adopted"
    db.add(item)
    db.commit()
    decided = screen.get(f"/forums/{sitting.forum.id}/projector").text
    assert "Зараз на розгляді" not in decided and "Розгляд завершено" in decided
    # Nor do the forum's and the item's own pages.
    assert "зараз на розгляді" not in screen.get(f"/forums/{sitting.forum.id}").text
    assert "зараз на розгляді" not in screen.get(f"/forums/{sitting.forum.id}/agenda/{sitting.item.id}").text


def test_the_old_chair_screen_leads_to_the_console(app, sitting):
    response = signed_in_client(app, sitting.chair).get(f"/forums/{sitting.forum.id}/live", follow_redirects=False)
    assert response.status_code == 301 and response.headers["location"] == f"/forums/{sitting.forum.id}/console"


def test_a_refused_console_action_under_htmx_comes_back_in_its_region_and_changes_nothing(app, db, sitting):
    forum, item = sitting.forum, sitting.item
    agenda.do_set_current_item(db, forum=forum, item=item, actor=sitting.chair)
    first = floor.do_request_floor(db, item=item, actor=sitting.delegates[0])
    db.commit()
    chair = signed_in_client(app, sitting.chair)
    token = csrf_token(chair, "/")
    refused = chair.post(
        f"/speakers/{first.id}/move",
        follow_redirects=False,
        headers={**HTMX, "HX-Target": "console-floor"},
        data={"direction": "up", "back": "console", "console_forum": str(forum.id), "csrf_token": token},
    )
    assert refused.status_code == 200 and refused.text.lstrip().startswith('<section id="console-floor"')
    assert 'role="alert"' in refused.text and "notice-refused" in refused.text
    # Without htmx the same refusal is the usual error page with its status.
    plain = post(chair, f"/speakers/{first.id}/move", {"direction": "up", "back": "console"})
    assert plain.status_code == 409
    # Someone who may not run the console gets the plain refusal, not a region.
    member = signed_in_client(app, sitting.delegates[0])
    other = member.post(
        f"/speakers/{first.id}/move",
        follow_redirects=False,
        headers={**HTMX, "HX-Target": "console-floor"},
        data={
            "direction": "up",
            "back": "console",
            "console_forum": str(forum.id),
            "csrf_token": csrf_token(member, "/"),
        },
    )
    assert other.status_code == 403
