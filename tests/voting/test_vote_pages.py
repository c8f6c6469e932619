"""Votes over HTTP: the chair prepares and runs them, delegates vote from the booth, everyone reads."""

from __future__ import annotations

import logging

from deliberation.testing import csrf_token, post, sign_in
from deliberation.voting.models import Vote


def _ballot(client, vote_id, choice, **extra):
    token = csrf_token(client, f"/votes/{vote_id}/booth")
    return client.post(
        f"/votes/{vote_id}/ballot", data={"choice": choice, "csrf_token": token, **extra}, follow_redirects=False
    )


def _in_turn(client, vote_id, delegates, choices=None):
    """Each of ``delegates`` signs in on ``client`` in turn and casts their choice (all for, unless
    ``choices`` says otherwise); signed out after."""
    for person, choice in zip(delegates, choices or ["for"] * len(delegates), strict=True):
        sign_in(client, person.email)
        _ballot(client, vote_id, choice)
        client.cookies.clear()


def test_a_delegate_votes_from_the_booth_and_may_change_their_choice(client, ready):
    vote_id = ready.open_over_http(client)
    sign_in(client, ready.delegates[0].email)
    booth = client.get(f"/votes/{vote_id}/booth")
    assert booth.status_code == 200 and 'value="against"' in booth.text
    assert _ballot(client, vote_id, "against").status_code == 303
    assert _ballot(client, vote_id, "for").status_code == 303
    booth = client.get(f"/votes/{vote_id}/booth").text
    assert 'aria-pressed="true"' in booth


def test_while_open_everyone_sees_turnout_never_the_tally(client, ready):
    vote_id = ready.open_over_http(client)
    _in_turn(client, vote_id, ready.delegates[:3], ("for", "against", "for"))
    page = client.get(f"/votes/{vote_id}").text
    assert "3 з 10" in page
    assert 'class="tally"' not in page
    state = client.get(f"/forums/{ready.forum.id}/live/state").text
    assert "3 з 10" in state and 'class="tally"' not in state


def test_closing_publishes_the_tally_and_each_roll_call_choice(client, ready):
    vote_id = ready.open_over_http(client)
    _in_turn(client, vote_id, ready.delegates[:6])
    sign_in(client, ready.chair.email)
    assert post(client, f"/votes/{vote_id}/close").status_code == 303
    client.cookies.clear()
    page = client.get(f"/votes/{vote_id}").text
    assert 'class="tally"' in page and ready.delegates[0].display_name in page
    assert page.count("<strong>За</strong>") == 6
    sign_in(client, ready.delegates[7].email)
    assert _ballot(client, vote_id, "for").status_code == 409


def test_a_member_who_is_not_a_delegate_cannot_vote(client, ready):
    vote_id = ready.open_over_http(client)
    sign_in(client, ready.author.email)
    assert _ballot(client, vote_id, "for").status_code == 403


def test_only_the_chair_opens_and_closes(client, ready):
    vote_id = ready.open_over_http(client)
    sign_in(client, ready.delegates[0].email)
    assert post(client, f"/votes/{vote_id}/close").status_code == 403
    assert client.get(f"/forums/{ready.forum.id}/live").status_code == 403


