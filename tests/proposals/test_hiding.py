"""A hidden topic proposal: gone for members, its author and strangers; kept, with its reason, for
coordinators; no support, comment, edit, decision or poll until it is shown again."""

from __future__ import annotations

import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from deliberation.audit.models import AuditEntry
from deliberation.errors import Conflict, Forbidden, NotFound, ValidationError
from deliberation.moderation import actions as moderation
from deliberation.moderation.models import Subject
from deliberation.proposals import actions, queries
from deliberation.proposals.models import PollOption, ProposalKind, ProposalStatus
from deliberation.testing import csrf_token, make_forum, make_poll, make_proposal, make_user, sign_in

ADVERT = "Сонячні панелі зі знижкою для кожної громади"
REASON = "Реклама приватної фірми, не тема для форуму"


def _post(client, path, data=None):
    return client.post(path, data={**(data or {}), "csrf_token": csrf_token(client)}, follow_redirects=False)


@pytest.fixture
def crew(db):
    coordinator = make_user(db, coordinator=True, display_name="Координаторка Оксана")
    author, member = make_user(db), make_user(db)
    shown = make_proposal(db, author=author, title="Бюджет участі в малих громадах", supporters=[member])
    advert = make_proposal(db, author=author, title=ADVERT, supporters=[member])
    db.commit()
    return {"coordinator": coordinator, "author": author, "member": member, "shown": shown, "advert": advert}


def _hide(db, crew, proposal=None):
    proposal = proposal or crew["advert"]
    actions.check_hide_proposal(db, proposal=proposal, actor=crew["coordinator"], data={"reason": REASON})
    db.commit()
    return proposal


def _titles(db, **filters) -> list[str]:
    return [s.proposal.title for s in queries.list_proposals(db, filters=queries.Filters(**filters))]


def test_a_hidden_proposal_leaves_the_lists_the_ranking_and_the_poll_candidates(db, crew):
    _hide(db, crew)
    assert ADVERT not in _titles(db) and ADVERT not in _titles(db, status=ProposalStatus.OPEN)
    for order in queries.RANKINGS:
        ranked = queries.list_proposals(db, filters=queries.Filters(), order=order)
        assert ADVERT not in [s.proposal.title for s in ranked]
    assert crew["advert"].id not in [p.id for p in queries.list_open_proposals(db)]
    # Coordinators ask for it, and it is there.
    assert ADVERT in _titles(db, with_hidden=True)
    assert queries.get_proposal_page(db, proposal_id=crew["advert"].id, viewer=crew["member"]) is None
    assert queries.get_proposal_page(db, proposal_id=crew["advert"].id, viewer=None, with_hidden=True) is not None


def test_hiding_and_showing_again_keep_the_text_the_supports_and_the_log(db, crew):
    advert = _hide(db, crew)
    assert advert.title == ADVERT and advert.hidden_reason == REASON
    assert advert.hidden_by == crew["coordinator"].id
    actions.check_restore_proposal(db, proposal=advert, actor=crew["coordinator"], data={"reason": "Автор пояснив"})
    assert ADVERT in _titles(db)
    assert queries.get_backing(db, advert.id).supports == 1
    logged = db.exec(select(AuditEntry.action).where(AuditEntry.object_id == advert.id)).all()
    assert "proposal.hidden" in logged and "proposal.restored" in logged


@pytest.mark.parametrize("who", ["author", "member"])
def test_only_coordinators_hide_or_show_a_proposal_again(db, crew, who):
    with pytest.raises(Forbidden):
        actions.check_hide_proposal(db, proposal=crew["advert"], actor=crew[who], data={"reason": REASON})
    _hide(db, crew)
    with pytest.raises(Forbidden):
        actions.check_restore_proposal(db, proposal=crew["advert"], actor=crew[who], data={"reason": "Поверніть"})


def test_a_reason_is_required_and_nothing_is_hidden_without_one(db, crew):
    with pytest.raises(ValidationError):
        actions.check_hide_proposal(db, proposal=crew["advert"], actor=crew["coordinator"], data={"reason": " "})
    db.refresh(crew["advert"])
    assert crew["advert"].hidden_at is None


def test_a_hidden_proposal_takes_no_support_comment_edit_or_decision(db, crew):
    advert = _hide(db, crew)
    other = make_user(db)
    with pytest.raises(Forbidden):
        actions.do_support(db, proposal=advert, actor=other, support=True)
    with pytest.raises(Forbidden):
        actions.check_comment(db, proposal=advert, actor=other, data={"body": "Підтримую"})
    with pytest.raises(Forbidden):
        actions.check_update_proposal(db, proposal=advert, actor=crew["author"], data={"title": "Інша назва"})
    with pytest.raises(Forbidden):
        actions.check_decline_proposal(db, proposal=advert, actor=crew["coordinator"], data={"reason": "Не на часі"})


