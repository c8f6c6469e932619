"""Saving revisions: immutable history, merging parallel edits, conflicts that overwrite nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from deliberation.drafting import actions, queries
from deliberation.drafting.models import Revision
from deliberation.drafting.queries import paragraphs_of
from deliberation.drafting.saving import MergeConflict, NothingChanged
from deliberation.errors import Forbidden
from deliberation.workshops.queries import get_membership

from .conftest import BODY


def _save(db, team, document, who, base, body, title="Про громадський бюджет"):
    membership = get_membership(db, workshop_id=team["workshop"].id, user_id=team[who].id)
    return actions.check_save_revision(
        db,
        document=document,
        actor=team[who],
        membership=membership,
        data={"base": str(base), "title": title, "body": body},
    )


def test_first_revision_is_normalised_and_tagged(db, document):
    view = queries.get_document_view(db, document_id=document.id)
    assert view.revision.number == 1 and view.revision.origin == "create"
    assert document.sectors == ["housing"] and document.themes == ["budget"]
    assert len(view.revision.paragraph_ids) == len(paragraphs_of(view.revision)) == 6


def test_two_saves_from_the_same_base_keep_both_edits(db, team, document):
    mine = BODY.replace("інформаційну кампанію", "широку інформаційну кампанію")
    theirs = BODY.replace("постійну комісію з питань бюджету", "постійну комісію з питань бюджету та фінансів")
    first = _save(db, team, document, "olena", 1, mine)
    second = _save(db, team, document, "petro", 1, theirs)
    assert not first.merged and second.merged
    head = queries.get_document_view(db, document_id=document.id).revision
    assert "широку інформаційну кампанію" in head.body and "бюджету та фінансів" in head.body
    assert head.number == 3 and head.origin == "merge" and head.source_number == 1


def test_overlapping_saves_raise_a_conflict_and_write_nothing(db, team, document):
    _save(db, team, document, "olena", 1, BODY.replace("Затвердити Положення", "Схвалити Положення"))
    with pytest.raises(MergeConflict) as raised:
        _save(db, team, document, "petro", 1, BODY.replace("Затвердити Положення", "Прийняти Положення"))
    conflict = raised.value
    assert conflict.head.number == 2 and conflict.base.number == 1
    [c] = conflict.result.conflicts
    assert "Прийняти" in c.mine_text and "Схвалити" in c.theirs_text
    assert db.exec(select(Revision).where(Revision.document_id == document.id)).all()[-1].number == 2


def test_resolving_a_conflict_saves_the_chosen_text(db, team, document):
    _save(db, team, document, "olena", 1, BODY.replace("Затвердити Положення", "Схвалити Положення"))
    mine = BODY.replace("Затвердити Положення", "Прийняти Положення")
    with pytest.raises(MergeConflict) as raised:
        _save(db, team, document, "petro", 1, mine)
    index = raised.value.result.conflicts[0].index
    membership = get_membership(db, workshop_id=team["workshop"].id, user_id=team["petro"].id)
    saved = actions.check_resolve_conflict(
        db,
        document=document,
        actor=team["petro"],
        membership=membership,
        data={"base": "1", "head": "2", "mine": mine, "title": "Про громадський бюджет", f"choice-{index}": "mine"},
    )
    assert "Прийняти Положення" in saved.revision.body and saved.revision.origin == "resolve"


def test_resolving_without_choosing_asks_again(db, team, document):
    _save(db, team, document, "olena", 1, BODY.replace("Затвердити", "Схвалити"))
    mine = BODY.replace("Затвердити", "Прийняти")
    membership = get_membership(db, workshop_id=team["workshop"].id, user_id=team["petro"].id)
    with pytest.raises(MergeConflict) as raised:
        actions.check_resolve_conflict(
            db,
            document=document,
            actor=team["petro"],
            membership=membership,
            data={"base": "1", "head": "2", "mine": mine, "title": "Про бюджет"},
        )
    assert raised.value.errors


def test_saving_the_same_text_is_refused(db, team, document):
    with pytest.raises(NothingChanged):
        _save(db, team, document, "olena", 1, BODY + "\n\n")


def test_outsider_cannot_edit(db, team, document):
    with pytest.raises(Forbidden):
        _save(db, team, document, "outsider", 1, BODY + "\n\nЩе абзац.")


def test_withdrawn_document_is_frozen(db, team, document):
    membership = get_membership(db, workshop_id=team["workshop"].id, user_id=team["olena"].id)
    actions.do_set_document_status(
        db, document=document, actor=team["olena"], membership=membership, status="withdrawn"
    )
    with pytest.raises(Forbidden):
        _save(db, team, document, "petro", 1, BODY + "\n\nЩе абзац.")


def test_restoring_makes_a_new_revision_and_keeps_history(db, team, document):
    _save(db, team, document, "olena", 1, BODY.replace("Затвердити", "Схвалити"))
    membership = get_membership(db, workshop_id=team["workshop"].id, user_id=team["petro"].id)
    saved = actions.do_restore_revision(db, document=document, actor=team["petro"], membership=membership, number=1)
    assert saved.revision.number == 3 and saved.revision.origin == "restore" and saved.revision.source_number == 1
    assert saved.revision.body == queries.get_revision(db, document_id=document.id, number=1).body
    assert queries.list_history(db, document_id=document.id).total == 3


def test_paragraph_ids_survive_a_point_inserted_before(db, team, document):
    first = queries.get_revision(db, document_id=document.id, number=1)
    old = {p.text: p.pid for p in paragraphs_of(first)}
    body = (
        BODY.replace("1. Затвердити", "1. Провести громадське обговорення.\n2. Затвердити")
        .replace("2. Доручити", "3. Доручити")
        .replace("3. Контроль", "4. Контроль")
    )
    saved = _save(db, team, document, "petro", 1, body)
    new = {p.text: p.pid for p in paragraphs_of(saved.revision)}
    assert (
        new["3. Доручити виконавчому комітету провести інформаційну кампанію."]
        == old["2. Доручити виконавчому комітету провести інформаційну кампанію."]
    )
    assert new["1. Провести громадське обговорення."] not in old.values()


def test_attribution_credits_each_author(db, team, document):
    saved = _save(db, team, document, "petro", 1, BODY + "\n\n4. Оприлюднити рішення на сайті ради.")
    from deliberation.text.attribution import expand, segments

    parts = segments(saved.revision.body, expand(saved.revision.attribution))
    assert "Оприлюднити" in "".join(t for t, origin in parts if origin == 2)
    assert "Затвердити" in "".join(t for t, origin in parts if origin == 1)


def test_database_refuses_to_change_a_revision(connection, document):
    savepoint = connection.begin_nested()
    with pytest.raises(DBAPIError, match="append-only"):
        connection.execute(text("UPDATE delib_revision SET body = 'підмінений текст'"))
    savepoint.rollback()
