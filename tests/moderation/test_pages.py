"""Reporting and moderating over HTTP, as members and coordinators use the pages."""

from __future__ import annotations

import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from deliberation.discussion.models import Comment
from deliberation.moderation.models import Flag, Subject
from deliberation.testing import post, sign_in

from .conftest import PRACTICE_TEXT, REMARK, RUDE


def test_a_member_reports_a_comment_and_a_coordinator_hides_it_from_the_queue(app, db, people, comment):
    with TestClient(app) as reader:
        sign_in(reader, people["reader"].email)
        thread = reader.get(f"/documents/{comment.document_id}/comments")
        assert f"/report/comment/{comment.id}" in thread.text
        form = reader.get(f"/report/comment/{comment.id}")
        assert form.status_code == 200 and RUDE in form.text
        sent = post(reader, f"/report/comment/{comment.id}", {"reason": "abuse", "note": "Образи"})
        assert sent.status_code == 303 and f"comment-{comment.id}" in sent.headers["location"]
    with TestClient(app) as coordinator:
        sign_in(coordinator, people["coordinator"].email)
        queue = coordinator.get("/moderation")
        assert RUDE in queue.text and "Уважна читачка" in queue.text and "Образи" in queue.text
        hidden = post(coordinator, f"/moderation/comment/{comment.id}/hide", {"reason": "Образи на адресу авторів"})
        assert hidden.status_code == 303
        after = coordinator.get("/moderation")
        assert "Образи на адресу авторів" in after.text and f"/moderation/comment/{comment.id}/restore" in after.text
    db.expire_all()
    assert db.get(Comment, comment.id).hidden_at is not None
    with TestClient(app) as reader:
        sign_in(reader, people["reader"].email)
        assert RUDE not in reader.get(f"/documents/{comment.document_id}/comments").text


def test_a_refused_report_comes_back_with_the_error_and_writes_nothing(app, db, people, comment):
    with TestClient(app) as reader:
        sign_in(reader, people["reader"].email)
        refused = post(reader, f"/report/comment/{comment.id}", {"reason": "other", "note": ""})
    assert refused.status_code == 422 and 'id="e-note"' in refused.text
    assert db.exec(select(Flag)).all() == []


def test_the_author_sees_no_report_link_on_their_own_comment(app, people, comment):
    with TestClient(app) as author:
        sign_in(author, people["author"].email)
        assert f"/report/comment/{comment.id}" not in author.get(f"/documents/{comment.document_id}/comments").text
        assert author.get(f"/report/comment/{comment.id}").status_code == 403


@pytest.mark.parametrize(
    "path",
    [
        "/report/proposal/1",
        "/report/practice/999999",
        "/report/report/0",
        "/moderation/practice/999999/restore",
        "/moderation/proposal_comment/999999/hide",
        "/report/%3Cscript%3E/1",
        "/report/comment/99999999999999999999",
        "/report/comment/0",
        "/moderation/nothing/1/hide",
        "/moderation/comment/999999/hide",
        "/moderation?kind=%00",
    ],
)
def test_hostile_addresses_get_a_clear_answer_never_an_error(app, people, path):
    with TestClient(app) as coordinator:
        sign_in(coordinator, people["coordinator"].email)
        response = coordinator.get(path)
    assert response.status_code in (200, 404)


def test_the_queue_tells_nothing_to_those_who_do_not_moderate(app, people, comment):
    with TestClient(app) as reader:
        sign_in(reader, people["reader"].email)
        post(reader, f"/report/comment/{comment.id}", {"reason": "spam"})
    with TestClient(app) as facilitator:
        sign_in(facilitator, people["facilitator"].email)
        refused = facilitator.get("/moderation")
    assert refused.status_code == 403 and "Уважна читачка" not in refused.text


