"""Applying amendments to the text they were written against."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deliberation.text.amend import AmendError, apply_change, unit_spans
from deliberation.text.paragraphs import assign_ids, split_units

TEXT = "# Про бюджет\n\nМіська рада\n\n**вирішила:**\n\n1. Затвердити положення.\n2. Контроль покласти на комісію."


def _paragraphs(text):
    counter = iter(range(1000))
    return assign_ids(None, text, new_id=lambda: f"p{next(counter)}")


def test_unit_spans_point_at_each_unit():
    assert [TEXT[a:b] for a, b in unit_spans(TEXT)] == split_units(TEXT)


def test_replacing_a_passage_inside_a_point():
    paragraphs = _paragraphs(TEXT)
    pid = paragraphs[3].pid
    start = paragraphs[3].text.index("положення")
    result = apply_change(
        TEXT,
        paragraphs,
        kind="replace",
        pid=pid,
        start=start,
        end=start + len("положення"),
        proposed="Положення про громадський бюджет",
    )
    assert "1. Затвердити Положення про громадський бюджет." in result


def test_inserting_a_point_after_another():
    paragraphs = _paragraphs(TEXT)
    result = apply_change(
        TEXT, paragraphs, kind="insert", pid=paragraphs[3].pid, start=None, end=None, proposed="2. Оприлюднити звіт."
    )
    assert split_units(result)[4] == "2. Оприлюднити звіт."


def test_deleting_a_whole_paragraph():
    paragraphs = _paragraphs(TEXT)
    result = apply_change(TEXT, paragraphs, kind="delete", pid=paragraphs[1].pid, start=None, end=None, proposed="")
    assert "Міська рада" not in result and split_units(result)[0] == "# Про бюджет"


def test_unknown_paragraph_is_refused():
    with pytest.raises(AmendError):
        apply_change(TEXT, _paragraphs(TEXT), kind="replace", pid="nope", start=None, end=None, proposed="x")


WORDS = st.sampled_from(["громада", "бюджет", "обʼєкт", "з'їзд", "будь-який", "рішення", "рада", "кошти"])
PARAGRAPH = st.lists(WORDS, min_size=1, max_size=8).map(" ".join)


@settings(max_examples=100, deadline=None)
@given(st.lists(PARAGRAPH, min_size=1, max_size=6), st.data())
def test_replacing_a_paragraph_changes_only_that_paragraph(units, data):
    text = "\n\n".join(units)
    paragraphs = _paragraphs(text)
    index = data.draw(st.integers(0, len(paragraphs) - 1))
    result = apply_change(
        text, paragraphs, kind="replace", pid=paragraphs[index].pid, start=None, end=None, proposed="нова редакція"
    )
    expected = [p.text for p in paragraphs]
    expected[index] = "нова редакція"
    assert split_units(result) == expected
