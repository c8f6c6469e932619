"""Pages are sent gzipped, and compression cannot leak a secret (BREACH): the CSRF token is masked
afresh in every page, and pages that show another secret of one person are sent as they are."""

from __future__ import annotations

import re

from deliberation.forums import presence
from deliberation.testing import csrf_from, make_sitting, make_user, signed_in_session
from deliberation.voting import actions
from deliberation.web.forms import csrf_matches

GZIP = {"Accept-Encoding": "gzip"}


def _encoding(response) -> str:
    return response.headers.get("content-encoding", "")


def test_pages_are_gzipped_for_a_browser_that_accepts_it_and_plain_for_one_that_does_not(client):
    gzipped = client.get("/workshops", headers=GZIP)
    plain = client.get("/workshops", headers={"Accept-Encoding": "identity"})
    assert gzipped.status_code == plain.status_code == 200
    assert _encoding(gzipped) == "gzip" and "accept-encoding" in gzipped.headers["vary"].lower()
    assert _encoding(plain) == ""
    assert gzipped.text.replace(csrf_from(gzipped.text), "") == plain.text.replace(csrf_from(plain.text), "")


def test_the_csrf_token_is_new_in_every_page_never_the_secret_and_every_one_is_accepted(client, db, settings):
    member = make_user(db)
    db.commit()
    cookies, secret = signed_in_session(settings.secret_key, member)
    client.cookies.update(cookies)
    pages = [client.get("/workshops", headers=GZIP).text for _ in range(3)]
    tokens = [csrf_from(page) for page in pages]
    assert len(set(tokens)) == 3
    assert all(secret not in page for page in pages)
    # htmx's header carries the page's token too, the same one as the page's forms.
    assert all(f'"X-CSRF-Token": "{token}"' in page for token, page in zip(tokens, pages))
    for token in tokens:
        answer = client.post("/language", data={"lang": "en", "next": "/", "csrf_token": token}, follow_redirects=False)
        assert answer.status_code == 303


def test_a_masked_token_of_another_secret_or_a_tampered_one_is_refused(client, db, settings):
    member = make_user(db)
    db.commit()
    cookies, secret = signed_in_session(settings.secret_key, member)
    client.cookies.update(cookies)
    token = csrf_from(client.get("/workshops").text)
    assert csrf_matches(token, secret) and not csrf_matches(token, secret[::-1])
    tampered = ("B" if token[5] == "A" else "A").join((token[:5], token[6:]))
    assert not csrf_matches(tampered, secret)
    refused = client.post("/language", data={"lang": "en", "next": "/", "csrf_token": tampered}, follow_redirects=False)
    assert refused.status_code == 403


def test_pages_showing_a_persons_secret_are_never_compressed(client, db, settings):
    sitting = make_sitting(db, delegates=2)
    vote = actions.check_prepare_vote(
        db, item=sitting.item, forum=sitting.forum, actor=sitting.chair, data={"subject": "final", "is_secret": "1"}
    )
    actions.do_open_vote(db, vote=vote, forum=sitting.forum, actor=sitting.chair)
    db.commit()
    delegate_cookies, _ = signed_in_session(settings.secret_key, sitting.delegates[0])
    client.cookies.update(delegate_cookies)
    booth = client.get(f"/votes/{vote.id}/booth", headers=GZIP)
    assert booth.status_code == 200 and _encoding(booth) == ""
    receipt = client.get(f"/votes/{vote.id}/receipt", headers=GZIP)
    assert receipt.status_code == 200 and _encoding(receipt) == ""
    # The same delegate's other pages are compressed: the exclusion is the page's, not the person's.
    assert _encoding(client.get(f"/votes/{vote.id}", headers=GZIP)) == "gzip"

    client.cookies.clear()
    chair_cookies, _ = signed_in_session(settings.secret_key, sitting.chair)
    client.cookies.update(chair_cookies)
    projector = f"/forums/{sitting.forum.id}/projector"
    assert _encoding(client.get(projector, headers=GZIP)) == "gzip"  # no code on the screen yet
    presence.do_start_checkin(db, forum=sitting.forum, actor=sitting.chair)
    db.commit()
    for path in (f"/forums/{sitting.forum.id}/console", f"/forums/{sitting.forum.id}/projector", "/admin"):
        answer = client.get(path, headers=GZIP)
        assert answer.status_code == 200 and _encoding(answer) == "", path
    assert re.search(r"invit", client.get("/admin", headers=GZIP).text, re.I)

    client.cookies.clear()
    for path in ("/login", "/register?invite=abc", "/password/reset/not-a-token"):
        assert _encoding(client.get(path, headers=GZIP)) == "", path
