"""Three-way merge on word tokens."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from text_strategies import (
    SETTINGS,
    SLOW_SETTINGS,
    distinct_paragraphs,
    edited_words,
    ukr_text,
    words,
)

from deliberation.text.merge import Custom, merge3, resolve
from deliberation.text.tokens import is_word, tokenize

texts = st.one_of(ukr_text(), st.text(max_size=40))


@SETTINGS
@given(texts, texts)
def test_merge_when_mine_is_unchanged_takes_theirs(base, theirs):
    r = merge3(base, base, theirs)
    assert r.clean and r.text == theirs


@SETTINGS
@given(texts, texts)
def test_merge_when_theirs_is_unchanged_takes_mine(base, mine):
    r = merge3(base, mine, base)
    assert r.clean and r.text == mine


@SETTINGS
@given(texts, texts)
def test_merge_of_identical_edits_takes_them_once(base, both):
    r = merge3(base, both, both)
    assert r.clean and r.text == both


@st.composite
def disjoint_paragraph_edits(draw):
    paras = draw(distinct_paragraphs(min_size=2))
    owners = draw(st.lists(st.sampled_from(["mine", "theirs", None]), min_size=len(paras), max_size=len(paras)))
    mine, theirs = list(paras), list(paras)
    for i, owner in enumerate(owners):
        if owner == "mine":
            mine[i] = draw(edited_words(paras[i], f"мій{i}x"))
        elif owner == "theirs":
            theirs[i] = draw(edited_words(paras[i], f"їхній{i}x"))
    expected = [m if o == "mine" else t for m, t, o in zip(mine, theirs, owners, strict=True)]
    return ["\n\n".join(x) for x in (paras, mine, theirs, expected)]


@SETTINGS
@given(disjoint_paragraph_edits())
def test_merge_of_edits_in_different_paragraphs_keeps_both(case):
    base, mine, theirs, expected = case
    r = merge3(base, mine, theirs)
    assert r.clean, r.conflicts
    assert r.text == expected


def test_merge_of_distant_edits_in_one_paragraph_keeps_both():
    base = "Рада вирішила затвердити програму розвитку громади на наступний рік."
    mine = "Сесія вирішила затвердити програму розвитку громади на наступний рік."
    theirs = "Рада вирішила затвердити програму розвитку громади на наступний період."
    assert merge3(base, mine, theirs).text == "Сесія вирішила затвердити програму розвитку громади на наступний період."


def test_merge_of_different_edits_to_one_word_is_a_conflict():
    base = "Затвердити бюджет на 2025 рік.\n\nІнший абзац."
    r = merge3(
        base,
        "Затвердити бюджет на 2026 рік.\n\nІнший абзац.",
        "Затвердити бюджет на 2027 рік.\n\nІнший абзац!",
    )
    assert not r.clean and r.text is None
    (c,) = r.conflicts
    assert (c.base_text, c.mine_text, c.theirs_text) == ("2025", "2026", "2027")
    assert base[c.base_start : c.base_end] == "2025"
    assert [ch.kind for ch in r.chunks] == ["stable", "conflict", "stable"]
    assert r.chunks[0].text == "Затвердити бюджет на " and r.chunks[2].text == " рік.\n\nІнший абзац!"
    assert resolve(r.chunks, {0: "theirs"}) == "Затвердити бюджет на 2027 рік.\n\nІнший абзац!"
    assert resolve(r.chunks, {0: "both"}) == "Затвердити бюджет на 2026 2027 рік.\n\nІнший абзац!"
    assert resolve(r.chunks, {0: "2028"}) == "Затвердити бюджет на 2028 рік.\n\nІнший абзац!"
    assert resolve(r.chunks, {0: Custom("mine")}) == "Затвердити бюджет на mine рік.\n\nІнший абзац!"


def test_resolve_refuses_to_guess_a_missing_choice():
    r = merge3("а б в", "а г в", "а д в")
    with pytest.raises(ValueError):
        resolve(r.chunks, {})


def test_addition_next_to_the_other_sides_deletion_is_a_conflict():
    base = "Другий абзац про обʼєкт."
    r = merge3(base, "Другий абзац про обʼєкт і більше.", "Другий абзац.")
    assert not r.clean
    assert r.conflicts[0].mine_text.strip() == "про обʼєкт і більше"


def test_insertions_at_one_point_conflict_unless_equal():
    base = "Перший.\n\nДругий."
    assert not merge3(base, "Перший.\n\nМій.\n\nДругий.", "Перший.\n\nЇхній.\n\nДругий.").clean
    same = "Перший.\n\nНовий.\n\nДругий."
    assert merge3(base, same, same).text == same


@st.composite
def competing_edits(draw):
    """Base of unique words; both sides delete, replace and insert words anywhere.

    Returns base, mine, theirs as word lists and each side's action per base word.
    """
    n = draw(st.integers(3, 25))
    base = [f"{draw(words)}{i}" for i in range(n)]
    actions = st.sampled_from(["keep", "keep", "keep", "delete", "replace", "insert"])

    def edit(marker, acts):
        out = []
        for k, (w, action) in enumerate(zip(base, acts, strict=True)):
            if action in ("replace", "insert"):
                out.append(f"{marker}{k}")
            if action in ("keep", "insert"):
                out.append(w)
        return out

    acts_mine = draw(st.lists(actions, min_size=n, max_size=n))
    acts_theirs = draw(st.lists(actions, min_size=n, max_size=n))
    return base, edit("мій", acts_mine), edit("їхній", acts_theirs), acts_mine, acts_theirs


def _words(text):
    return [t for t in tokenize(text) if is_word(t)]


@SLOW_SETTINGS
@given(competing_edits())
def test_merge_never_drops_words_either_side_added_or_both_kept(case):
    base, mine, theirs, _, _ = case
    r = merge3(" ".join(base), " ".join(mine), " ".join(theirs))
    as_mine = _words(resolve(r.chunks, {c.index: "mine" for c in r.conflicts}))
    as_theirs = _words(resolve(r.chunks, {c.index: "theirs" for c in r.conflicts}))
    as_both = _words(resolve(r.chunks, {c.index: "both" for c in r.conflicts}))
    added_mine = [w for w in mine if w.startswith("мій")]
    added_theirs = [w for w in theirs if w.startswith("їхній")]
    kept_by_both = [w for w in base if w in mine and w in theirs]
    assert set(added_mine + kept_by_both) <= set(as_mine)
    assert set(added_theirs + kept_by_both) <= set(as_theirs)
    assert set(added_mine + added_theirs + kept_by_both) <= set(as_both)
    if r.clean:
        assert r.text == resolve(r.chunks, {})


@SLOW_SETTINGS
@given(competing_edits())
def test_conflicts_show_each_sides_own_text(case):
    base, mine, theirs = (" ".join(x) for x in case[:3])
    r = merge3(base, mine, theirs)
    for c in r.conflicts:
        assert base[c.base_start : c.base_end] == c.base_text
        assert c.mine_text in mine and c.theirs_text in theirs
        assert c.mine_text != c.theirs_text


@SLOW_SETTINGS
@given(competing_edits())
def test_merge_never_applies_a_deletion_to_a_word_the_other_side_replaced(case):
    base, mine, theirs, acts_mine, acts_theirs = case
    r = merge3(" ".join(base), " ".join(mine), " ".join(theirs))
    for k, (w, a, b) in enumerate(zip(base, acts_mine, acts_theirs, strict=True)):
        if {a, b} == {"delete", "replace"}:
            marker = f"мій{k}" if a == "replace" else f"їхній{k}"
            (c,) = [c for c in r.conflicts if w in _words(c.base_text)]
            assert marker in _words(c.mine_text if a == "replace" else c.theirs_text)
