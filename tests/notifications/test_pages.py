"""The notifications page, the unread count in the header, marking read, and the settings page."""

from __future__ import annotations

import pytest
from sqlmodel import select

from deliberation import i18n
from deliberation.audit.models import AuditEntry
from deliberation.notifications import actions, queries
from deliberation.notifications.models import Notification, NotificationGroup, NotificationKind, NotificationPreference
from deliberation.testing import counted_queries as counted
from deliberation.testing import csrf_token, make_user, sign_in


def _send(db, team, n: int, *, to="petro", kind="amendment", actors=None) -> list[Notification]:
    actors = actors or [team["olena"]]
    created = []
    for i in range(n):
        created += actions.notify(
            db,
            kind=kind,
            document_id=team["document"].id,
            actor_id=actors[i % len(actors)].id,
            recipients=[team[to].id],
            details={"amendment_id": i + 1},
        )
    db.commit()
    return created


def test_header_shows_the_unread_count_with_words_for_screen_readers(client, db, team):
    _send(db, team, 3)
    sign_in(client, team["petro"].email)
    page = client.get("/workshops")
    assert page.context["unread_count"] == 3
    token = i18n.set_locale("uk")
    try:
        hidden = i18n.ngettext("unread", "unread", 3)
    finally:
        i18n.reset_locale(token)
    assert f'<span class="count-badge">3<span class="visually-hidden"> {hidden}</span></span>' in page.text


def test_header_has_no_count_when_all_is_read_and_none_for_anonymous(client, db, team):
    anonymous = client.get("/workshops")
    assert anonymous.context["unread_count"] == 0 and "/notifications" not in anonymous.text
    sign_in(client, team["petro"].email)
    page = client.get("/workshops")
    assert page.context["unread_count"] == 0 and "count-badge" not in page.text and "/notifications" in page.text


def test_page_lists_newest_first_with_unread_marked_in_words(client, db, team):
    first, second = _send(db, team, 2)
    actions.do_mark_read(db, user=team["petro"], ids=[first.id])
    db.commit()
    sign_in(client, team["petro"].email)
    page = client.get("/notifications")
    entries = page.context["entries"]
    assert [e["id"] for e in entries] == [second.id, first.id]
    assert [e["unread"] for e in entries] == [True, False]
    assert entries[0]["href"] == "/amendments/2" and "Олена" in entries[0]["text"]
    assert page.text.count('class="badge badge-unread"') == 1


def test_revision_notification_links_to_the_comparison(client, db, team):
    actions.notify_revision(db, document=team["document"], revision_number=4, author_id=team["olena"].id)
    actions.ensure_following(db, user_id=team["petro"].id, document_id=team["document"].id)
    actions.notify_revision(db, document=team["document"], revision_number=5, author_id=team["olena"].id)
    db.commit()
    sign_in(client, team["petro"].email)
    [entry] = client.get("/notifications").context["entries"]
    assert entry["href"] == f"/documents/{team['document'].id}/compare?from=4&to=5"


def test_nobody_sees_another_persons_notifications(client, db, team):
    _send(db, team, 2, to="iryna")
    sign_in(client, team["petro"].email)
    assert client.get("/notifications").context["entries"] == []


def test_mark_one_read_leaves_the_others_unread(client, db, team):
    first, second = _send(db, team, 2)
    sign_in(client, team["petro"].email)
    response = client.post(
        "/notifications/read", data={"id": str(first.id), "csrf_token": csrf_token(client)}, follow_redirects=False
    )
    assert response.status_code == 303 and response.headers["location"].endswith("/notifications")
    assert queries.unread_count(db, team["petro"].id) == 1


def test_mark_all_read(client, db, team):
    _send(db, team, 4)
    sign_in(client, team["petro"].email)
    client.post("/notifications/read", data={"csrf_token": csrf_token(client)})
    assert queries.unread_count(db, team["petro"].id) == 0
    assert client.get("/notifications").context["unread_count"] == 0


def test_marking_someone_elses_notification_changes_nothing(client, db, team):
    [theirs] = _send(db, team, 1, to="iryna")
    sign_in(client, team["petro"].email)
    client.post("/notifications/read", data={"id": str(theirs.id), "csrf_token": csrf_token(client)})
    assert queries.unread_count(db, team["iryna"].id) == 1


def test_a_malformed_id_marks_nothing_rather_than_everything(client, db, team):
    _send(db, team, 2)
    sign_in(client, team["petro"].email)
    client.post("/notifications/read", data={"id": "abc", "csrf_token": csrf_token(client)})
    assert queries.unread_count(db, team["petro"].id) == 2


def test_older_notifications_are_on_the_next_page(client, db, team):
    from deliberation.web.notifications import PAGE_SIZE

    created = _send(db, team, PAGE_SIZE + 2)
    sign_in(client, team["petro"].email)
    first = client.get("/notifications")
    assert len(first.context["entries"]) == PAGE_SIZE and first.context["older"] == created[2].id
    second = client.get(f"/notifications?before={first.context['older']}")
    assert [e["id"] for e in second.context["entries"]] == [created[1].id, created[0].id]
    assert second.context["older"] is None


