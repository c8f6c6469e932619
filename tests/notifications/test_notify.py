"""Who hears of what: followers, never the actor, and only as each person chose."""

from __future__ import annotations

import pytest
from sqlmodel import select

from deliberation import i18n
from deliberation.discussion.models import Comment
from deliberation.notifications import actions
from deliberation.notifications.delivery import Letter, Link, absolute_links, describe, link_for, take_mail
from deliberation.notifications.models import Notification
from deliberation.web.rendering import bdi

from .helpers import save_version


def _notifications(db, user=None) -> list[Notification]:
    statement = select(Notification).order_by(Notification.id)
    if user is not None:
        statement = statement.where(Notification.user_id == user.id)
    return list(db.exec(statement))


def test_new_revision_notifies_followers_but_not_its_author(db, team):
    actions.ensure_following(db, user_id=team["iryna"].id, document_id=team["document"].id)
    number = save_version(db, team["document"], team["olena"])
    rows = _notifications(db)
    assert [(n.user_id, n.kind, n.details) for n in rows] == [(team["iryna"].id, "revision", {"number": number})]
    assert rows[0].actor_id == team["olena"].id and rows[0].read_at is None and rows[0].emailed_at is None


def test_notify_skips_the_actor_even_when_listed_as_a_recipient(db, team):
    created = actions.notify(
        db,
        kind="amendment",
        document_id=team["document"].id,
        actor_id=team["petro"].id,
        recipients=[team["petro"].id, team["olena"].id, team["olena"].id, None],
        details={"amendment_id": 1},
    )
    assert [n.user_id for n in created] == [team["olena"].id]


def test_notify_skips_recipients_who_turned_the_kind_off(db, team, prefer):
    prefer(team["olena"], "amendment", "off")
    prefer(team["iryna"], "revision", "off")  # another kind: stays on for amendments
    created = actions.notify(
        db,
        kind="amendment",
        document_id=team["document"].id,
        actor_id=team["petro"].id,
        recipients=[team["olena"].id, team["iryna"].id],
        details={"amendment_id": 1},
    )
    assert [n.user_id for n in created] == [team["iryna"].id]


def test_notify_leaves_out_deactivated_people(db, team):
    team["iryna"].is_active = False
    db.add(team["iryna"])
    db.commit()
    created = actions.notify(
        db,
        kind="reply",
        document_id=team["document"].id,
        actor_id=team["petro"].id,
        recipients=[team["iryna"].id],
        details={"comment_id": 1},
    )
    assert created == []


def test_notify_refuses_an_unknown_kind(db, team):
    with pytest.raises(ValueError):
        actions.notify(db, kind="gossip", document_id=team["document"].id, actor_id=None, recipients=[], details={})


def test_immediate_delivery_queues_a_letter_in_the_recipients_language_and_marks_it_emailed(db, team, prefer):
    prefer(team["iryna"], "decision", "immediate")  # Iryna reads English
    prefer(team["petro"], "decision", "immediate")  # Petro reads Ukrainian
    created = actions.notify_decision(
        db,
        document_id=team["document"].id,
        amendment_id=7,
        accepted=True,
        actor_id=team["olena"].id,
        recipients=[team["iryna"].id, team["petro"].id],
    )
    assert all(n.emailed_at is not None for n in created)
    messages = take_mail(
        db, absolute_links(lambda name, **p: f"/{name}/{'/'.join(map(str, p.values()))}", "https://civic.example/delib")
    )
    by_address = {m.to: m for m in messages}
    title = team["document"].title
    for person, locale in (("iryna", "en"), ("petro", "uk")):
        token = i18n.set_locale(locale)
        try:
            expected = i18n.gettext(
                "The amendment to «%(title)s» is accepted (decided by %(name)s)", title=title, name="Олена"
            )
        finally:
            i18n.reset_locale(token)
        message = by_address[team[person].email]
        assert message.subject == expected
        assert "https://civic.example/delib/amendment/7" in message.body
        assert "https://civic.example/delib/notification_settings" in message.body
    assert by_address[team["iryna"].email].subject != by_address[team["petro"].email].subject
    assert take_mail(db, lambda link: "") == []


def test_app_and_daily_delivery_queue_no_letter(db, team, prefer):
    prefer(team["olena"], "reply", "daily")
    actions.notify(
        db,
        kind="reply",
        document_id=team["document"].id,
        actor_id=team["petro"].id,
        recipients=[team["olena"].id, team["iryna"].id],
        details={"comment_id": 3},
    )
    assert db.info.get("delib_mail", []) == []


