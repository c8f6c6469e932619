"""What a new user hit: submitting asks which forum and wants a confirmation, a returned text says why,
a forum opened outside its dates warns first, no hint promises what needs JavaScript, one <h1> a page."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from deliberation.audit.models import AuditEntry
from deliberation.drafting.actions import check_save_revision
from deliberation.forums import agenda
from deliberation.testing import make_document, make_forum, make_user, make_workshop, post
from deliberation.workshops.queries import get_membership
from tests.clients import signed_in_client


@pytest.fixture
def world(db):
    coordinator = make_user(db, coordinator=True, display_name="Олена Коваленко")
    facilitator = make_user(db, display_name="Петро Гнатюк")
    workshop = make_workshop(db, creator=coordinator, facilitators=(facilitator,))
    forum = make_forum(db, creator=coordinator, title="Осінній форум")
    document = make_document(db, workshop=workshop, author=facilitator, revisions=1, kind="council_decision")
    db.commit()
    return {
        "coordinator": coordinator,
        "facilitator": facilitator,
        "workshop": workshop,
        "forum": forum,
        "document": document,
    }


def _submitted(db) -> int:
    return len(db.exec(AuditEntry.__table__.select().where(AuditEntry.action == "agenda.submitted")).all())


def test_submitting_a_draft_chooses_no_forum_for_you_and_wants_a_confirmation(app, db, world):
    client = signed_in_client(app, world["facilitator"])
    document_id, forum_id = world["document"].id, str(world["forum"].id)
    page = client.get(f"/documents/{document_id}").text
    assert re.search(r'<option value="" selected>', page) and 'name="confirm" value="1" required' in page
    without_forum = post(client, f"/documents/{document_id}/submit", {"forum_id": "", "confirm": "1"})
    unconfirmed = post(client, f"/documents/{document_id}/submit", {"forum_id": forum_id})
    assert without_forum.status_code == 422 and "Оберіть, будь ласка, форум" in without_forum.text
    assert unconfirmed.status_code == 422 and "Підтвердьте" in unconfirmed.text
    db.expire_all()
    assert _submitted(db) == 0
    assert post(client, f"/documents/{document_id}/submit", {"forum_id": forum_id, "confirm": "1"}).status_code == 303


def test_the_reason_a_forum_returned_a_text_shows_on_the_documents_page(app, db, world):
    membership = get_membership(db, workshop_id=world["workshop"].id, user_id=world["facilitator"].id)
    item = agenda.do_submit_document(
        db, forum=world["forum"], document=world["document"], actor=world["facilitator"], membership=membership
    )
    agenda.check_return_item(
        db, item=item, actor=world["coordinator"], data={"reason": "Бракує фінансово-економічного обґрунтування."}
    )
    db.commit()
    page = signed_in_client(app, world["facilitator"]).get(f"/documents/{world['document'].id}").text
    assert 'id="returned-reason"' in page and "Бракує фінансово-економічного обґрунтування." in page
    assert "Осінній форум" in page.split('id="returned-reason"')[1]


def test_opening_a_forum_outside_its_dates_warns_and_needs_a_tick(app, db, world):
    coordinator = signed_in_client(app, world["coordinator"])
    forum_id = world["forum"].id  # it meets in a month
    page = coordinator.get(f"/forums/{forum_id}").text
    assert 'id="outside-dates-warning"' in page and 'name="outside_dates"' in page
    refused = post(coordinator, f"/forums/{forum_id}/status", {"status": "open"})
    assert refused.status_code == 422 and "позначте поле" in refused.text
    db.expire_all()
    assert db.get(type(world["forum"]), forum_id).status == "planned"
    assert post(coordinator, f"/forums/{forum_id}/status", {"status": "open", "outside_dates": "1"}).status_code == 303


def test_a_forum_that_meets_today_opens_without_a_warning(app, db, world):
    today = make_forum(
        db,
        creator=world["coordinator"],
        starts_on=date.today() - timedelta(days=1),
        ends_on=date.today() + timedelta(days=1),
    )
    db.commit()
    coordinator = signed_in_client(app, world["coordinator"])
    assert 'id="outside-dates-warning"' not in coordinator.get(f"/forums/{today.id}").text
    assert post(coordinator, f"/forums/{today.id}/status", {"status": "open"}).status_code == 303


def test_the_select_words_hint_is_hidden_until_the_script_shows_it(app, world):
    page = signed_in_client(app, world["facilitator"]).get(f"/documents/{world['document'].id}").text
    assert re.search(r'<p class="hint selection-hint" hidden>', page)


def test_a_document_page_has_one_top_level_heading(app, db, world):
    membership = get_membership(db, workshop_id=world["workshop"].id, user_id=world["facilitator"].id)
    check_save_revision(
        db,
        document=world["document"],
        actor=world["facilitator"],
        membership=membership,
        data={"base": "1", "title": world["document"].title, "body": "# Про бюджет\n\nТекст рішення."},
    )
    db.commit()
    page = signed_in_client(app, world["facilitator"]).get(f"/documents/{world['document'].id}").text
    assert page.count("<h1") == 1
