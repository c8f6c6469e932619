"""Practices: offered from a carried-out report, found by an inflected word, filtered, hidden everywhere;
the register shows contacts to members only."""

from __future__ import annotations

from datetime import date

import pytest

from deliberation.errors import Conflict, Forbidden, ValidationError
from deliberation.practices import actions, queries
from deliberation.practices.queries import PracticeFilter
from deliberation.reports.actions import check_hide_report, check_submit_report
from deliberation.reports.queries import get_report
from deliberation.testing import sign_in

TODAY = date.today().isoformat()
PRACTICE = {
    "title": "Громадський бюджет для молоді",
    "summary": "Рада виділила кошти на проєкти шкільних громад; голосували учні.",
    "sector": "youth_sport",
    "theme": "budget",
    "share": "1",
    "contact": "+380 67 000 00 00",
}


def _carried_out(db, world, member, place, state="carried_out"):
    data = {"hromada": place.code, "status": state, "account": "Виконано.", "done_on": TODAY}
    return check_submit_report(db, resolution=world.resolution, actor=member, data=data)


def _offer(db, world, member, place, **fields):
    report = _carried_out(db, world, member, place)
    return actions.check_offer_practice(db, report=report, actor=member, data={**PRACTICE, **fields})


@pytest.mark.parametrize("query", ["громадах", "бюджетів", "молоддю", "ШКІЛЬНИХ громадою"])
def test_a_practice_is_found_by_any_form_of_its_words(db, world, query):
    practice = _offer(db, world, world.members[0], world.a)
    found = queries.list_practices(db, PracticeFilter(q=query))
    assert [item.practice.id for item in found.items] == [practice.id]
    if query == "громадах":
        assert "<mark>громад</mark>" in str(found.items[0].snippet)


def test_every_word_must_match_and_no_query_syntax_reaches_the_database(db, world):
    _offer(db, world, world.members[0], world.a)
    for query in ("бюджет водогін", "' OR 1=1 --", "гром%ада"):
        assert queries.list_practices(db, PracticeFilter(q=query)).total == 0, query
    # No word at all is no search: the whole list, as with an empty field, never a wildcard.
    for query in ("%", "_", "*"):
        assert queries.list_practices(db, PracticeFilter(q=query)).total == 1, query


def test_filters_by_sector_theme_and_region(db, world):
    first = _offer(db, world, world.members[0], world.a)
    second = _offer(db, world, world.members[1], world.c, sector="culture", theme="strategic_planning")

    def ids(**wanted):
        return {i.practice.id for i in queries.list_practices(db, PracticeFilter(**wanted)).items}

    assert ids(sector="youth_sport") == {first.id}
    assert ids(theme="strategic_planning") == {second.id}
    assert ids(oblast=world.c.oblast_code) == {second.id}
    assert ids(oblast=world.a.oblast_code, q="громада") == {first.id}


def test_only_the_author_of_a_carried_out_report_offers_it_once(db, world):
    blocked = _carried_out(db, world, world.members[0], world.a, state="blocked")
    with pytest.raises(Forbidden):
        actions.check_offer_practice(db, report=blocked, actor=world.members[0], data=PRACTICE)
    done = _carried_out(db, world, world.members[1], world.b)
    with pytest.raises(Forbidden):
        actions.check_offer_practice(db, report=done, actor=world.members[0], data=PRACTICE)
    actions.check_offer_practice(db, report=done, actor=world.members[1], data=PRACTICE)
    with pytest.raises(Conflict):
        actions.check_offer_practice(db, report=done, actor=world.members[1], data=PRACTICE)


@pytest.mark.parametrize(
    ("field", "value"),
    [("sector", "space"), ("theme", ""), ("title", ""), ("summary", "x" * 4001), ("contact", "")],
)
def test_bad_input_is_refused_by_field(db, world, field, value):
    report = _carried_out(db, world, world.members[0], world.a)
    with pytest.raises(ValidationError) as refused:
        actions.check_offer_practice(db, report=report, actor=world.members[0], data={**PRACTICE, field: value})
    assert field in refused.value.errors


def test_a_hidden_practice_or_report_vanishes_from_the_library_search_and_register(db, world):
    hidden = _offer(db, world, world.members[0], world.a)
    kept = _offer(db, world, world.members[1], world.c)
    actions.check_hide_practice(db, practice=hidden, actor=world.coordinator, data={"reason": "Реклама."})
    assert [i.practice.id for i in queries.list_practices(db, PracticeFilter(q="бюджету")).items] == [kept.id]
    assert {e.hromada.code: e.practices for e in queries.list_register(db)}[world.a.code] == 0
    check_hide_report(
        db,
        report=_report_of(db, kept),
        actor=world.coordinator,
        data={"reason": "Неправда."},
    )
    assert queries.list_practices(db, PracticeFilter(q="бюджету")).total == 0
    assert queries.list_practices(db, PracticeFilter(), include_hidden=True).total == 2


def _report_of(db, practice):
    return get_report(db, practice.report_id)


def test_the_public_finds_the_practice_by_an_inflected_word_and_never_sees_a_contact(client, db, world):
    practice = _offer(db, world, world.members[0], world.a)
    hidden = _offer(db, world, world.members[1], world.c, title="Прихована практика бюджету")
    actions.check_hide_practice(db, practice=hidden, actor=world.coordinator, data={"reason": "Спам."})
    db.commit()
    found = client.get("/practices", params={"q": "бюджетом"})
    assert found.status_code == 200 and f"/practices/{practice.id}" in found.text
    assert "Прихована практика" not in found.text
    assert client.get(f"/practices/{hidden.id}").status_code == 404
    register = client.get("/practices/hromadas")
    assert world.a.label in register.text and "+380 67" not in register.text
    assert client.get("/practices", params={"sector": "space"}).status_code == 400
    sign_in(client, world.members[2].email)
    assert "+380 67" in client.get("/practices/hromadas").text
    assert client.get(f"/practices/{hidden.id}").status_code == 404
