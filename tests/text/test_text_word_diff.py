"""Word diff, its views and patches."""

import json
from itertools import accumulate, pairwise
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from text_strategies import SETTINGS, ukr_text

from deliberation.text.diff import (
    PatchError,
    Segment,
    apply_patch_text,
    diff_summary,
    inline_segments,
    make_patch_text,
    render_inline_html,
    rows_of,
    side_by_side,
    source_text,
    split_paragraphs,
    summary_of,
    target_text,
    word_diff,
)
from deliberation.text.tokens import is_word, tokenize

CASES = json.loads((Path(__file__).parent / "cases_word_diff.json").read_text(encoding="utf-8"))
texts = st.one_of(ukr_text(), st.text(max_size=60))


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_word_diff_named_cases(case):
    assert word_diff(case["a"], case["b"]) == [tuple(op) for op in case["ops"]]


def _boundaries(pieces):
    return set(accumulate((len(p) for p in pieces), initial=0))


@SETTINGS
@given(texts, texts)
def test_word_diff_reconstructs_both_texts(a, b):
    ops = word_diff(a, b)
    assert source_text(ops) == a
    assert target_text(ops) == b


@SETTINGS
@given(texts, texts)
def test_word_diff_never_splits_a_token(a, b):
    ops = word_diff(a, b)
    old_side = [t for op, t in ops if op <= 0]
    new_side = [t for op, t in ops if op >= 0]
    assert _boundaries(old_side) <= _boundaries(tokenize(a))
    assert _boundaries(new_side) <= _boundaries(tokenize(b))


@SETTINGS
@given(texts, texts)
def test_word_diff_ops_are_canonical(a, b):
    ops = word_diff(a, b)
    assert all(text for _, text in ops)
    assert all(x[0] != y[0] for x, y in pairwise(ops))


@SETTINGS
@given(texts)
def test_word_diff_of_identical_texts_is_one_equal_op(a):
    assert word_diff(a, a) == ([(0, a)] if a else [])


@SETTINGS
@given(ukr_text(), ukr_text())
def test_word_diff_of_edited_paragraph_leaves_other_paragraphs_equal(a, b):
    doc_a = f"Незмінний перший абзац.\n\n{a}\n\nНезмінний останній абзац."
    doc_b = f"Незмінний перший абзац.\n\n{b}\n\nНезмінний останній абзац."
    ops = word_diff(doc_a, doc_b)
    assert ops[0][0] == 0 and ops[0][1].startswith("Незмінний перший абзац.")
    assert ops[-1][0] == 0 and ops[-1][1].endswith("Незмінний останній абзац.")


# --- Paragraph splitting ----------------------------------------------------


@SETTINGS
@given(texts)
def test_split_paragraphs_round_trips(text):
    parts = split_paragraphs(text)
    assert "".join(parts) == text
    assert all(parts)


def test_split_paragraphs_keeps_separators_with_the_paragraph_before():
    assert split_paragraphs("а\n\nб \n \n\nв") == ["а\n\n", "б \n \n\n", "в"]


def test_split_paragraphs_makes_each_numbered_point_a_paragraph():
    text = "Вирішила:\n1. Перше.\n2) Друге\nпродовження.\n2.1. Підпункт."
    assert split_paragraphs(text) == [
        "Вирішила:\n",
        "1. Перше.\n",
        "2) Друге\nпродовження.\n",
        "2.1. Підпункт.",
    ]


def test_split_paragraphs_of_empty_text_is_empty():
    assert split_paragraphs("") == []


# --- Summary and views --------------------------------------------------------


def test_diff_summary_counts_words_and_paragraphs():
    a = "Рада вирішила затвердити бюджет.\n\nДругий абзац зайвий.\n\nТретій."
    b = "Рада вирішила затвердити новий бюджет.\n\nТретій.\n\nЧетвертий абзац."
    s = diff_summary(a, b)
    assert (s.words_added, s.words_removed) == (3, 3)
    assert (s.paragraphs_touched, s.paragraphs_added, s.paragraphs_removed) == (1, 1, 1)


@SETTINGS
@given(ukr_text(), ukr_text())
def test_diff_summary_word_balance_matches_the_texts(a, b):
    s = diff_summary(a, b)

    def count(t):
        return sum(map(is_word, tokenize(t)))

    assert s.words_added - s.words_removed == count(b) - count(a)


