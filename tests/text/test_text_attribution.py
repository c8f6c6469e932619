"""Attribution spans: who wrote each part of the text, carried across revisions."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from text_strategies import SETTINGS, distinct_paragraphs, edited_words, ukr_paragraph, ukr_text

from deliberation.text.attribution import (
    by_paragraph,
    carry_spans,
    compact,
    expand,
    initial_spans,
    segments,
)
from deliberation.text.paragraphs import split_units

ROOT = Path(__file__).resolve().parents[2]


def origins(text, spans):
    """Origin of every character, for checks independent of span boundaries."""
    return [o for seg, o in segments(text, spans) for _ in seg]


def is_normal(spans):
    return all(n > 0 for n, _ in spans) and all(a[1] != b[1] for a, b in zip(spans, spans[1:]))


# --- Examples -------------------------------------------------------------------------


def test_initial_spans():
    assert initial_spans("Рішення ради", 1) == [(12, 1)]
    assert initial_spans("", 1) == []


def test_carry_splits_spans_and_credits_inserted_words():
    old = "Затвердити програму ремонту доріг."
    new = "Затвердити нову програму ремонту шкіл."
    spans = carry_spans(old, initial_spans(old, 1), new, 2)
    assert segments(new, spans) == [
        ("Затвердити ", 1), ("нову ", 2), ("програму ремонту ", 1), ("шкіл", 2), (".", 1)
    ]  # fmt: skip


def test_deleted_text_disappears_and_neighbours_merge():
    old = "один два три"
    mid = "один нове два три"
    s2 = carry_spans(old, initial_spans(old, 1), mid, 2)
    s3 = carry_spans(mid, s2, old, 3)
    assert s3 == [(len(old), 1)]


def test_carry_rejects_spans_of_another_text():
    with pytest.raises(ValueError, match="cover"):
        carry_spans("abc", [(2, 1)], "abcd", 2)


def test_a_word_changed_inside_is_credited_whole():
    old = "бюджет громади"
    new = "бюджету громади"
    assert segments(new, carry_spans(old, initial_spans(old, 1), new, 2)) == [
        ("бюджету", 2), (" громади", 1)
    ]  # fmt: skip


def test_segments_and_by_paragraph_drop_separators():
    pieces = [
        ("Перший ", 1), ("абзац.\n\n", 2), ("ВИРІШИЛА:\n1", 3), (". Пункт один.\n2. Пункт два.", 1)
    ]  # fmt: skip
    text = "".join(s for s, _ in pieces)
    spans = [(len(s), o) for s, o in pieces]
    assert segments(text, spans) == pieces
    assert by_paragraph(text, spans) == [
        [("Перший ", 1), ("абзац.", 2)],
        [("ВИРІШИЛА:", 3)],
        [("1", 3), (". Пункт один.", 1)],
        [("2. Пункт два.", 1)],
    ]


def test_by_paragraph_lines_up_with_units_when_text_has_odd_whitespace():
    text = "  Вступ\n\n\n \n1. Пункт  \n"
    got = by_paragraph(text, initial_spans(text, 4))
    assert got == [[("Вступ", 4)], [("1. Пункт", 4)]]
    assert by_paragraph("", []) == []


def test_compact_and_expand_round_trip_through_json():
    spans = [(5, 1), (3, 2), (7, 1)]
    data = json.loads(json.dumps(compact(spans)))
    assert data == [[5, 1], [3, 2], [7, 1]]
    assert expand(data) == spans
    assert compact([(2, 1), (0, 3), (3, 1)]) == [[5, 1]]


@pytest.mark.parametrize("bad", [[[1]], [[1, 2, 3]], [[-1, 2]], [["1", 2]], [[1, None]], [[True, 1]]])
def test_expand_rejects_malformed_data(bad):
    with pytest.raises((ValueError, TypeError)):
        expand(bad)


# --- Properties ------------------------------------------------------------------------


@st.composite
def attributed(draw):
    """A text with arbitrary normalised spans over it (origins 1..4)."""
    text = draw(ukr_text())
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=6)))
    bounds = [0, *cuts, len(text)]
    spans = [(b - a, draw(st.integers(1, 4))) for a, b in zip(bounds, bounds[1:])]
    return text, expand(compact(spans))


@SETTINGS
@given(attributed(), ukr_text())
def test_carried_spans_cover_the_new_text_exactly(old, new_text):
    old_text, old_spans = old
    spans = carry_spans(old_text, old_spans, new_text, 9)
    assert sum(n for n, _ in spans) == len(new_text)
    assert is_normal(spans)
    assert "".join(s for s, _ in segments(new_text, spans)) == new_text


@SETTINGS
@given(attributed())
def test_unchanged_text_keeps_its_spans(old):
    text, spans = old
    assert carry_spans(text, spans, text, 9) == spans


@SETTINGS
@given(attributed(), st.sampled_from([" ", "\n\n", "\n1. "]), ukr_paragraph())
def test_appending_keeps_old_spans_and_adds_one(old, glue, tail):
    text, spans = old
    assume(text)
    added = glue + tail
    assert carry_spans(text, spans, text + added, 9) == [*spans, (len(added), 9)]


@SETTINGS
@given(st.data(), distinct_paragraphs(min_size=3, max_size=6))
def test_untouched_words_keep_revision_one_through_three_edits(data, paras):
    texts = ["\n\n".join(paras)]
    spans = initial_spans(texts[0], 1)
    edited = set()
    for rev in (2, 3, 4):  # each revision edits one paragraph
        k = data.draw(st.integers(0, len(paras) - 1))
        paras = [*paras]
        paras[k] = data.draw(edited_words(paras[k], f"правка{rev}_"))
        edited.add(k)
        texts.append("\n\n".join(paras))
        spans = carry_spans(texts[-2], spans, texts[-1], rev)
    final = texts[-1]
    for k, group in enumerate(by_paragraph(final, spans)):
        if k not in edited:
            assert {o for _, o in group} == {1}
        # the leading marker word "абзацN" is never edited
        assert group[0][1] == 1 and group[0][0].startswith(f"абзац{k}")
    # a word first typed in revision r is never credited to an earlier one ("_0" after
    # it is tokens of their own, which may well be older)
    chars = origins(final, spans)
    for rev in (2, 3, 4):
        start = final.find(f"правка{rev}_")
        while start != -1:
            assert min(chars[start : start + len(f"правка{rev}")]) >= rev
            start = final.find(f"правка{rev}_", start + 1)


@SETTINGS
@given(attributed())
def test_by_paragraph_matches_split_units(old):
    text, spans = old
    groups = by_paragraph(text, spans)
    assert ["".join(s for s, _ in g) for g in groups] == split_units(text)


def test_attribution_module_imports_no_database_or_web_framework():
    code = (
        "import sys, deliberation.text.attribution\n"
        "print(sorted(m for m in ('sqlalchemy', 'sqlmodel', 'starlette') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
