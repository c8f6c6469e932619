"""The assembly over HTTP: the forum's agenda, submitting from a document, delegates, the floor, minutes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from starlette.testclient import TestClient

from deliberation.forums import agenda, delegates, floor, queries
from deliberation.testing import make_delegates, make_document, make_forum, make_user, make_workshop, post
from tests.clients import signed_in_client


@pytest.fixture
def world(db):
    coordinator = make_user(db, coordinator=True, display_name="Олена Коваленко")
    facilitator = make_user(db, display_name="Петро Гнатюк")
    member = make_user(db, display_name="Василь Ткачук", hromada="Гадяцька громада")
    workshop = make_workshop(db, creator=coordinator, facilitators=(facilitator,), members=(member,))
    forum = make_forum(db, creator=coordinator, title="Осінній форум")
    document = make_document(db, workshop=workshop, author=facilitator, revisions=2)
    db.commit()
    return {
        "coordinator": coordinator,
        "facilitator": facilitator,
        "member": member,
        "workshop": workshop,
        "forum": forum,
        "document": document,
    }


def test_a_facilitator_submits_from_the_document_page(app, db, world):
    facilitator = signed_in_client(app, world["facilitator"])
    page = facilitator.get(f"/documents/{world['document'].id}")
    assert page.context["can_submit"] and [f.id for f in page.context["submit_forums"]] == [world["forum"].id]
    assert f'action="/documents/{world["document"].id}/submit"' in page.text
    response = post(
        facilitator, f"/documents/{world['document'].id}/submit", {"forum_id": str(world["forum"].id), "confirm": "1"}
    )
    assert response.status_code == 303 and response.headers["location"] == f"/documents/{world['document'].id}"
    after = facilitator.get(f"/documents/{world['document'].id}")
    assert not after.context["can_submit"] and "/submit" not in after.text
    assert f"/documents/{world['document'].id}/edit" not in after.text


def test_a_member_sees_no_submit_form(app, world):
    page = signed_in_client(app, world["member"]).get(f"/documents/{world['document'].id}")
    assert page.context["can_submit"] is False and page.context["submit_forums"] == []


def test_the_forum_page_shows_the_agenda_and_the_submissions_with_controls_for_the_committee(app, db, world):
    coordinator, forum = world["coordinator"], world["forum"]
    point = agenda.check_add_discussion_point(db, forum=forum, actor=coordinator, data={"title": "Звіт комітету"})
    from deliberation.workshops.queries import get_membership

    membership = get_membership(db, workshop_id=world["workshop"].id, user_id=world["facilitator"].id)
    submitted = agenda.do_submit_document(
        db, forum=forum, document=world["document"], actor=world["facilitator"], membership=membership
    )
    make_delegates(db, forum=forum, count=3, registered_by=coordinator)
    db.commit()

    page = signed_in_client(app, coordinator).get(f"/forums/{forum.id}")
    assert [e.item.id for e in page.context["agenda"]] == [point.id]
    assert [e.item.id for e in page.context["submissions"]] == [submitted.id]
    assert page.context["delegate_count"] == 3
    assert f"/forums/{forum.id}/agenda/{submitted.id}/accept" in page.text
    assert f"/forums/{forum.id}/agenda/{submitted.id}/return" in page.text
    assert f"/forums/{forum.id}/delegates" in page.text and f"/forums/{forum.id}/minutes" in page.text

    public = TestClient(app).get(f"/forums/{forum.id}")
    assert "Звіт комітету" in public.text and "/accept" not in public.text and "/move" not in public.text


def test_the_committee_accepts_orders_and_puts_an_item_before_the_assembly(app, db, world):
    coordinator, forum = world["coordinator"], world["forum"]
    first = agenda.check_add_discussion_point(db, forum=forum, actor=coordinator, data={"title": "Перше питання"})
    second = agenda.check_add_discussion_point(db, forum=forum, actor=coordinator, data={"title": "Друге питання"})
    db.commit()
    client = signed_in_client(app, coordinator)
    assert post(client, f"/forums/{forum.id}/agenda/{second.id}/move", {"direction": "up"}).status_code == 303
    assert [e.item.id for e in client.get(f"/forums/{forum.id}").context["agenda"]] == [second.id, first.id]
    forum.status = "open"
    db.commit()
    assert post(client, f"/forums/{forum.id}/agenda/{first.id}/current").status_code == 303
    page = client.get(f"/forums/{forum.id}")
    assert f'id="item-{first.id}" class="agenda-item agenda-current" aria-current="true"' in page.text


def test_returning_without_a_reason_is_refused_and_nothing_changes(app, db, world):
    from deliberation.workshops.queries import get_membership

    membership = get_membership(db, workshop_id=world["workshop"].id, user_id=world["facilitator"].id)
    item = agenda.do_submit_document(
        db, forum=world["forum"], document=world["document"], actor=world["facilitator"], membership=membership
    )
    db.commit()
    client = signed_in_client(app, world["coordinator"])
    response = post(client, f"/forums/{world['forum'].id}/agenda/{item.id}/return", {"reason": ""})
    assert response.status_code == 422
    db.expire_all()
    assert queries.get_agenda_item(db, item.id).status == "submitted"


def test_delegates_register_and_give_their_proxy_through_the_page(app, db, world):
    forum = world["forum"]
    (other,) = make_delegates(db, forum=forum, count=1, registered_by=world["coordinator"])
    db.commit()
    member = signed_in_client(app, world["member"])
    page = member.get(f"/forums/{forum.id}/delegates")
    assert page.context["can_register_self"] and f'action="/forums/{forum.id}/delegates"' in page.text
    assert post(member, f"/forums/{forum.id}/delegates").status_code == 303
    page = member.get(f"/forums/{forum.id}/delegates")
    assert page.context["me"] is not None and page.context["can_give_mine"]
    assert f'<option value="{other.id}">' in page.text
    assert post(member, f"/forums/{forum.id}/proxies", {"holder_id": str(other.id)}).status_code == 303
    page = TestClient(app).get(f"/forums/{forum.id}/delegates")
    (row,) = page.context["proxies"]
    assert (row.giver.id, row.holder.id) == (world["member"].id, other.id)
    assert "Василь Ткачук" in page.text and other.display_name in page.text and "Гадяцька громада" in page.text


def test_a_coordinator_registers_a_member_and_marks_them_present(app, db, world):
    forum, member = world["forum"], world["member"]
    client = signed_in_client(app, world["coordinator"])
    page = client.get(f"/forums/{forum.id}/delegates")
    assert member.id in [u.id for u in page.context["candidates"]]
    assert post(client, f"/forums/{forum.id}/delegates", {"user_id": str(member.id)}).status_code == 303
    response = post(client, f"/forums/{forum.id}/delegates/{member.id}/presence", {"present": "1"})
    assert response.status_code == 303
    assert queries.present_ids(db, forum.id) == {member.id}


def test_the_item_page_runs_the_speakers_list(app, db, world):
    coordinator, forum = world["coordinator"], world["forum"]
    item = agenda.check_add_discussion_point(db, forum=forum, actor=coordinator, data={"title": "Різне"})
    delegates.do_register_delegate(db, forum=forum, user=world["member"], actor=world["member"])
    forum.status = "open"
    db.commit()
    url = f"/forums/{forum.id}/agenda/{item.id}"

    member = signed_in_client(app, world["member"])
    page = member.get(url)
    assert page.context["can_request"] and page.context["votes"] == []
    assert post(member, url + "/speakers").status_code == 303
    page = member.get(url)
    request = page.context["my_request"]
    assert not page.context["can_request"] and f"/speakers/{request.id}/withdraw" in page.text

    chair = signed_in_client(app, coordinator)
    page = chair.get(url)
    assert f"/speakers/{request.id}/floor" in page.text
    assert post(chair, f"/speakers/{request.id}/floor").status_code == 303
    page = chair.get(url)
    speaker, person = page.context["current"]
    started = speaker.started_at if speaker.started_at.tzinfo else speaker.started_at.replace(tzinfo=UTC)
    ends_at = started + timedelta(seconds=item.speaking_seconds)
    assert f'data-ends-at="{ends_at.isoformat()}"' in page.text
    assert datetime.fromisoformat(ends_at.isoformat()) > datetime.now(UTC)
    assert post(chair, f"/speakers/{request.id}/end").status_code == 303

    minutes = TestClient(app).get(f"/forums/{forum.id}/minutes")
    assert minutes.status_code == 200 and "Василь Ткачук" in minutes.text


def test_the_chair_closes_the_list_and_sets_the_speaking_time(app, db, world):
    coordinator, forum = world["coordinator"], world["forum"]
    item = agenda.check_add_discussion_point(db, forum=forum, actor=coordinator, data={"title": "Різне"})
    db.commit()
    client = signed_in_client(app, coordinator)
    settings = f"/forums/{forum.id}/agenda/{item.id}/speakers/settings"
    assert post(client, settings, {"closed": "1"}).status_code == 303
    assert post(client, settings, {"seconds": "240"}).status_code == 303
    assert post(client, settings, {"seconds": "5"}).status_code == 422
    db.expire_all()
    fresh = queries.get_agenda_item(db, item.id)
    assert fresh.speakers_closed and fresh.speaking_seconds == 240


def test_an_htmx_post_is_answered_with_a_redirect_header(app, db, world):
    forum = world["forum"]
    client = signed_in_client(app, world["member"])
    response = post(client, f"/forums/{forum.id}/delegates", headers={"HX-Request": "true"})
    assert response.status_code == 204 and response.headers["HX-Redirect"] == f"/forums/{forum.id}/delegates"


def test_an_item_of_another_forum_is_not_found(app, db, world):
    other = make_forum(db, creator=world["coordinator"], title="Інший форум")
    item = agenda.check_add_discussion_point(db, forum=other, actor=world["coordinator"], data={"title": "Різне"})
    db.commit()
    assert TestClient(app).get(f"/forums/{world['forum'].id}/agenda/{item.id}").status_code == 404


def test_the_minutes_page_lists_the_agenda_in_order(app, db, world):
    coordinator, forum = world["coordinator"], world["forum"]
    first = agenda.check_add_discussion_point(db, forum=forum, actor=coordinator, data={"title": "Перше питання"})
    agenda.check_add_discussion_point(db, forum=forum, actor=coordinator, data={"title": "Друге питання"})
    (speaker_user,) = make_delegates(db, forum=forum, count=1, registered_by=coordinator)
    forum.status = "open"
    speaker = floor.do_request_floor(db, item=first, actor=speaker_user)
    floor.do_give_floor(db, speaker=speaker, actor=coordinator)
    db.commit()
    page = TestClient(app).get(f"/forums/{forum.id}/minutes")
    assert page.text.index("Перше питання") < page.text.index("Друге питання")
    assert speaker_user.display_name in page.text
    ((speech, person),) = page.context["minutes"][0].speeches
    assert person.id == speaker_user.id and speech.ended_at is None and page.context["minutes"][1].speeches == []