def test_rows_and_summary_are_built_from_the_given_ops_without_diffing_again():
    # Not the ops word_diff would choose for these texts: the views follow the diff they are given,
    # so a page that shows the summary, the inline view and the rows diffs once.
    ops = [(0, "Рада вирішила затвердити "), (1, "новий "), (0, "бюджет."), (-1, "\n\nЗайвий абзац.")]
    rows = rows_of(ops)
    assert [(r.left_index, r.right_index, r.changed) for r in rows] == [(0, 0, True), (1, None, True)]
    assert rows[0].right == (
        Segment("equal", "Рада вирішила затвердити "),
        Segment("insert", "новий "),
        Segment("equal", "бюджет."),
    )
    s = summary_of(ops, rows)
    assert (s.words_added, s.words_removed) == (1, 2)
    assert (s.paragraphs_touched, s.paragraphs_added, s.paragraphs_removed) == (1, 0, 1)


def test_inline_segments_groups_by_kind():
    segs = inline_segments([(0, "а "), (0, "б"), (-1, "в"), (1, "г")])
    assert segs == [Segment("equal", "а б"), Segment("delete", "в"), Segment("insert", "г")]


def test_render_inline_html_escapes_and_labels_changes():
    ops = word_diff("a < b & c", "a < b & <script>")
    html = render_inline_html(ops, ins_label="додано: ", del_label="вилучено: ")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<del><span class="visually-hidden">вилучено: </span>c</del>' in html
    assert html.startswith("a &lt; b &amp; ")


def test_render_inline_html_contains_no_hard_coded_words():
    html = render_inline_html([(-1, "x"), (1, "y")], ins_label="", del_label="")
    hidden = '<span class="visually-hidden"></span>'
    assert html == f"<del>{hidden}x</del><ins>{hidden}y</ins>"


def test_render_inline_html_marks_the_labels_with_the_readers_language():
    html = render_inline_html([(-1, "x"), (1, "y")], ins_label="added:", del_label="removed:", label_lang="en")
    assert html == (
        '<del><span class="visually-hidden" lang="en">removed:</span>x</del>'
        '<ins><span class="visually-hidden" lang="en">added:</span>y</ins>'
    )


def test_side_by_side_pairs_edited_paragraphs_and_shows_added_and_removed():
    a = "Рада вирішила затвердити бюджет.\n\nВилучений абзац тут.\n\nТретій абзац."
    b = "Рада вирішила затвердити новий бюджет.\n\nТретій абзац.\n\nДоданий абзац."
    rows = side_by_side(a, b)
    assert [(r.left_index, r.right_index, r.changed) for r in rows] == [
        (0, 0, True), (1, None, True), (2, 1, False), (None, 2, True)
    ]  # fmt: skip
    assert rows[0].right == (
        Segment("equal", "Рада вирішила затвердити "),
        Segment("insert", "новий "),
        Segment("equal", "бюджет."),
    )
    assert rows[1].left == (Segment("delete", "Вилучений абзац тут."),) and rows[1].right == ()


def test_side_by_side_does_not_mark_a_paragraph_changed_for_a_new_separator():
    rows = side_by_side("Один.", "Один.\n\nДва.")
    assert [(r.changed, r.left_index, r.right_index) for r in rows] == [
        (False, 0, 0),
        (True, None, 1),
    ]


@SETTINGS
@given(ukr_text(), ukr_text())
def test_side_by_side_rows_cover_both_texts_in_order(a, b):
    rows = side_by_side(a, b)

    def bodies(t):
        return [p.rstrip() for p in split_paragraphs(t) if p.rstrip()]

    left = ["".join(s.text for s in r.left) for r in rows]
    right = ["".join(s.text for s in r.right) for r in rows]
    assert [t for t in left if t] == bodies(a)
    assert [t for t in right if t] == bodies(b)
    for r in rows:
        assert r.changed or left[rows.index(r)] == right[rows.index(r)]
    for attr in ("left_index", "right_index"):
        idx = [getattr(r, attr) for r in rows if getattr(r, attr) is not None]
        assert idx == sorted(set(idx))


# --- Patches -----------------------------------------------------------------


@SETTINGS
@given(texts, texts)
def test_patch_text_round_trips(a, b):
    assert apply_patch_text(make_patch_text(a, b), a) == b


def test_patch_refuses_to_apply_to_a_changed_text():
    patch = make_patch_text("Рада вирішила затвердити бюджет.", "Рада вирішила відхилити бюджет.")
    with pytest.raises(PatchError):
        apply_patch_text(patch, "Сесія постановила затвердити програму.")


def test_empty_patch_leaves_text_alone():
    assert make_patch_text("а", "а") == "" and apply_patch_text("", "а") == "а"


def test_word_diff_handles_more_distinct_words_than_the_private_use_area():
    a = " ".join(f"слово{i}" for i in range(8000))
    b = a.replace("слово7000 ", "нове ")
    ops = word_diff(a, b)
    assert source_text(ops) == a and target_text(ops) == b
    assert [op for op in ops if op[0] != 0] == [(-1, "слово7000"), (1, "нове")]