def test_immediate_delivery_without_an_address_stays_in_the_app(db, team, prefer):
    team["iryna"].email = None
    db.add(team["iryna"])
    db.commit()
    prefer(team["iryna"], "reply", "immediate")
    [created] = actions.notify(
        db,
        kind="reply",
        document_id=team["document"].id,
        actor_id=team["petro"].id,
        recipients=[team["iryna"].id],
        details={"comment_id": 3},
    )
    assert created.emailed_at is None and db.info.get("delib_mail", []) == []


def test_reply_remembers_where_the_reply_is_shown(db, team):
    parent = Comment(
        document_id=team["document"].id,
        author_id=team["olena"].id,
        body="Що з термінами?",
        revision_number=1,
        anchor_pid="abcd1234",
    )
    db.add(parent)
    db.flush()
    reply = Comment(
        document_id=team["document"].id,
        author_id=team["petro"].id,
        body="До кінця року.",
        revision_number=1,
        parent_id=parent.id,
        anchor_pid="abcd1234",
    )
    db.add(reply)
    db.flush()
    [created] = actions.notify_reply(
        db,
        document_id=team["document"].id,
        comment_id=reply.id,
        parent_author_id=team["olena"].id,
        actor_id=team["petro"].id,
    )
    assert created.details == {"comment_id": reply.id, "pid": "abcd1234"}
    link = link_for("reply", team["document"].id, created.details)
    assert link == Link(
        "comments",
        {"document_id": team["document"].id},
        query=f"pid=abcd1234&comment={reply.id}",
        fragment=f"comment-{reply.id}",
    )


def test_replying_to_ones_own_comment_notifies_nobody(db, team):
    assert (
        actions.notify_reply(
            db,
            document_id=team["document"].id,
            comment_id=1,
            parent_author_id=team["petro"].id,
            actor_id=team["petro"].id,
        )
        == []
    )


@pytest.mark.parametrize(
    "kind,details,route,query,fragment",
    [
        ("revision", {"number": 3}, "document_compare", "from=2&to=3", ""),
        ("revision", {"number": 1}, "document", "", ""),
        ("reply", {"comment_id": 5}, "comments", "comment=5", "comment-5"),
        ("reply", {"comment_id": 5, "amendment_id": 2}, "amendment", "", "comment-5"),
        ("amendment", {"amendment_id": 2}, "amendment", "", ""),
        ("decision", {"amendment_id": 2, "accepted": False}, "amendment", "", ""),
    ],
)
def test_each_kind_links_to_the_change_itself(kind, details, route, query, fragment):
    link = link_for(kind, 9, details)
    assert (link.route, link.query, link.fragment) == (route, query, fragment)


def test_every_kind_reads_differently_in_both_languages():
    for locale in ("uk", "en"):
        token = i18n.set_locale(locale)
        try:
            texts = {
                describe(kind, details, title="Петиція", actor_name="Олена")
                for kind, details in [
                    ("revision", {"number": 2}),
                    ("reply", {}),
                    ("amendment", {}),
                    ("decision", {"accepted": True}),
                    ("decision", {"accepted": False}),
                ]
            }
        finally:
            i18n.reset_locale(token)
        assert len(texts) == 5 and all("Петиція" in text for text in texts)


def test_on_a_page_the_title_and_the_name_are_marked_with_their_language_and_the_rest_is_escaped():
    token = i18n.set_locale("en")
    try:
        html = describe("revision", {"number": 2}, title="Петиція <b>", actor_name="Олена", mark=bdi)
        mail = describe("revision", {"number": 2}, title="Петиція <b>", actor_name="Олена")
    finally:
        i18n.reset_locale(token)
    assert html == ('New version 2 of “<bdi lang="uk">Петиція &lt;b&gt;</bdi>”, saved by <bdi lang="uk">Олена</bdi>')
    assert mail == "New version 2 of “Петиція <b>”, saved by Олена"


def test_a_letter_is_written_when_sent_not_when_queued():
    from deliberation.notifications.delivery import Entry

    letter = Letter(
        to="a@example.org",
        name="Олена",
        locale="en",
        entries=(Entry("revision", 4, {"number": 2}, "Петиція", "Петро"),),
    )
    token = i18n.set_locale("uk")  # the sender's page is in Ukrainian; the letter follows its reader
    try:
        message = letter.render(lambda link: "https://x.example" + link.path(lambda name, **p: f"/{name}"))
    finally:
        i18n.reset_locale(token)
    assert (
        message.subject.startswith("New version 2") and "https://x.example/document_compare?from=1&to=2" in message.body
    )
