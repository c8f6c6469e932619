"""A ballot sent again gets its first answer; a lost answer is recovered from the same device; a tap on
a closed vote's booth shows the result."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from deliberation.audit.models import AuditEntry
from deliberation.testing import csrf_from, post, sign_in
from deliberation.voting import queries
from deliberation.voting.models import Ballot, BallotBox, Participation, Vote

HTMX = {"HX-Request": "true"}


def _form(html: str) -> dict[str, str]:
    """The hidden fields of the (first) ballot form on a page, as the browser would send them."""
    form = re.search(r'<form[^>]*class="ballot-form".*?</form>', html, re.S).group(0)
    return {name: value for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form)}


def _ballot_count(db, vote_id) -> tuple[int, int]:
    db.expire_all()
    # A secret vote's ballots are in its ballot box while it runs.
    return (
        len(db.exec(select(Participation).where(Participation.vote_id == vote_id)).all()),
        len(db.exec(select(Ballot).where(Ballot.vote_id == vote_id)).all())
        + len(db.exec(select(BallotBox).where(BallotBox.vote_id == vote_id)).all()),
    )


def _receipt(html: str) -> str | None:
    found = re.search(r'<code class="receipt-code">([^<]+)</code>', html)
    return found.group(1) if found else None


@pytest.mark.parametrize("secret", [False, True], ids=["roll-call", "secret"])
def test_a_retried_ballot_with_the_same_key_gets_the_same_answer_and_receipt(client, ready, db, secret):
    vote_id = ready.open_over_http(client, **({"is_secret": "1"} if secret else {}))
    sign_in(client, ready.delegates[0].email)
    form = _form(client.get(f"/votes/{vote_id}/booth").text)
    assert form["ballot_key"]
    first = client.post(f"/votes/{vote_id}/ballot", data={**form, "choice": "against"}, headers=HTMX)
    again = client.post(f"/votes/{vote_id}/ballot", data={**form, "choice": "against"}, headers=HTMX)
    assert first.status_code == again.status_code == 200
    for response in (first, again):
        assert "Ваш голос подано" in response.text and "змінено" not in response.text
    assert _receipt(first.text) == _receipt(again.text)
    assert (_receipt(first.text) is not None) == secret
    assert _ballot_count(db, vote_id) == (1, 1)
    if not secret:  # a secret ballot, in its ballot box, has no change counter at all
        assert db.exec(select(Ballot.changes).where(Ballot.vote_id == vote_id)).one() == 0
    actions = [e.action for e in db.exec(select(AuditEntry).where(AuditEntry.action.like("ballot.%"))).all()]
    assert actions == ["ballot.cast"]
    # A new choice from the same form is a change, not a replay.
    changed = client.post(f"/votes/{vote_id}/ballot", data={**form, "choice": "for"}, headers=HTMX)
    assert "змінено" in changed.text and _receipt(changed.text) == _receipt(first.text)


def test_a_lost_answer_is_recovered_from_the_same_device_without_javascript(client, ready, db):
    vote_id = ready.open_over_http(client, is_secret="1")
    delegate = ready.delegates[0]
    sign_in(client, delegate.email)
    form = _form(client.get(f"/votes/{vote_id}/booth").text)
    assert "receipt" not in form  # nothing to show before voting

    # The ballot reaches the server, the answer never reaches the phone: nothing of it is kept.
    kept = list(client.cookies.jar)
    assert (
        client.post(f"/votes/{vote_id}/ballot", data={**form, "choice": "against"}, follow_redirects=False).status_code
        == 303
    )
    client.cookies.jar.clear()
    for cookie in kept:
        client.cookies.jar.set_cookie(cookie)

    # Opening the booth again on the same phone finds the ballot, its choice and its receipt.
    booth = client.get(f"/votes/{vote_id}/booth").text
    receipt = _receipt(booth)
    assert receipt and 'value="against" class="ballot-button ballot-against" aria-pressed="true"' in booth
    assert "Код квитанції" not in booth.split('class="receipt"')[0]  # no code to type
    # The retry of the lost form answers as the first time; a change needs no code typed either.
    retried = client.post(f"/votes/{vote_id}/ballot", data={**form, "choice": "against"}, follow_redirects=False)
    assert retried.headers["location"].endswith("?done=cast#booth")
    changed = client.post(f"/votes/{vote_id}/ballot", data={**_form(booth), "choice": "for"}, follow_redirects=False)
    assert changed.status_code == 303 and "done=changed" in changed.headers["location"]
    confirmation = client.get(changed.headers["location"]).text
    assert re.search(r'<p id="ballot-confirmation"[^>]*tabindex="-1" autofocus>Ваш вибір змінено', confirmation)
    vote = db.get(Vote, vote_id)
    assert queries.secret_choice(db, vote=vote, voter_id=delegate.id, receipt=receipt) == "for"
    assert _ballot_count(db, vote_id) == (1, 1)


def test_a_closed_votes_booth_shows_the_result_to_a_tap(client, ready, db):
    vote_id = ready.open_over_http(client)
    late = ready.delegates[1]
    sign_in(client, late.email)
    form = _form(client.get(f"/votes/{vote_id}/booth").text)
    client.cookies.clear()
    sign_in(client, ready.chair.email)
    assert post(client, f"/votes/{vote_id}/close").status_code == 303
    client.cookies.clear()
    sign_in(client, late.email)

    tapped = client.get(f"/votes/{vote_id}/booth")
    assert tapped.status_code == 200 and 'class="tally"' in tapped.text
    form["csrf_token"] = csrf_from(tapped.text)  # a new sign-in, a new session
    for headers in ({}, HTMX):
        response = client.post(
            f"/votes/{vote_id}/ballot", data={**form, "choice": "for"}, headers=headers, follow_redirects=False
        )
        assert response.status_code == 409
        assert 'class="tally"' in response.text and 'class="vote-result' in response.text
        assert "Не вдалося виконати дію" not in response.text and '<div id="booth"' in response.text
        assert re.search(r'id="ballot-confirmation"[^>]*autofocus>Голосування закрилося', response.text)
    assert _ballot_count(db, vote_id) == (0, 0)
