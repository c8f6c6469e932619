"""Stable paragraph ids and point numbers."""

from itertools import count

import pytest
from hypothesis import given
from hypothesis import strategies as st
from text_strategies import (
    OTHER_WORDS,
    SETTINGS,
    distinct_paragraphs,
    edited_words,
    ukr_text,
    words,
)

from deliberation.text.paragraphs import Paragraph, assign_ids, number_points, split_units


def id_maker():
    n = count()
    return lambda: f"p{next(n)}"


def pid_of(paragraphs, text):
    (pid,) = [p.pid for p in paragraphs if p.text == text]
    return pid


def test_split_units_splits_blank_lines_and_numbered_points():
    text = "Рішення.\n\nВИРІШИЛА:\n1. Затвердити.\n2) Доручити\nкомітету.\n2.1. Звіт.\n\n  \n\nКінець."
    assert split_units(text) == [
        "Рішення.", "ВИРІШИЛА:", "1. Затвердити.", "2) Доручити\nкомітету.", "2.1. Звіт.", "Кінець."
    ]  # fmt: skip


def test_first_revision_gets_fresh_ids_in_order():
    paras = assign_ids(None, "Перший.\n\nДругий.", new_id=id_maker())
    assert paras == [Paragraph("p0", "Перший."), Paragraph("p1", "Другий.")]


@st.composite
def doc_with_edits_elsewhere(draw):
    paras = draw(distinct_paragraphs(min_size=2))
    k = draw(st.integers(0, len(paras) - 1))
    new = []
    for i, p in enumerate(paras):
        action = "keep" if i == k else draw(st.sampled_from(["keep", "edit", "delete", "rewrite"]))
        if action == "keep":
            new.append(p)
        elif action == "edit":
            new.append(draw(edited_words(p, f"нове{i}x")))
        elif action == "rewrite":
            new.append(f"інше{i} " + " ".join(draw(st.lists(words, min_size=1, max_size=10))))
        if draw(st.booleans()):
            new.append(f"вставлений{i} " + " ".join(draw(st.lists(words, min_size=1, max_size=10))))
    return paras, k, new


@SETTINGS
@given(doc_with_edits_elsewhere())
def test_paragraph_id_survives_edits_elsewhere(case):
    paras, k, new = case
    old = assign_ids(None, "\n\n".join(paras), new_id=id_maker())
    revised = assign_ids(old, "\n\n".join(new), new_id=lambda: f"n{next(fresh)}")
    assert pid_of(revised, paras[k]) == old[k].pid


fresh = count()


@SETTINGS
@given(distinct_paragraphs(min_size=2), st.data())
def test_paragraph_id_survives_being_moved(paras, data):
    k = data.draw(st.integers(0, len(paras) - 1))
    to = data.draw(st.integers(0, len(paras) - 1))
    moved = paras[:k] + paras[k + 1 :]
    moved.insert(to, paras[k])
    old = assign_ids(None, "\n\n".join(paras), new_id=id_maker())
    revised = assign_ids(old, "\n\n".join(moved), new_id=lambda: f"n{next(fresh)}")
    assert {p.text: p.pid for p in revised} == {p.text: p.pid for p in old}


@st.composite
def small_self_edit(draw):
    paras = draw(distinct_paragraphs(min_size=2, min_words=7))
    k = draw(st.integers(0, len(paras) - 1))
    ws = paras[k].split(" ")
    ws[draw(st.integers(1, len(ws) - 1))] = draw(st.sampled_from(OTHER_WORDS))
    new = list(paras)
    new[k] = " ".join(ws)
    for i in range(len(paras)):  # elsewhere: unrelated replacements (no shared words)
        if i != k and draw(st.booleans()):
            new[i] = " ".join(draw(st.lists(st.sampled_from(OTHER_WORDS), min_size=3, max_size=8)))
    return paras, k, new


@SETTINGS
@given(small_self_edit())
def test_paragraph_id_survives_a_small_edit_to_itself(case):
    paras, k, new = case
    old = assign_ids(None, "\n\n".join(paras), new_id=id_maker())
    revised = assign_ids(old, "\n\n".join(new), new_id=lambda: f"n{next(fresh)}")
    assert pid_of(revised, new[k]) == old[k].pid


def _decision(points):
    return "Рішення сесії.\n\nВИРІШИЛА:\n" + "\n".join(f"{i}. {p}" for i, p in enumerate(points, 1))


@SETTINGS
@given(distinct_paragraphs(min_size=1, max_size=6, min_words=1), st.data())
def test_point_id_survives_points_inserted_before_it(points, data):
    k = data.draw(st.integers(0, len(points) - 1))
    n_new = data.draw(st.integers(1, 3))
    at = data.draw(st.integers(0, k))
    new_points = points[:at] + [f"новий{i} пункт" for i in range(n_new)] + points[at:]
    old = assign_ids(None, _decision(points), new_id=id_maker())
    revised = assign_ids(old, _decision(new_points), new_id=lambda: f"n{next(fresh)}")
    pid = pid_of(old, f"{k + 1}. {points[k]}")
    assert pid_of(revised, f"{k + 1 + n_new}. {points[k]}") == pid
    assert number_points(old)[pid] == str(k + 1)
    assert number_points(revised)[pid] == str(k + 1 + n_new)


@SETTINGS
@given(st.lists(st.one_of(ukr_text(), st.text(max_size=30)), min_size=1, max_size=5))
def test_ids_are_unique_in_every_revision_and_never_reused_for_new_text(revisions):
    make = id_maker()
    prev, seen = None, set()
    for text in revisions:
        paras = assign_ids(prev, text, new_id=make)
        ids = [p.pid for p in paras]
        assert len(ids) == len(set(ids))
        carried = {p.pid for p in prev or []}
        assert all(pid in carried or pid not in seen for pid in ids)
        assert [p.text for p in paras] == split_units(text)
        seen |= set(ids)
        prev = paras


def test_fresh_id_colliding_with_an_existing_one_is_refused():
    old = assign_ids(None, "Перший.", new_id=lambda: "x")
    with pytest.raises(ValueError):
        assign_ids(old, "Перший.\n\nЗовсім інший.", new_id=lambda: "x")


def test_rewritten_paragraph_gets_a_new_id():
    old = assign_ids(None, "Затвердити бюджет громади на рік.", new_id=lambda: "a")
    assert assign_ids(old, "Провести громадські слухання щодо парку.", new_id=lambda: "b")[0].pid == "b"


def test_number_points_numbers_by_position_and_depth():
    paras = [
        Paragraph("a", "Преамбула."),
        Paragraph("b", "1. Перше."),
        Paragraph("c", "7. Друге (номер набрано неправильно)."),
        Paragraph("d", "2.1. Підпункт."),
        Paragraph("e", "2.5) Ще підпункт."),
        Paragraph("f", "3. Третє."),
        Paragraph("g", "3.1. Підпункт третього."),
    ]
    assert number_points(paras) == {
        "b": "1",
        "c": "2",
        "d": "2.1",
        "e": "2.2",
        "f": "3",
        "g": "3.1",
    }