def test_a_secret_ballot_receipt_is_kept_by_the_browser_and_checks_inclusion(client, ready, caplog):
    caplog.set_level(logging.DEBUG)
    vote_id = ready.open_over_http(client, is_secret="1")
    sign_in(client, ready.delegates[0].email)
    response = _ballot(client, vote_id, "against")
    assert response.status_code == 303
    cookie = next(c for c in client.cookies.jar if c.name.startswith(f"delib_receipt_{vote_id}_"))
    receipt = cookie.value
    booth = client.get(f"/votes/{vote_id}/booth").text
    assert receipt in booth and 'aria-pressed="true"' in booth
    assert _ballot(client, vote_id, "for", receipt=receipt).status_code == 303
    client.cookies.clear()
    sign_in(client, ready.chair.email)
    post(client, f"/votes/{vote_id}/close")
    page = client.get(f"/votes/{vote_id}").text
    audit = client.get("/admin/audit").text
    forum, item, document = ready.forum.id, ready.item.id, ready.document.id
    pages = {
        path: client.get(path).text
        for path in (
            f"/votes/{vote_id}",
            f"/votes/{vote_id}/booth",
            f"/forums/{forum}/projector",
            f"/forums/{forum}/live",
            f"/forums/{forum}/live/state",
            f"/forums/{forum}/minutes",
            f"/forums/{forum}/agenda/{item}",
            f"/documents/{document}",
            "/admin/audit",
        )
    }
    for path, html in pages.items():
        # A roll-call vote shows "name: <strong>choice</strong>"; a secret one never pairs a name and a choice.
        assert f"{ready.delegates[0].display_name}: <strong>" not in html, path
        assert receipt not in html, path
    client.cookies.clear()
    assert ready.delegates[0].display_name in page
    assert "<strong>За</strong>" not in page and "<strong>Проти</strong>" not in page
    sign_in(client, ready.delegates[0].email)
    counted = post(client, f"/votes/{vote_id}/receipt", {"code": receipt}).text
    assert "є серед бюлетенів" in counted or "is among the ballots" in counted
    assert "for" not in " ".join(r.getMessage() for r in caplog.records if receipt in r.getMessage())
    assert receipt not in audit and receipt not in caplog.text


def test_the_projector_needs_no_sign_in_and_shows_the_result(client, ready):
    vote_id = ready.open_over_http(client)
    sign_in(client, ready.chair.email)
    post(client, f"/forums/{ready.forum.id}/agenda/{ready.item.id}/current")
    post(client, f"/votes/{vote_id}/close")
    client.cookies.clear()
    page = client.get(f"/forums/{ready.forum.id}/projector").text
    assert ready.item.title in page and 'class="tally"' in page
    # The hall's screen listens to the forum's event stream and renews its state on each change.
    assert f'sse-connect="/forums/{ready.forum.id}/events' in page and "sse:vote-closed" in page


def test_a_text_not_adopted_returns_to_its_workshop_with_the_vote_on_its_page(client, ready):
    vote_id = ready.open_over_http(client)
    _in_turn(client, vote_id, ready.delegates[:2])
    sign_in(client, ready.chair.email)
    post(client, f"/votes/{vote_id}/close")
    page = client.get(f"/documents/{ready.document.id}").text
    assert f'href="/votes/{vote_id}"' in page and 'id="record-title"' in page
    sign_in(client, ready.author.email)
    assert client.get(f"/documents/{ready.document.id}/edit").status_code == 200


def test_past_its_closing_time_a_remote_vote_reads_as_closed_and_a_late_ballot_gets_409_with_the_result(
    client, ready, db, settings
):
    import time
    from datetime import timedelta

    from deliberation.db import utcnow
    from deliberation.testing import signed_in_session
    from deliberation.voting import actions

    vote = ready.vote(db, mode="remote", closes_at=(utcnow() + timedelta(hours=1)).isoformat())
    # Set at the last moment (a draft's rule may change), so a slow machine still opens it in time.
    vote.closes_at = closes = utcnow() + timedelta(seconds=1)
    actions.do_open_vote(db, vote=vote, forum=ready.forum, actor=ready.chair)
    for person in ready.delegates[:2]:
        ready.cast(db, vote, person, "for")
    db.commit()
    vote_id = vote.id
    cookies, token = signed_in_session(settings.secret_key, ready.delegates[2])
    client.cookies.update(cookies)
    while utcnow() <= closes + timedelta(milliseconds=50):
        time.sleep(0.05)
    # A reader sees the result at once; the row is closed by the next write, not by the read.
    page = client.get(f"/votes/{vote_id}").text
    assert 'class="tally"' in page
    db.expire_all()
    assert db.get(Vote, vote_id).status == "open"
    late = client.post(
        f"/votes/{vote_id}/ballot", data={"choice": "against", "csrf_token": token}, follow_redirects=False
    )
    assert late.status_code == 409 and 'class="tally"' in late.text and 'role="alert"' in late.text
    db.expire_all()
    vote = db.get(Vote, vote_id)
    assert (vote.status, vote.for_count, vote.against_count, vote.participants_count) == ("closed", 2, 0, 2)