def _pages(things) -> dict:
    """Where members read each new kind of thing."""
    year, n = things["resolution"].number.split("/")
    return {
        Subject.PROPOSAL_COMMENT: f"/proposals/{things['discussed'].id}",
        Subject.REPORT: f"/resolutions/{year}/{n}/reports",
        Subject.PRACTICE: f"/practices/{things[Subject.PRACTICE].id}",
        Subject.PROPOSAL: f"/proposals/{things[Subject.PROPOSAL].id}",
    }


@pytest.mark.parametrize("subject", [Subject.PROPOSAL_COMMENT, Subject.REPORT, Subject.PRACTICE, Subject.PROPOSAL])
def test_a_member_reports_it_where_it_is_shown_and_a_coordinator_hides_and_restores_it(
    app, db, people, things, subject
):
    thing, page = things[subject], _pages(things)[subject]
    report_path = f"/report/{subject.value}/{thing.id}"
    with TestClient(app) as reader:
        sign_in(reader, people["reader"].email)
        assert report_path in reader.get(page).text
        assert reader.get(report_path).status_code == 200
        sent = post(reader, report_path, {"reason": "false", "note": "Вигадка"})
        assert sent.status_code == 303
        assert post(reader, report_path, {"reason": "spam"}).status_code == 409
    with TestClient(app) as author:
        sign_in(author, people["author"].email)
        assert report_path not in author.get(page).text
    with TestClient(app) as desk:
        sign_in(desk, people["coordinator"].email)
        queue = desk.get("/moderation", params={"kind": subject.value})
        assert "Уважна читачка" in queue.text and "Вигадка" in queue.text
        hide = f"/moderation/{subject.value}/{thing.id}/hide"
        assert desk.get(hide).status_code == 200
        assert post(desk, hide, {"reason": "Неправдиві відомості"}).status_code == 303
        # A second coordinator's form, opened before the first decided, gets a clear answer.
        assert post(desk, hide, {"reason": "Теж приховую"}).status_code == 409
        after = desk.get("/moderation")
        restore = f"/moderation/{subject.value}/{thing.id}/restore"
        assert "Неправдиві відомості" in after.text and restore in after.text
    with TestClient(app) as reader:
        sign_in(reader, people["reader"].email)
        assert report_path not in reader.get(page).text
    with TestClient(app) as desk:
        sign_in(desk, people["coordinator"].email)
        assert post(desk, restore, {"reason": "Перевірили, усе правда"}).status_code == 303
        assert post(desk, restore, {"reason": "Ще раз"}).status_code == 409
    db.expire_all()
    assert db.get(type(thing), thing.id).hidden_at is None
    with TestClient(app) as reader:
        sign_in(reader, people["reader"].email)
        assert report_path in reader.get(page).text


def test_the_public_reports_pages_drop_a_hidden_report_and_show_it_again_when_restored(app, client, people, things):
    the_report, page = things[Subject.REPORT], _pages(things)[Subject.REPORT]
    with TestClient(app) as desk:
        sign_in(desk, people["coordinator"].email)
        post(desk, f"/moderation/report/{the_report.id}/hide", {"reason": "Неправда"})
        assert f'id="report-{the_report.id}"' not in client.get(page).text
        post(desk, f"/moderation/report/{the_report.id}/restore", {"reason": "Правда"})
    assert f'id="report-{the_report.id}"' in client.get(page).text


def test_the_queue_shows_every_kind_with_its_label(app, people, comment, things):
    with TestClient(app) as reader:
        sign_in(reader, people["reader"].email)
        post(reader, f"/report/comment/{comment.id}", {"reason": "spam"})
        for subject in (Subject.PROPOSAL_COMMENT, Subject.REPORT, Subject.PRACTICE):
            post(reader, f"/report/{subject.value}/{things[subject].id}", {"reason": "spam"})
    with TestClient(app) as desk:
        sign_in(desk, people["coordinator"].email)
        queue = desk.get("/moderation")
    assert queue.status_code == 200
    assert queue.text.count('<li class="card">') == 4
    for text in (RUDE, REMARK, PRACTICE_TEXT, "Бюджет участі у школах"):
        assert text in queue.text
