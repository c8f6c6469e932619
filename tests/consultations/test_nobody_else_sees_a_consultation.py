"""A consultation reaches nobody but its requester, its assignee and the coordinators.

One sweep, like the library's draft sweep (tests/library/test_no_draft_reaches_the_public.py):
a consultation with a marker word in its subject, its question, a message and its attachment's
name and bytes; then every GET route of the permission table, in the permission table's world,
as an anonymous visitor, an unrelated member, a workshop's facilitator and another expert of the
guild, plus the searches and feeds with the markers as queries. No marker may appear anywhere.
The three parties do see them, on the consultation's own pages: the sweep can see.
"""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from deliberation.consultations import actions
from deliberation.notifications.delivery import MAIL_QUEUE, take_mail
from deliberation.notifications.models import Notification, NotificationKind, NotificationPreference
from deliberation.testing import make_user, make_workshop, sign_in
from tests.web.test_permissions import TABLE, _fill, built_world, connection, world  # noqa: F401  (fixtures)

from .helpers import request_form, upload

MARKERS = {
    "subject": "жовтокрилиця",
    "question": "зорепадництво",
    "message": "вітрогонство",
    "attachment": "гірськолісся",
}
OUTSIDERS = ("anonymous", "member", "facilitator", "other_expert")
SEARCHES = (
    "/library?q={word}",
    "/api/v1/resolutions?q={word}",
    "/feeds/resolutions.atom",
    "/sitemap.xml",
    "/api/v1/openapi.json",
    "/admin/audit",
)


@pytest.fixture
def secret(db, world):
    requester, expert, other_expert = make_user(db), make_user(db), make_user(db)
    make_workshop(db, creator=world["coordinator"], kind="experts", members=(expert, other_expert))
    # Everyone concerned or not wants every notification by e-mail at once: the letters are swept too.
    for person in (requester, expert, other_expert, world["coordinator"], world["member"], world["facilitator"]):
        for kind in NotificationKind:
            db.add(NotificationPreference(user_id=person.id, kind=kind, delivery="immediate"))
    db.flush()
    db.info.pop(MAIL_QUEUE, None)
    pdf = f"%PDF-1.4\n% {MARKERS['attachment']}\n%%EOF\n".encode()
    consultation = actions.check_request_consultation(
        db,
        actor=requester,
        data=request_form(
            subject=f"Питання про {MARKERS['subject']}",
            question=f"Чи законне {MARKERS['question']} у статуті громади?",
            attachment=upload(pdf, f"{MARKERS['attachment']}.pdf"),
        ),
    )
    actions.check_assign_consultation(
        db, consultation=consultation, actor=world["coordinator"], data={"assignee_id": str(expert.id)}
    )
    actions.check_post_message(
        db, consultation=consultation, actor=expert, data={"body": f"Так, {MARKERS['message']} дозволене."}
    )
    db.commit()
    return {
        "consultation": consultation,
        "requester": requester,
        "expert": expert,
        "other_expert": other_expert,
        "letters": take_mail(db, lambda link: "https://example.org" + link.route + repr(sorted(link.params.items()))),
    }


def _get_paths(world: dict, secret: dict) -> list[str]:
    ids = {**world, "consultation": secret["consultation"]}
    paths = {_fill(path, ids) for name, method, path, *_ in TABLE if method == "GET" and name != "static"}
    paths |= {search.format(word=word) for search in SEARCHES for word in MARKERS.values()}
    return sorted(paths)


def _leaks(text: str, path: str) -> list[str]:
    # A search page shows its own query back: there, only the other markers count.
    echoed = {word for word in MARKERS.values() if f"q={word}" in path}
    return [field for field, word in MARKERS.items() if word not in echoed and word in text.lower()]


@pytest.mark.parametrize("role", OUTSIDERS)
def test_no_page_shows_a_consultation_to_anyone_else(client, world, secret, role):
    people = {**world, "other_expert": secret["other_expert"]}
    if role != "anonymous":
        sign_in(client, people[role].email)
    own = f"/consultations/{secret['consultation'].id}"
    found = []
    for path in _get_paths(world, secret):
        response = client.get(path, follow_redirects=False)
        assert response.status_code < 500, path
        body = response.content.decode("utf-8", "replace") + response.headers.get("location", "")
        found += [(path, field) for field in _leaks(body, path)]
        if path.startswith(own) and response.status_code not in (303, 404):
            found.append((path, f"answered {response.status_code}"))
    assert found == []


@pytest.mark.parametrize("role", ["requester", "expert", "coordinator"])
def test_the_three_parties_see_it(client, world, secret, role):
    sign_in(client, {**world, **secret}[role].email)
    consultation_id = secret["consultation"].id
    page = client.get(f"/consultations/{consultation_id}").text.lower()
    assert [field for field, word in MARKERS.items() if word not in page] == []
    attachment = client.get(f"/consultations/{consultation_id}/attachment")
    assert MARKERS["attachment"].encode() in attachment.content
    listing = client.get("/consultations/queue" if role == "coordinator" else "/consultations").text.lower()
    assert MARKERS["subject"] in listing


def test_only_its_requester_and_expert_are_notified_and_never_of_what_they_wrote(db, world, secret):
    consultation_id = secret["consultation"].id
    everything = db.exec(select(Notification)).all()
    about_it = sorted((n.user_id, n.kind) for n in everything if n.details.get("consultation_id") == consultation_id)
    # Assigned (the expert, and the requester that it has someone), answered (the requester); the
    # coordinator who assigned it acted, so hears nothing; the other expert and the rest nothing.
    assert about_it == sorted(
        [
            (secret["expert"].id, NotificationKind.CONSULTATION_ASSIGNED),
            (secret["requester"].id, NotificationKind.CONSULTATION_ASSIGNED),
            (secret["requester"].id, NotificationKind.CONSULTATION_ANSWERED),
        ]
    )
    stored = json.dumps([n.details for n in everything], ensure_ascii=False).lower()
    assert [field for field, word in MARKERS.items() if word in stored] == []
    letters = secret["letters"]
    assert sorted(letter.to for letter in letters) == sorted([secret["expert"].email, *[secret["requester"].email] * 2])
    words = " ".join(f"{letter.subject} {letter.body}" for letter in letters).lower()
    assert [field for field, word in MARKERS.items() if word in words] == []
    assert all(f"consultation_id', {consultation_id})" in letter.body for letter in letters)