def test_page_issues_the_same_number_of_queries_for_5_and_100_notifications(client, connection, db, team):
    actors = [make_user(db, display_name=f"Учасник {i}") for i in range(7)]
    sign_in(client, team["petro"].email)

    def queries_for(total: int) -> int:
        db.exec(Notification.__table__.delete().where(Notification.user_id == team["petro"].id))
        _send(db, team, total, actors=actors)
        client.get("/notifications")  # warm the session
        with counted(connection) as statements:
            response = client.get("/notifications")
        assert response.status_code == 200 and len(response.context["entries"]) == min(total, 50)
        return len(statements)

    few, many = queries_for(5), queries_for(100)
    assert few > 0 and few == many, f"{few} queries with 5 notifications, {many} with 100"


def test_settings_page_offers_every_delivery_for_every_kind(client, db, team):
    sign_in(client, team["petro"].email)
    page = client.get("/account/notifications")
    assert page.context["values"] == {kind: "app" for kind in NotificationKind}
    kinds = len(NotificationKind)
    assert page.text.count('type="radio"') == 4 * kinds and page.text.count("<legend>") == kinds
    # Grouped: the documents one follows, one's workshops, forums and votes.
    assert page.text.count('<h2 class="settings-group">') == len(NotificationGroup)
    assert page.context["smtp_configured"] is False and "no mail server" not in page.text  # shown in uk
    token = i18n.set_locale("uk")
    try:
        note = i18n.gettext(
            "This site has no mail server set up yet: e-mails are written to the server's log for "
            "the administrator instead of reaching your inbox."
        )
    finally:
        i18n.reset_locale(token)
    assert note.replace("'", "&#39;") in page.text


def test_saving_preferences_keeps_them_and_audits_the_change(client, db, team):
    sign_in(client, team["petro"].email)
    response = client.post(
        "/account/notifications",
        data={
            "revision": "immediate",
            "reply": "daily",
            "amendment": "off",
            "decision": "app",
            "csrf_token": csrf_token(client),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert queries.get_preferences(db, team["petro"].id) == {kind: "app" for kind in NotificationKind} | {
        "revision": "immediate",
        "reply": "daily",
        "amendment": "off",
    }
    [entry] = db.exec(select(AuditEntry).where(AuditEntry.action == "notifications.preferences_set")).all()
    assert entry.details == {"changes": {"revision": "immediate", "reply": "daily", "amendment": "off"}}
    client.post("/account/notifications", data={"revision": "app", "csrf_token": csrf_token(client)})
    assert queries.get_preferences(db, team["petro"].id)["revision"] == "app"
    assert queries.get_preferences(db, team["petro"].id)["reply"] == "daily"  # left out: kept


@pytest.mark.parametrize("bad", ["weekly", "OFF", "app'; --"])
def test_a_delivery_that_is_not_offered_is_refused_and_nothing_is_written(client, db, team, bad):
    sign_in(client, team["petro"].email)
    response = client.post(
        "/account/notifications", data={"revision": "immediate", "reply": bad, "csrf_token": csrf_token(client)}
    )
    assert response.status_code == 422 and "reply" in response.context["errors"]
    assert response.context["values"]["revision"] == "immediate"
    assert db.exec(select(NotificationPreference).where(NotificationPreference.user_id == team["petro"].id)).all() == []
    assert db.exec(select(AuditEntry).where(AuditEntry.action == "notifications.preferences_set")).all() == []


def test_check_set_preferences_rejects_an_unknown_delivery_directly(db, team):
    from deliberation.errors import ValidationError

    with pytest.raises(ValidationError) as raised:
        actions.check_set_preferences(db, user=team["petro"], data={"decision": "sms"})
    assert set(raised.value.errors) == {"decision"}


@pytest.mark.parametrize("locale", ["uk", "en"])
def test_notification_pages_render_in_both_languages(client, db, team, locale):
    _send(db, team, 2)
    actions.notify_revision(db, document=team["document"], revision_number=2, author_id=team["olena"].id)
    db.commit()
    sign_in(client, team["petro"].email)
    client.post("/language", data={"lang": locale, "csrf_token": csrf_token(client)})
    rendered = {}
    for path in ("/notifications", "/account/notifications", f"/documents/{team['document'].id}"):
        response = client.get(path)
        assert response.status_code == 200 and f'<html lang="{locale}">' in response.text
        rendered[path] = response
    assert 'id="follow"' in rendered[f"/documents/{team['document'].id}"].text
    invalid = client.post("/account/notifications", data={"revision": "x", "csrf_token": csrf_token(client)})
    assert invalid.status_code == 422 and 'aria-describedby="e-revision"' in invalid.text
    token = i18n.set_locale(locale)
    try:
        words = [i18n.gettext("Mark all as read"), i18n.gettext("Notification settings"), i18n.gettext("New")]
    finally:
        i18n.reset_locale(token)
    assert words[0] in rendered["/notifications"].text and words[2] in rendered["/notifications"].text
    assert words[1] in rendered["/account/notifications"].text