def test_a_coordinator_deciding_a_proposal_another_just_hid_is_told_it_is_hidden(db, crew):
    forum = make_forum(db, creator=crew["coordinator"])
    second = make_user(db, coordinator=True)
    # The second coordinator loaded the proposal while it was still shown (a stale row in their request).
    stale = type(crew["advert"])(**crew["advert"].model_dump())
    _hide(db, crew)
    db.expunge(crew["advert"])
    with pytest.raises(Conflict) as refused:
        actions.check_accept_proposal(db, proposal=stale, actor=second, data={"forum_id": str(forum.id)})
    assert refused.value.code == "already_hidden"
    [row] = [
        p for p in queries.list_proposals(db, filters=queries.Filters(with_hidden=True)) if p.proposal.id == stale.id
    ]
    assert row.proposal.status == ProposalStatus.OPEN


def test_a_decided_proposal_can_be_hidden_too(db, crew):
    """Declining leaves a proposal public; personal data in it must still be taken down."""
    actions.check_decline_proposal(db, proposal=crew["advert"], actor=crew["coordinator"], data={"reason": "Реклама"})
    _hide(db, crew)
    assert ADVERT not in _titles(db, status=ProposalStatus.DECLINED)


def test_comments_on_a_hidden_proposal_cannot_be_reported(db, crew):
    remark = actions.check_comment(db, proposal=crew["advert"], actor=crew["member"], data={"body": "Дзвонив, брешуть"})
    _hide(db, crew)
    with pytest.raises(NotFound):
        moderation.check_report(
            db, actor=make_user(db), subject=Subject.PROPOSAL_COMMENT, subject_id=remark.id, data={"reason": "spam"}
        )


def test_a_poll_keeps_the_option_of_a_proposal_hidden_since_but_not_its_link(db, crew):
    coordinator = crew["coordinator"]
    poll = make_poll(db, creator=coordinator, options=("Освіта", "ЖКГ"))
    db.commit()
    db.add(PollOption(poll_id=poll.id, position=9, label=ADVERT, proposal_id=crew["advert"].id))
    db.add(PollOption(poll_id=poll.id, position=10, label="Бюджет участі", proposal_id=crew["shown"].id))
    db.commit()
    _hide(db, crew)
    page = queries.get_poll_page(db, poll=poll, viewer=crew["member"], result_visible=lambda *_: False)
    assert ADVERT in [o.label for o in page.options]
    assert page.shown_proposals == frozenset({crew["shown"].id})


# --- pages --------------------------------------------------------------------------------------


def test_the_pages_show_a_hidden_proposal_to_coordinators_only(app, db, crew):
    advert = _hide(db, crew)
    page = f"/proposals/{advert.id}"
    with TestClient(app) as stranger:
        assert stranger.get(page).status_code == 404
        assert ADVERT not in stranger.get("/proposals").text
    for who in ("author", "member"):
        with TestClient(app) as client:
            sign_in(client, crew[who].email)
            assert client.get(page).status_code == 404
            assert ADVERT not in client.get("/proposals").text
            for action in ("support", "comments"):
                assert _post(client, f"{page}/{action}", {"support": "1", "body": "Так"}).status_code == 404
    with TestClient(app) as desk:
        sign_in(desk, crew["coordinator"].email)
        shown = desk.get(page)
        assert shown.status_code == 200 and REASON in shown.text and "Координаторка Оксана" in shown.text
        assert f"/moderation/proposal/{advert.id}/restore" in shown.text
        assert "Приховано від учасників" in desk.get("/proposals").text
        assert ADVERT not in desk.get("/proposals/ranking").text
        assert ADVERT not in desk.get("/polls/new").text


def test_a_member_reports_a_proposal_from_its_page_and_a_coordinator_hides_it_there(app, db, crew):
    page = f"/proposals/{crew['advert'].id}"
    with TestClient(app) as reader:
        sign_in(reader, crew["member"].email)
        assert f"/report/proposal/{crew['advert'].id}" in reader.get(page).text
        sent = _post(reader, f"/report/proposal/{crew['advert'].id}", {"reason": "spam", "note": "Реклама"})
        assert sent.status_code == 303 and sent.headers["location"].endswith(page)
    with TestClient(app) as author:
        sign_in(author, crew["author"].email)
        assert "/report/proposal/" not in author.get(page).text
    with TestClient(app) as desk:
        sign_in(desk, crew["coordinator"].email)
        assert ADVERT in desk.get("/moderation", params={"kind": "proposal"}).text
        hide = f"/moderation/proposal/{crew['advert'].id}/hide"
        assert hide in desk.get(page).text
        assert _post(desk, hide, {"reason": ""}).status_code == 422
        assert _post(desk, hide, {"reason": REASON}).status_code == 303
    db.expire_all()
    assert db.get(type(crew["advert"]), crew["advert"].id).hidden_reason == REASON


def test_the_workshop_topic_kind_is_hidden_the_same_way(db, crew):
    topic = make_proposal(db, author=crew["author"], kind=ProposalKind.WORKSHOP_TOPIC, title="Тема для майстерні")
    _hide(db, crew, topic)
    assert "Тема для майстерні" not in _titles(db, kind=ProposalKind.WORKSHOP_TOPIC)
