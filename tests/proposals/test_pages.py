"""The pages of proposals and polls, as members, coordinators and strangers use them."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlmodel import select
from starlette.testclient import TestClient

from deliberation import create_app, migrate
from deliberation.proposals import queries
from deliberation.proposals.models import PollAnswer, ProposalStatus, Support
from deliberation.settings import Settings
from deliberation.testing import (
    csrf_token,
    make_forum,
    make_poll,
    make_proposal,
    make_user,
    sign_in,
    signed_in_session,
)

from ..conftest import fresh_engine
from ..voting.live_server import committed


def _post(client, path, data=None, **kwargs):
    return client.post(path, data={**(data or {}), "csrf_token": csrf_token(client)}, follow_redirects=False, **kwargs)


def test_a_member_proposes_from_the_form_and_others_find_it_by_its_sector(client, db, events_heard):
    member = make_user(db)
    db.commit()
    sign_in(client, member.email)
    response = _post(
        client,
        "/proposals/new",
        {
            "kind": "workshop_topic",
            "title": "Молодіжні ради громад",
            "description": "Як створити молодіжну раду при селищній раді: положення, вибори, бюджет.",
            "sectors": ["youth_sport", "education"],
            "themes": "strategic_planning",
        },
    )
    assert response.status_code == 303
    page = client.get(response.headers["location"])
    assert "Молодіжні ради громад" in page.text and "Молодь і спорт" in page.text
    found = client.get("/proposals?sector=youth_sport&kind=workshop_topic")
    assert "Молодіжні ради громад" in found.text
    assert "Молодіжні ради громад" not in client.get("/proposals?sector=housing").text
    assert [name for name, _ in events_heard] == ["proposal created"]


def test_a_refused_form_comes_back_as_typed_and_writes_nothing(client, db):
    member = make_user(db)
    db.commit()
    sign_in(client, member.email)
    response = _post(
        client,
        "/proposals/new",
        {"kind": "forum_theme", "title": "Тема форуму", "description": "к" * 6000, "sectors": "no-such-sector"},
    )
    assert response.status_code == 422
    assert "Тема форуму" in response.text and 'aria-invalid="true"' in response.text
    assert queries.list_proposals(db) == []


def test_markdown_in_a_description_is_rendered_without_raw_html(client, db):
    author = make_user(db)
    proposal = make_proposal(
        db,
        author=author,
        description="**Важливо**: <script>alert(1)</script> <img src=x onerror=alert(1)> [посилання](javascript:alert(1))",
    )
    db.commit()
    page = client.get(f"/proposals/{proposal.id}")
    assert "<strong>Важливо</strong>" in page.text
    assert "<script>alert" not in page.text and "<img src=x" not in page.text and 'href="javascript:' not in page.text


def test_support_by_htmx_answers_with_the_support_box_and_without_it_with_a_redirect(client, db, events_heard):
    author, member = make_user(db), make_user(db, region="lviv")
    proposal = make_proposal(db, author=author)
    db.commit()
    sign_in(client, member.email)
    swapped = _post(client, f"/proposals/{proposal.id}/support", {"support": "1"}, headers={"HX-Request": "true"})
    assert swapped.status_code == 200 and swapped.template.name == "proposals/_support.html"
    assert "Відкликати підтримку" in swapped.text
    plain = _post(client, f"/proposals/{proposal.id}/support", {"support": "0"})
    assert plain.status_code == 303 and plain.headers["location"].endswith(f"/proposals/{proposal.id}#support")
    heard = [p["supported"] for name, p in events_heard if name == "proposal support changed"]
    assert heard == [True, False]


def test_a_hidden_comment_reaches_no_member_page(client, db):
    coordinator, author, member = make_user(db, coordinator=True), make_user(db), make_user(db)
    proposal = make_proposal(db, author=author)
    db.commit()
    sign_in(client, member.email)
    _post(client, f"/proposals/{proposal.id}/comments", {"body": "Зневажливий коментар про автора"})
    comment_id = re.search(r'id="comment-(\d+)"', client.get(f"/proposals/{proposal.id}").text).group(1)
    sign_in(client, coordinator.email)
    assert _post(client, f"/proposal-comments/{comment_id}/hide", {"reason": ""}).status_code == 422
    assert _post(client, f"/proposal-comments/{comment_id}/hide", {"reason": "Образа"}).status_code == 303
    assert "Зневажливий коментар" in client.get(f"/proposals/{proposal.id}").text
    sign_in(client, member.email)
    assert "Зневажливий коментар" not in client.get(f"/proposals/{proposal.id}").text
    assert client.get(f"/proposal-comments/{comment_id}/hide").status_code == 404
    assert "Зневажливий коментар" not in client.get("/proposals").text


@pytest.mark.parametrize(
    "path",
    [
        "/proposals/2147483647",
        "/proposals/99999999999999999999",
        "/proposals/0",
        "/proposals/-1",
        "/proposals/1x",
        "/polls/2147483647",
        "/proposal-comments/2147483647/hide",
    ],
)
def test_hostile_ids_are_not_found(client, db, path):
    coordinator = make_user(db, coordinator=True)
    db.commit()
    sign_in(client, coordinator.email)
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        f"{base}?{query}"
        for base in ("/proposals", "/proposals/ranking")
        for query in ("kind=manifesto", "sector=%00", "status=' OR 1=1 --", "theme=" + "x" * 5000)
    ]
    + ["/proposals/ranking?order=random"],
)
def test_bad_filters_are_a_clear_400(client, db, path):
    coordinator = make_user(db, coordinator=True)
    db.commit()
    sign_in(client, coordinator.email)
    assert client.get(path).status_code == 400


def test_accepting_into_a_forum_from_the_page_shows_the_outcome_to_the_author(client, db, events_heard):
    coordinator, author = make_user(db, coordinator=True), make_user(db)
    forum = make_forum(db, creator=coordinator, title="Осінній форум громад")
    proposal = make_proposal(db, author=author)
    db.commit()
    sign_in(client, coordinator.email)
    assert _post(client, f"/proposals/{proposal.id}/accept", {"forum_id": "2147483647"}).status_code == 422
    assert _post(client, f"/proposals/{proposal.id}/accept", {"forum_id": str(forum.id)}).status_code == 303
    sign_in(client, author.email)
    page = client.get(f"/proposals/{proposal.id}")
    assert "Осінній форум громад" in page.text and "Схвалено комітетом" in page.text
    db.refresh(proposal)
    assert proposal.status == ProposalStatus.ACCEPTED
    assert (
        "proposal decided",
        {
            "proposal_id": proposal.id,
            "accepted": True,
            "forum_id": forum.id,
            "workshop_id": None,
            "actor_id": coordinator.id,
        },
    ) in events_heard


def test_a_poll_answer_without_a_choice_comes_back_on_the_poll_page(client, db):
    coordinator, member = make_user(db, coordinator=True), make_user(db)
    poll = make_poll(db, creator=coordinator)
    db.commit()
    sign_in(client, member.email)
    refused = _post(client, f"/polls/{poll.id}/answer", {})
    assert refused.status_code == 422 and refused.template.name == "proposals/poll.html"
    assert 'id="e-option"' in refused.text
    option = queries.list_poll_options(db, poll.id)[0].id
    assert _post(client, f"/polls/{poll.id}/answer", {"option": str(option)}).status_code == 303
    page = client.get(f"/polls/{poll.id}")
    assert "Змінити відповідь" in page.text and f'value="{option}" checked' in page.text
    # While it runs nobody sees the count of each option, only how many answered.
    assert "result-title" not in page.text and "Відповів 1 учасник" in page.text


def test_a_coordinator_puts_a_poll_in_kyiv_time(client, db):
    coordinator, author = make_user(db, coordinator=True), make_user(db)
    proposal = make_proposal(db, author=author)
    db.commit()
    sign_in(client, coordinator.email)
    form = client.get(f"/polls/new?proposal={proposal.id}")
    assert f'value="{proposal.id}" checked' in form.text
    response = _post(
        client,
        "/polls/new",
        {
            "title": "Тема весняного форуму",
            "mode": "multiple",
            "closes_at": "2031-03-01T12:00",
            "proposal_ids": str(proposal.id),
            "free_options": "Освіта\n\nОсвіта\nЖКГ",
        },
    )
    assert response.status_code == 303
    poll = queries.list_polls(db)[0]
    # Noon in Kyiv on 1 March (winter time, UTC+2) is 10:00 UTC.
    assert (poll.closes_at.hour, poll.closes_at.minute, poll.closes_at.utcoffset()) == (10, 0, timedelta(0))
    labels = [o.label for o in queries.list_poll_options(db, poll.id)]
    assert labels == [proposal.title, "Освіта", "ЖКГ"]


@pytest.fixture
def live(backend, tmp_path_factory, tmp_path):
    """An app on a database of its own, with real commits, for requests that race."""
    engine, cleanup = fresh_engine(backend, tmp_path_factory)
    try:
        migrate.upgrade(engine)
        secret = "proposals-race-secret-of-32-bytes-or-more"
        settings = Settings.from_env({}, database_url=str(engine.url), secret_key=secret, var_dir=tmp_path)
        with committed(engine) as db:
            author, member, coordinator = make_user(db), make_user(db), make_user(db, coordinator=True)
            proposal = make_proposal(db, author=author)
            poll = make_poll(db, creator=coordinator)
            option = queries.list_poll_options(db, poll.id)[0].id
            cookies, csrf = signed_in_session(secret, member)
            ids = (proposal.id, poll.id, option, member.id)
        yield create_app(settings, engine=engine), engine, cookies, csrf, ids
    finally:
        cleanup()


def _at_once(app, cookies, requests) -> list[int]:
    """Each (path, data) sent by its own client at the same moment; the status codes."""
    start, codes = threading.Barrier(len(requests)), [0] * len(requests)

    def send(n, path, data):
        with TestClient(app, base_url="http://127.0.0.1", cookies=cookies) as client:
            start.wait()
            codes[n] = client.post(path, data=data, follow_redirects=False).status_code

    threads = [threading.Thread(target=send, args=(n, *r)) for n, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return codes


def test_two_supports_sent_at_once_make_one(live):
    app, engine, cookies, csrf, (proposal_id, _, _, member_id) = live
    codes = _at_once(app, cookies, [(f"/proposals/{proposal_id}/support", {"support": "1", "csrf_token": csrf})] * 2)
    assert codes == [303, 303]
    with committed(engine) as db:
        count = db.exec(select(func.count()).select_from(Support).where(Support.user_id == member_id)).one()
    assert count == 1


def test_two_first_answers_sent_at_once_make_one_answer(live):
    app, engine, cookies, csrf, (_, poll_id, option, member_id) = live
    data = {"option": str(option), "csrf_token": csrf}
    assert _at_once(app, cookies, [(f"/polls/{poll_id}/answer", data)] * 2) == [303, 303]
    with committed(engine) as db:
        answers = db.exec(select(PollAnswer).where(PollAnswer.user_id == member_id)).all()
    assert len(answers) == 1
