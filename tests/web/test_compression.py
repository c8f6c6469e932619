"""Pages are sent gzipped, and compression cannot leak a secret (BREACH): the CSRF token and a link's
token are masked afresh in every page, the hall's code comes in a small answer of its own, and the
few answers that show another secret of one person are sent as they are."""

from __future__ import annotations

import re

import pytest

from deliberation.accounts import actions as account_actions
from deliberation.accounts import credentials
from deliberation.forums import presence
from deliberation.testing import csrf_from, make_sitting, make_user, signed_in_session
from deliberation.voting import actions
from deliberation.web.forms import csrf_matches, mask_token, unmask_token

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
    # Before the ballot the booth shows no receipt, and is compressed; once it shows one, never.
    booth = client.get(f"/votes/{vote.id}/booth", headers=GZIP)
    assert booth.status_code == 200 and _encoding(booth) == "gzip" and "receipt-code" not in booth.text
    form = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', booth.text))
    cast = client.post(f"/votes/{vote.id}/ballot", data={**form, "choice": "for"}, headers=GZIP)
    assert cast.status_code == 200 and "receipt-code" in cast.text and _encoding(cast) == ""
    booth = client.get(f"/votes/{vote.id}/booth", headers=GZIP)
    assert "receipt-code" in booth.text and _encoding(booth) == ""
    receipt = client.get(f"/votes/{vote.id}/receipt", headers=GZIP)
    assert receipt.status_code == 200 and _encoding(receipt) == ""
    # The same delegate's other pages are compressed: the exclusion is the page's, not the person's.
    assert _encoding(client.get(f"/votes/{vote.id}", headers=GZIP)) == "gzip"


def test_the_hall_code_comes_alone_and_uncompressed_so_the_console_and_screen_are_compressed(client, db, settings):
    sitting = make_sitting(db, delegates=2)
    presence.do_start_checkin(db, forum=sitting.forum, actor=sitting.chair)
    db.commit()
    code = presence.checkin_code(sitting.forum)
    shown = f"{code[:3]} {code[3:]}"
    chair_cookies, _ = signed_in_session(settings.secret_key, sitting.chair)
    client.cookies.update(chair_cookies)
    forum = f"/forums/{sitting.forum.id}"
    for path in (f"{forum}/console", f"{forum}/console/presence", f"{forum}/projector"):
        answer = client.get(path, headers=GZIP)
        assert answer.status_code == 200 and _encoding(answer) == "gzip", path
        assert shown not in answer.text and f'href="{forum}/checkin/shown"' in answer.text, path
    fragment = client.get(f"{forum}/checkin/shown", headers={**GZIP, "HX-Request": "true"})
    assert fragment.status_code == 200 and _encoding(fragment) == ""
    assert fragment.text.strip() == shown and len(fragment.content) < 100
    # Without JavaScript the link opens a small page with the code, uncompressed too.
    page = client.get(f"{forum}/checkin/shown", headers=GZIP)
    assert page.status_code == 200 and _encoding(page) == "" and shown in page.text

    client.cookies.clear()
    delegate_cookies, _ = signed_in_session(settings.secret_key, sitting.delegates[0])
    client.cookies.update(delegate_cookies)
    assert client.get(f"{forum}/checkin/shown", headers={"HX-Request": "true"}).status_code == 403


def test_a_new_invitation_link_is_sent_uncompressed_and_the_coordination_page_compressed(client, db, settings):
    coordinator = make_user(db, coordinator=True)
    db.commit()
    cookies, _ = signed_in_session(settings.secret_key, coordinator)
    client.cookies.update(cookies)
    assert _encoding(client.get("/admin", headers=GZIP)) == "gzip"
    made = client.post(
        "/admin/invitations", data={"note": "", "csrf_token": csrf_from(client.get("/admin").text)}, headers=GZIP
    )
    assert made.status_code == 201 and _encoding(made) == "" and "invite=" in made.text


def test_a_links_token_is_masked_afresh_in_every_page_that_shows_it_and_those_pages_are_compressed(client, db):
    coordinator = make_user(db, coordinator=True)
    make_user(db, email="reset@example.org")
    account_actions.do_set_registration_mode(db, mode="invitation", actor=coordinator)
    _, invite = account_actions.check_create_invitation(db, actor=coordinator, data={}, valid_days=7)
    _, reset = credentials.do_request_password_reset(db, email="reset@example.org", valid_hours=2)
    db.commit()

    pages = [client.get(f"/register?invite={invite}", headers=GZIP) for _ in range(2)]
    masked = [re.search(r'name="invite" value="([^"]+)"', page.text).group(1) for page in pages]
    assert all(page.status_code == 200 and _encoding(page) == "gzip" and invite not in page.text for page in pages)
    assert masked[0] != masked[1] and all(unmask_token(m) == invite for m in masked)
    # The language switch comes back to the page with the masked token, and it still works.
    assert f'name="next" value="/register?invite={masked[1]}"' in pages[1].text
    assert 'name="invite"' in client.get(f"/register?invite={masked[0]}").text
    sent = client.post(
        "/register",
        data={
            "email": "olha@example.org",
            "display_name": "Ольга Руденко",
            "occupation": "advocate",
            "invite": masked[1],
            "csrf_token": csrf_from(pages[1].text),
        },
    )
    assert sent.status_code == 200 and "olha@example.org" in sent.text

    page = client.get(f"/password/reset/{reset}", headers=GZIP)
    assert page.status_code == 200 and _encoding(page) == "gzip" and reset not in page.text
    action = re.search(r'<form method="post" action="(/password/reset/[^"]+)"', page.text).group(1)
    assert unmask_token(action.rsplit("/", 1)[1]) == reset
    new = {"password": "зовсім новий пароль", "password_confirm": "зовсім новий пароль"}
    done = client.post(action, data={**new, "csrf_token": csrf_from(page.text)}, follow_redirects=False)
    assert done.status_code == 303

    # Pages about one person that show no token are compressed too (still never cached).
    client.cookies.clear()
    for path in ("/login", "/register", "/password/forgot"):
        answer = client.get(path, headers=GZIP)
        assert _encoding(answer) == "gzip" and "no-store" in answer.headers["cache-control"], path


@pytest.mark.parametrize("sent", ["", "~", "~!!", "~" + "A" * 3, "~" + "A" * 6])
def test_a_broken_masked_token_unmasks_to_nothing_and_a_raw_one_passes_as_it_is(sent):
    assert unmask_token(sent) == ""
    assert unmask_token("raw-token_from-an-email") == "raw-token_from-an-email"
    assert unmask_token(mask_token("raw-token")) == "raw-token" and mask_token("x") != mask_token("x")
