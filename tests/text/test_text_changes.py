"""A change as readers read it: the changed paragraphs with context, rendered, words marked."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from text_strategies import SETTINGS, WORDS

from deliberation.text.changes import align_units, group_changes, pick_changes, render_changes
from deliberation.text.clashes import clashes
from deliberation.text.marking import mark_changes
from deliberation.text.merge import merge3
from deliberation.text.paragraphs import split_units
from deliberation.text.units import render_text_units

CASES = json.loads((Path(__file__).parent / "cases_change_excerpts.json").read_text(encoding="utf-8"))
LABELS = {"ins_label": "додано:", "del_label": "вилучено:", "label_lang": "uk"}


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_change_excerpt_cases(case):
    found = pick_changes(case["old"], case["new"], context=case["context"])
    assert [
        {
            "rows": [[r.kind, r.old, r.new] for r in e.rows],
            "omitted_before": e.omitted_before,
            "omitted_after": e.omitted_after,
        }
        for e in found
    ] == case["excerpts"]


units = st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=5).map(" ".join), max_size=8)


@SETTINGS
@given(old=units, new=units)
def test_aligned_rows_read_as_each_text_in_order(old, new):
    rows = align_units(old, new)
    assert [r.old for r in rows if r.old is not None] == list(range(len(old)))
    assert [r.new for r in rows if r.new is not None] == list(range(len(new)))
    assert all(
        (r.kind == "same") == (r.old is not None and r.new is not None and old[r.old] == new[r.new]) for r in rows
    )


@SETTINGS
@given(old=units, new=units, context=st.integers(min_value=0, max_value=3))
def test_every_change_is_in_an_excerpt_with_at_most_context_unchanged_rows_around_it(old, new, context):
    rows = align_units(old, new)
    excerpts = pick_changes(old, new, context=context)
    shown = [row for e in excerpts for row in e.rows]
    assert [r for r in rows if r.kind != "same"] == [r for r in shown if r.kind != "same"]
    assert sum(len(e.rows) + e.omitted_before for e in excerpts) + (excerpts[-1].omitted_after if excerpts else 0) == (
        len(rows) if excerpts else 0
    )
    for e in excerpts:
        kinds = [r.kind for r in e.rows]
        lead = next(i for i, k in enumerate(kinds) if k != "same")
        tail = next(i for i, k in enumerate(reversed(kinds)) if k != "same")
        assert lead <= context and tail <= context


class Tree(HTMLParser):
    """Checks that tags nest, and collects the text with and without what <del> holds."""

    VOID = {"br", "hr", "img"}

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.new_text: list[str] = []
        self.old_text: list[str] = []
        self.feed(html)
        self.close()
        assert not self.stack, f"unclosed {self.stack} in {html!r}"

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack}"
        self.stack.pop()

    def handle_data(self, data):
        if "span" in self.stack:  # the hidden labels
            return
        if "del" not in self.stack:
            self.new_text.append(data)
        if "ins" not in self.stack:
            self.old_text.append(data)


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def _html(text: str) -> str:
    return "".join(u.html for u in render_text_units(text))


def test_words_are_marked_inside_the_rendered_paragraph():
    old = _html("Просимо відремонтувати **водогін** до кінця року.")
    new = _html("Просимо відремонтувати **водогін** до 1 жовтня.")
    marked = mark_changes(old, new, **LABELS)
    assert marked == (
        "<p>Просимо відремонтувати <strong>водогін</strong> до "
        '<del><span class="visually-hidden" lang="uk">вилучено: </span>кінця року</del>'
        '<ins><span class="visually-hidden" lang="uk">додано: </span>1 жовтня</ins>.</p>\n'
    )


def test_an_insertion_crossing_a_tag_is_closed_before_it_and_labelled_once():
    marked = mark_changes(_html("Кошти в бюджеті."), _html("Кошти **не менше мільйона** в бюджеті."), **LABELS)
    assert marked is not None and marked.count("додано:") == 1
    assert "<ins>" in marked.split("<strong>")[1]
    Tree(marked)


def test_a_removed_list_item_never_stands_directly_in_the_list():
    marked = mark_changes(_html("- оренда\n- ремонт"), _html("- оренда"), **LABELS)
    assert marked is not None and "ремонт" in marked
    assert not re.search(r"<ul>\s*(<li>.*?</li>\s*)*<del>", marked, re.S)
    Tree(marked)


def test_a_paragraph_removed_before_another_shows_at_the_start_of_it():
    marked = mark_changes(_html("> Перший рядок\n>\n> Другий рядок"), _html("> Другий рядок"), **LABELS)
    assert marked is not None and re.search(r"<p><del>.*Перший рядок.*</del>Другий рядок</p>", marked, re.S)


def test_a_removal_placed_after_the_space_that_followed_it_keeps_its_words_apart_in_the_old_text():
    # Found by Hypothesis: the paragraph break and one word go, and the space that followed that
    # word in the old text is written before the removal, so the old text read «громадагромада».
    old, new = "громада громада\n\nгромада громада громада", "громада громада громада громада"
    tree = Tree(mark_changes(_html(old), _html(new), **LABELS))
    assert _words("".join(tree.old_text)) == _words(old)
    assert _words("".join(tree.new_text)) == _words(new)


def test_formatting_alone_is_no_change_of_words():
    assert mark_changes(_html("Кошти в бюджеті."), _html("Кошти в **бюджеті**."), **LABELS) is None


@SETTINGS
@given(old=units.map("\n\n".join), new=units.map("\n\n".join))
def test_marked_html_nests_and_reads_as_the_new_text_without_removals_and_the_old_without_additions(old, new):
    marked = mark_changes(_html(old), _html(new), **LABELS)
    if marked is None:
        assert _words(old) == _words(new)
        return
    tree = Tree(marked)
    assert _words("".join(tree.new_text)) == _words(new)
    assert _words("".join(tree.old_text)) == _words(old)


def test_rendered_changes_show_markdown_not_its_marks():
    old = split_units("# Про бюджет\n\nКошти **в бюджеті**.\n\n1. Перший пункт.")
    new = split_units("# Про бюджет\n\nКошти **в бюджеті** громади.\n\n1. Перший пункт.")
    rows = render_changes(old, new, **LABELS)
    assert [r.kind for r in rows] == ["same", "changed", "same"]
    assert rows[0].html == "<h3>Про бюджет</h3>\n"  # one level under the section showing it, no id
    assert "**" not in rows[1].html and "<strong>в бюджеті</strong>" in rows[1].html
    assert rows[2].label == "1" and "1." not in rows[2].html
    assert [[r.kind for r in e.rows] for e in group_changes(rows, context=0)] == [["changed"]]


def test_a_unit_that_only_changed_its_formatting_shows_removed_and_added():
    (row,) = render_changes(["Кошти в бюджеті."], ["Кошти в **бюджеті**."], **LABELS)
    assert row.kind == "changed"
    assert row.html.startswith('<del class="change-block">') and '<ins class="change-block">' in row.html


def test_clashes_come_in_whole_paragraphs_with_the_agreed_text_around_them():
    base = "# Т\n\nПросимо **відремонтувати** водогін.\n\n1. Перший.\n2. Другий.\n\nКінець."
    mine = base.replace("відремонтувати", "терміново відремонтувати").replace("Другий", "Другий мій")
    theirs = base.replace("відремонтувати", "замінити").replace("Кінець", "Фінал")
    (clash,), rest = clashes(merge3(base, mine, theirs).chunks)
    assert clash.before == "# Т\n\n"
    assert clash.base == "Просимо **відремонтувати** водогін."
    assert clash.mine == "Просимо **терміново відремонтувати** водогін."
    assert clash.theirs == "Просимо **замінити** водогін."
    assert rest == "\n\n1. Перший.\n2. Другий мій.\n\nФінал."
