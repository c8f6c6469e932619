"""Amendments: stances bound to versions, decisions, rebasing onto newer text."""

from __future__ import annotations

import pytest

from deliberation.discussion import actions, queries
from deliberation.errors import Forbidden

from .conftest import BODY, accept, propose


@pytest.fixture
def amendment(db, people, document):
    return propose(
        db,
        document,
        people["guest"],
        kind="replace",
        at="1.",
        proposed="1. Провести обстеження мереж до 1 травня.",
        rationale="Потрібен строк.",
        base="1",
    )


def _reject(db, people, document, amendment, membership_of, reason):
    return actions.check_reject_amendment(
        db,
        amendment=amendment,
        document=document,
        actor=people["facilitator"],
        membership=membership_of("facilitator"),
        data={"reason": reason},
    )


def _counts(db, amendment):
    return queries.stance_counts(db, amendment_ids=[amendment.id]).get(amendment.id, queries.StanceCount())


STANCE_TABLE = [
    # steps: (who, action) — action is "support", "oppose" or "edit" (by the author)
    ("one support", [("member", "support")], (1, 0, 0)),
    ("changed to oppose", [("member", "support"), ("member", "oppose")], (0, 1, 0)),
    ("two support", [("member", "support"), ("other", "support")], (2, 0, 0)),
    ("edit puts stances on hold", [("member", "support"), ("other", "oppose"), ("guest", "edit")], (0, 0, 2)),
    (
        "confirming after an edit counts again",
        [("member", "support"), ("guest", "edit"), ("member", "support")],
        (1, 0, 0),
    ),
    (
        "changing after an edit counts the new stance",
        [("member", "support"), ("guest", "edit"), ("member", "oppose")],
        (0, 1, 0),
    ),
]


@pytest.mark.parametrize("name,steps,expected", STANCE_TABLE, ids=[row[0] for row in STANCE_TABLE])
def test_stance_table(db, people, document, amendment, name, steps, expected):
    for n, (who, action) in enumerate(steps):
        if action == "edit":
            actions.check_edit_amendment(
                db,
                amendment=amendment,
                document=document,
                actor=people[who],
                data={"proposed": f"1. Провести обстеження мереж до {n + 1} травня.", "rationale": "Уточнено строк."},
            )
        else:
            actions.do_take_stance(db, amendment=amendment, actor=people[who], stance=action)
    counts = _counts(db, amendment)
    assert (counts.support, counts.oppose, counts.earlier) == expected


def test_author_cannot_take_a_stance_on_their_own_amendment(db, people, amendment):
    with pytest.raises(Forbidden):
        actions.do_take_stance(db, amendment=amendment, actor=people["guest"], stance="support")


def test_withdrawn_amendment_takes_no_stances_and_cannot_be_accepted(db, people, document, amendment, membership_of):
    actions.do_withdraw_amendment(db, amendment=amendment, actor=people["guest"])
    assert amendment.status == "withdrawn"
    with pytest.raises(Forbidden):
        actions.do_take_stance(db, amendment=amendment, actor=people["member"], stance="support")
    with pytest.raises(Forbidden):
        accept(db, people, document, amendment, membership_of)


def test_only_a_facilitator_or_coordinator_accepts(db, people, document, amendment, membership_of):
    with pytest.raises(Forbidden):
        accept(db, people, document, amendment, membership_of, who="member")


def test_accepting_credits_the_author_in_a_new_revision(db, people, document, amendment, membership_of):
    revision = accept(db, people, document, amendment, membership_of)
    assert revision.author_id == people["guest"].id and revision.origin == "amendment"
    assert "до 1 травня" in revision.body and amendment.accepted_number == revision.number


def test_accepting_against_an_old_revision_rebases_cleanly(
    db, people, document, amendment, membership_of, member_saves
):
    member_saves(BODY.replace("Передбачити кошти", "Передбачити достатні кошти"))
    revision = accept(db, people, document, amendment, membership_of)
    assert revision.number == 3
    assert "до 1 травня" in revision.body and "достатні кошти" in revision.body


def test_accepting_an_amendment_whose_passage_changed_is_a_conflict(
    db, people, document, amendment, membership_of, member_saves
):
    member_saves(BODY.replace("обстеження мереж.", "обстеження мереж водопостачання."))
    with pytest.raises(actions.AmendmentConflict) as raised:
        accept(db, people, document, amendment, membership_of)
    assert raised.value.result.conflicts
    assert amendment.status == "open"
    assert document.head_number == 2


def test_rejecting_needs_a_reason(db, people, document, amendment, membership_of):
    from deliberation.errors import ValidationError

    with pytest.raises(ValidationError):
        _reject(db, people, document, amendment, membership_of, "")
    _reject(db, people, document, amendment, membership_of, "Строк нереальний.")
    assert amendment.status == "rejected"


def test_amendment_kinds_apply_to_the_text(db, people, document, membership_of):
    insert = propose(
        db, document, people["guest"], kind="insert", at="2.", proposed="3. Оприлюднити звіт.", rationale="Прозорість."
    )
    delete = propose(db, document, people["other"], kind="delete", at="1.", rationale="Зайве.")
    result, _ = actions.rebase(db, amendment=insert, document=document)
    assert result.text.endswith("3. Оприлюднити звіт.")
    result, _ = actions.rebase(db, amendment=delete, document=document)
    assert "обстеження" not in result.text
