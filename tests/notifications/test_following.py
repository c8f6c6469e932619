"""Following documents: automatically for authors, by choice for everyone who may read them."""

from __future__ import annotations

from sqlmodel import select

from deliberation.audit.models import AuditEntry
from deliberation.notifications import actions, queries
from deliberation.notifications.models import Follow
from deliberation.testing import csrf_token, sign_in

from .helpers import save_version


def _follows(db, document) -> list[int]:
    return queries.list_follower_ids(db, document_id=document.id)


def test_author_of_a_new_document_follows_it(db, team):
    assert _follows(db, team["document"]) == [team["olena"].id]


def test_member_who_saves_a_revision_starts_following(db, team):
    save_version(db, team["document"], team["petro"])
    assert set(_follows(db, team["document"])) == {team["olena"].id, team["petro"].id}


def test_ensure_following_is_idempotent(db, team):
    for _ in range(3):
        actions.ensure_following(db, user_id=team["iryna"].id, document_id=team["document"].id)
    assert _follows(db, team["document"]).count(team["iryna"].id) == 1


def test_ensure_following_survives_a_parallel_insert_and_keeps_the_transaction(db, team, monkeypatch):
    # The pair appears between the check and the insert, as when two requests race.
    monkeypatch.setattr(queries, "is_following", lambda db, **_: False)
    db.add(Follow(user_id=team["iryna"].id, document_id=team["document"].id))
    db.flush()
    actions.ensure_following(db, user_id=team["iryna"].id, document_id=team["document"].id)
    db.commit()
    rows = db.exec(select(Follow).where(Follow.user_id == team["iryna"].id)).all()
    assert len(rows) == 1


def test_follow_and_unfollow_over_http_are_audited(client, db, team):
    sign_in(client, team["iryna"].email)
    url = f"/documents/{team['document'].id}/follow"
    response = client.post(url, data={"follow": "1", "csrf_token": csrf_token(client)}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].endswith(f"/documents/{team['document'].id}")
    assert queries.is_following(db, user_id=team["iryna"].id, document_id=team["document"].id)
    client.post(url, data={"follow": "0", "csrf_token": csrf_token(client)})
    assert not queries.is_following(db, user_id=team["iryna"].id, document_id=team["document"].id)
    audited = db.exec(
        select(AuditEntry.action)
        .where(AuditEntry.actor_id == team["iryna"].id, AuditEntry.object_type == "document")
        .order_by(AuditEntry.id)
    ).all()
    assert audited == ["document.followed", "document.unfollowed"]


def test_following_twice_records_one_audit_entry(client, db, team):
    sign_in(client, team["iryna"].email)
    for _ in range(2):
        client.post(f"/documents/{team['document'].id}/follow", data={"follow": "1", "csrf_token": csrf_token(client)})
    audited = db.exec(select(AuditEntry).where(AuditEntry.action == "document.followed")).all()
    assert len(audited) == 1


def test_follow_with_htmx_answers_with_the_partial_in_the_live_region(client, db, team):
    sign_in(client, team["iryna"].email)
    response = client.post(
        f"/documents/{team['document'].id}/follow",
        data={"follow": "1"},
        headers={"HX-Request": "true", "X-CSRF-Token": csrf_token(client)},
    )
    assert response.status_code == 200 and response.template.name == "notifications/_follow.html"
    assert 'id="follow"' in response.text and 'aria-live="polite"' in response.text
    assert response.context["following"] is True


def test_document_page_shows_whether_the_reader_follows(client, db, team):
    sign_in(client, team["olena"].email)
    page = client.get(f"/documents/{team['document'].id}")
    assert page.context["following"] is True and 'name="follow" value="0"' in page.text
    sign_in(client, team["iryna"].email)
    page = client.get(f"/documents/{team['document'].id}")
    assert page.context["following"] is False and 'name="follow" value="1"' in page.text


def test_following_a_missing_document_is_not_found(client, team):
    sign_in(client, team["iryna"].email)
    response = client.post("/documents/999999/follow", data={"follow": "1", "csrf_token": csrf_token(client)})
    assert response.status_code == 404
