"""Proposing, supporting, commenting, ranking and deciding, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from deliberation.accounts.models import Occupation
from deliberation.audit.models import AuditEntry
from deliberation.errors import Conflict, Forbidden, ValidationError
from deliberation.proposals import actions, queries
from deliberation.proposals.models import ProposalKind, ProposalStatus, Support
from deliberation.testing import counted_queries, make_forum, make_proposal, make_user, make_workshop


def _supporters(db, *specs):
    return [make_user(db, region=region, occupation=occupation) for region, occupation in specs]


def test_ranking_by_support_and_by_breadth_disagree_when_many_come_from_one_place(db):
    author = make_user(db)
    # Four deputies of Poltava Oblast back one theme; three people of three regions and kinds the other.
    local = make_proposal(
        db,
        author=author,
        title="Ремонт шкіл Полтавщини",
        supporters=_supporters(db, *[("poltava", Occupation.DEPUTY)] * 4),
    )
    broad = make_proposal(
        db,
        author=author,
        title="Відкриті бюджети громад",
        supporters=_supporters(
            db, ("lviv", Occupation.EXPERT), ("kharkiv", Occupation.JOURNALIST), ("odesa", Occupation.DEPUTY)
        ),
    )
    # A supporter without a region adds to the support and to no region.
    unplaced = make_proposal(
        db, author=author, title="Молодіжні ради", supporters=_supporters(db, ("", Occupation.OTHER))
    )
    by_support = queries.list_proposals(db, order="support")
    by_breadth = queries.list_proposals(db, order="breadth")
    assert [s.proposal.id for s in by_support] == [local.id, broad.id, unplaced.id]
    assert [s.proposal.id for s in by_breadth] == [broad.id, local.id, unplaced.id]
    figures = {s.proposal.id: s.backing for s in by_support}
    assert figures[local.id] == queries.Backing(supports=4, regions=1, kinds=1)
    assert figures[broad.id] == queries.Backing(supports=3, regions=3, kinds=3)
    assert figures[unplaced.id] == queries.Backing(supports=1, regions=0, kinds=1)


def test_breadth_breaks_a_tie_of_regions_by_kinds_of_member(db):
    author = make_user(db)
    same_kind = make_proposal(
        db, author=author, supporters=_supporters(db, ("lviv", Occupation.DEPUTY), ("sumy", Occupation.DEPUTY))
    )
    two_kinds = make_proposal(
        db, author=author, supporters=_supporters(db, ("lviv", Occupation.DEPUTY), ("sumy", Occupation.EXPERT))
    )
    assert [s.proposal.id for s in queries.list_proposals(db, order="breadth")] == [two_kinds.id, same_kind.id]


def test_a_member_supports_once_and_may_withdraw(db):
    author, member = make_user(db), make_user(db, region="volyn")
    proposal = make_proposal(db, author=author)
    assert actions.do_support(db, proposal=proposal, actor=member, support=True)
    # A second tap changes nothing and is no error.
    assert not actions.do_support(db, proposal=proposal, actor=member, support=True)
    assert queries.get_backing(db, proposal.id).supports == 1
    assert actions.do_support(db, proposal=proposal, actor=member, support=False)
    assert not actions.do_support(db, proposal=proposal, actor=member, support=False)
    assert queries.get_backing(db, proposal.id) == queries.Backing()
    actions_logged = db.exec(
        select(AuditEntry.action).where(AuditEntry.object_type == "proposal", AuditEntry.object_id == proposal.id)
    ).all()
    assert actions_logged == ["proposal.created", "proposal.supported", "proposal.support_withdrawn"]


def test_the_database_holds_one_support_per_member(db):
    author, member = make_user(db), make_user(db)
    proposal = make_proposal(db, author=author, supporters=(member,))
    with pytest.raises(IntegrityError):
        with db.begin_nested():
            db.add(Support(proposal_id=proposal.id, user_id=member.id))
            db.flush()
    count = db.exec(select(func.count()).select_from(Support).where(Support.proposal_id == proposal.id)).one()
    assert count == 1


def test_authors_do_not_support_their_own_proposal(db):
    author = make_user(db)
    proposal = make_proposal(db, author=author)
    with pytest.raises(Forbidden):
        actions.do_support(db, proposal=proposal, actor=author, support=True)


def test_a_proposal_needs_a_known_kind_and_known_tags_and_nothing_is_written_otherwise(db):
    author = make_user(db)
    with pytest.raises(ValidationError) as refused:
        actions.check_create_proposal(
            db,
            actor=author,
            data={"kind": "manifesto", "title": "Т", "description": "x" * 6000, "sectors": "mining"},
        )
    assert set(refused.value.errors) == {"kind", "title", "description", "sectors"}
    assert queries.list_proposals(db) == []


def test_a_forum_theme_is_accepted_into_a_forum_and_a_workshop_topic_into_a_workshop(db):
    coordinator, author = make_user(db, coordinator=True), make_user(db)
    forum = make_forum(db, creator=coordinator)
    workshop = make_workshop(db, creator=coordinator)
    theme = make_proposal(db, author=author)
    topic = make_proposal(db, author=author, kind=ProposalKind.WORKSHOP_TOPIC)
    with pytest.raises(ValidationError):
        # A theme becomes a forum, not a workshop.
        actions.check_accept_proposal(db, proposal=theme, actor=coordinator, data={"workshop_id": str(workshop.id)})
    actions.check_accept_proposal(db, proposal=theme, actor=coordinator, data={"forum_id": str(forum.id)})
    actions.check_accept_proposal(db, proposal=topic, actor=coordinator, data={"workshop_id": str(workshop.id)})
    assert (theme.status, theme.forum_id, theme.workshop_id) == (ProposalStatus.ACCEPTED, forum.id, None)
    assert (topic.status, topic.forum_id, topic.workshop_id) == (ProposalStatus.ACCEPTED, None, workshop.id)
    page = queries.get_proposal_page(db, proposal_id=theme.id, viewer=author)
    assert page is not None and page.forum is not None and page.forum.id == forum.id


def test_a_decided_proposal_is_not_decided_again_nor_edited_nor_supported(db):
    coordinator, author, member = make_user(db, coordinator=True), make_user(db), make_user(db)
    proposal = make_proposal(db, author=author)
    with pytest.raises(ValidationError):
        actions.check_decline_proposal(db, proposal=proposal, actor=coordinator, data={"reason": ""})
    actions.check_decline_proposal(db, proposal=proposal, actor=coordinator, data={"reason": "Уже є така тема."})
    assert proposal.status == ProposalStatus.DECLINED and proposal.decision_reason == "Уже є така тема."
    with pytest.raises(Forbidden):
        actions.check_decline_proposal(db, proposal=proposal, actor=coordinator, data={"reason": "Ще раз"})
    with pytest.raises(Forbidden):
        actions.check_update_proposal(db, proposal=proposal, actor=author, data={"title": "Інша назва"})
    with pytest.raises(Forbidden):
        actions.do_support(db, proposal=proposal, actor=member, support=True)


def test_two_coordinators_deciding_at_once_one_decides(db):
    first, second, author = make_user(db, coordinator=True), make_user(db, coordinator=True), make_user(db)
    forum = make_forum(db, creator=first)
    proposal = make_proposal(db, author=author)
    # The second coordinator loaded the proposal while it was still open (a stale row in their request).
    stale = type(proposal)(**proposal.model_dump())
    actions.check_accept_proposal(db, proposal=proposal, actor=first, data={"forum_id": str(forum.id)})
    db.expunge(proposal)
    with pytest.raises(Conflict):
        actions.check_decline_proposal(db, proposal=stale, actor=second, data={"reason": "Не на часі"})


def test_only_coordinators_decide_and_hide(db):
    author, member = make_user(db), make_user(db)
    proposal = make_proposal(db, author=author)
    comment = actions.check_comment(db, proposal=proposal, actor=member, data={"body": "Згоден"})
    with pytest.raises(Forbidden):
        actions.check_decline_proposal(db, proposal=proposal, actor=member, data={"reason": "Ні"})
    with pytest.raises(Forbidden):
        actions.check_hide_comment(db, comment=comment, actor=author, data={"reason": "Не подобається"})


def test_a_hidden_comment_reaches_coordinators_only_with_its_reason(db):
    coordinator, author, member = make_user(db, coordinator=True), make_user(db), make_user(db)
    proposal = make_proposal(db, author=author)
    kept = actions.check_comment(db, proposal=proposal, actor=member, data={"body": "Слушно"})
    hidden = actions.check_comment(db, proposal=proposal, actor=member, data={"body": "Образа"})
    actions.check_hide_comment(db, comment=hidden, actor=coordinator, data={"reason": "Образливий зміст"})
    public = queries.get_proposal_page(db, proposal_id=proposal.id, viewer=author)
    moderators = queries.get_proposal_page(db, proposal_id=proposal.id, viewer=coordinator, with_hidden=True)
    assert public is not None and moderators is not None
    assert [row.comment.id for row in public.comments] == [kept.id]
    assert [row.comment.id for row in moderators.comments] == [kept.id, hidden.id]
    assert moderators.comments[1].comment.hidden_reason == "Образливий зміст"
    assert [s.comments for s in queries.list_proposals(db)] == [1]
    entry = db.exec(select(AuditEntry).where(AuditEntry.action == "proposal_comment.hidden")).one()
    assert (entry.actor_id, entry.details["reason"]) == (coordinator.id, "Образливий зміст")


def test_filters_by_kind_sector_theme_and_status(db):
    coordinator, author = make_user(db, coordinator=True), make_user(db)
    school = make_proposal(db, author=author, sectors=("education",), themes=("budget",))
    youth = make_proposal(
        db, author=author, kind=ProposalKind.WORKSHOP_TOPIC, sectors=("youth_sport",), themes=("strategic_planning",)
    )
    actions.check_decline_proposal(db, proposal=school, actor=coordinator, data={"reason": "Дубль"})

    def found(**wanted):
        return [s.proposal.id for s in queries.list_proposals(db, filters=queries.Filters(**wanted))]

    assert found(kind="workshop_topic") == [youth.id]
    assert found(sector="education") == [school.id]
    # "_" in youth_sport is a literal, not a wildcard.
    assert found(sector="youth_sport") == [youth.id]
    assert found(theme="strategic_planning") == [youth.id]
    assert found(status="open") == [youth.id]
    assert found(status="declined", sector="education") == [school.id]


def test_the_list_costs_the_same_few_queries_however_many_proposals(db, connection):
    author = make_user(db)
    make_proposal(db, author=author, supporters=_supporters(db, ("lviv", Occupation.DEPUTY)))
    with counted_queries(connection) as few:
        queries.list_proposals(db, order="breadth")
    for n in range(5):
        make_proposal(db, author=author, title=f"Тема {n}", supporters=_supporters(db, ("sumy", Occupation.EXPERT)))
    with counted_queries(connection) as many:
        assert len(queries.list_proposals(db, order="breadth")) == 6
    assert len(many) == len(few) == 1
