"""Lemmas for search: inflections, apostrophes and case meet; snippets mark the original words."""

import html
import re
import subprocess
import sys
import unicodedata
from pathlib import Path
from unittest.mock import patch

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup, escape
from text_strategies import SETTINGS, WORDS, ukr_text

from deliberation.text.lemmas import (
    APOSTROPHE,
    Highlighter,
    fold,
    highlight,
    lemma_text,
    query_lemmas,
    query_word_lemmas,
    word_lemmas,
)
from deliberation.text.tokens import WORD_RE

ROOT = Path(__file__).resolve().parents[2]
APOSTROPHES = ["'", "\u2019", "\u02bc", "\u2018", "`"]


@pytest.mark.parametrize(
    ("inflected", "base"),
    [
        ("громадах", "громада"),
        ("громади", "громада"),
        ("рішень", "рішення"),
        ("депутатів", "депутат"),
        ("сесії", "сесія"),
        ("з’їзду", "з'їзд"),
        ("пам'яті", "пам’ять"),
    ],
)
def test_inflected_forms_share_the_lemma_of_the_base_form(inflected, base):
    assert set(query_word_lemmas(base)) & set(word_lemmas(inflected))


@pytest.mark.parametrize("spelling", ["обʼєкт", "об'єкт", "об’єкт", "об‘єкт", "об`єкт", "ОБ'ЄКТ", "Об’єкта"])
def test_every_apostrophe_and_case_gives_one_lemma(spelling):
    assert word_lemmas(spelling) == query_word_lemmas(spelling) == (f"об{APOSTROPHE}єкт",)


def test_fold_is_nfc_casefolded_without_stress_marks_and_with_one_apostrophe():
    assert fold("За\u0301мок І́ Об'єкт будь\u2011що") == f"замок і об{APOSTROPHE}єкт будь-що"
    # й and ї written with combining marks compose, and stay themselves.
    assert fold("и\u0306 і\u0308") == "й ї"


def test_lemma_text_joins_lemmas_with_single_spaces_and_drops_punctuation():
    assert lemma_text("Громади, що прийняли рішення (2025)!") == "громада що прийняти рішення 2025"


def test_hyphenated_word_is_indexed_whole_and_by_its_parts_but_asked_for_whole():
    indexed = lemma_text("соціально-економічний розвиток").split()
    assert indexed[0] == "соціально-економічний"
    assert set(query_word_lemmas("економічний")) <= set(indexed)
    assert query_lemmas("соціально-економічний") == ["соціально-економічний"]


def test_query_lemmas_are_distinct_in_order_and_ignore_operators():
    assert query_lemmas('громадах "рішень" -громада OR *') == ["громада", "рішення", "or"]
    assert query_lemmas(" ,.; ") == []


def test_very_long_runs_of_letters_are_not_indexed():
    assert lemma_text("а" * 500 + " громада") == "громада"


def test_highlight_marks_the_original_inflected_words():
    text = "Рада розглянула звернення. Громади вимагають рішень щодо об'єктів у громадах."
    snippet = highlight(text, query_lemmas("громада рішення обʼєкт"))
    assert isinstance(snippet, Markup)
    assert re.findall(r"<mark>(.*?)</mark>", snippet) == ["Громади", "рішень", "об&#39;єктів", "громадах"]


def test_highlight_opens_a_window_around_the_match_and_says_where_it_cut():
    text = "Вступ. " * 100 + "Тут ідеться про громадський бюджет громади. " + "Кінець. " * 100
    snippet = highlight(text, query_lemmas("громада"), max_chars=120)
    assert snippet.startswith("…") and snippet.endswith("…")
    assert "<mark>громади</mark>" in snippet
    assert len(html.unescape(re.sub("</?mark>", "", snippet))) <= 120 + 2 + 30


def test_highlight_without_a_match_is_the_escaped_start_of_the_text():
    assert highlight("<b>Звіт</b> & план", ["громада"]) == "&lt;b&gt;Звіт&lt;/b&gt; &amp; план"


def _visible(snippet: str) -> str:
    return html.unescape(re.sub(r"</?mark>", "", str(snippet))).strip("…")


@SETTINGS
@given(
    ukr_text(),
    st.lists(st.sampled_from(APOSTROPHES), min_size=1, max_size=4),
    st.sampled_from([str.upper, str.lower, str.swapcase, str.title]),
)
def test_apostrophe_variants_and_letter_case_never_change_the_lemmas(text, apostrophes, recase):
    variants = iter(apostrophes * len(text))
    respelled = re.sub(r"['\u2019\u02bc]", lambda _: next(variants), text)
    assert lemma_text(recase(respelled)) == lemma_text(text)
    assert query_lemmas(recase(respelled)) == query_lemmas(text)


_HOSTILE = st.sampled_from(list("<>&\"'/ =") + ["script", "mark", "<mark>", "громада", "громадах", " ", "\n"])


@SETTINGS
@given(
    st.lists(st.one_of(_HOSTILE, st.sampled_from(WORDS), st.text(max_size=3)), max_size=40).map("".join),
    st.lists(st.sampled_from(["громада", "рішення", "script", "mark"]), max_size=3),
    st.integers(20, 300),
)
def test_highlight_never_returns_unescaped_user_text(text, wanted, max_chars):
    snippet = highlight(text, [query_word_lemmas(w) for w in wanted], max_chars=max_chars)
    markup_free = re.sub(r"</?mark>", "", str(snippet))
    assert "<" not in markup_free and ">" not in markup_free and '"' not in markup_free
    assert re.fullmatch(r"(?:[^&]|&(?:lt|gt|amp|#34|#39);)*", markup_free)
    # What shows is the original text (spaces collapsed), not something else.
    assert _visible(snippet).strip() in re.sub(r"\s+", " ", unicodedata.normalize("NFC", text))


def _escaped(text: str) -> str:
    return str(escape(text))


def _reference_highlight(text: str, terms, max_chars: int) -> str:
    """What ``highlight`` must show, the slow plain way: every word read and looked up, every
    window tried. The highlighter stops early and remembers words; it must land on this window."""
    text = unicodedata.normalize("NFC", text)
    scan = re.sub(r"['\u2019\u2018`\u00b4\u2032\u02b9\u02bb]", APOSTROPHE, text).replace("\u2011", "-")
    terms = [frozenset(term) for term in terms]

    def hits(word):
        lemmas = set(word_lemmas(word)) if len(word) <= 120 else set()
        return frozenset(i for i, term in enumerate(terms) if term & lemmas)

    found = [(m.start(), m.end(), hits(m.group())) for m in WORD_RE.finditer(scan)]
    found = [f for f in found if f[2]]
    reach = max_chars * 3 // 4

    def window(i):
        return frozenset().union(found[i][2], *(h for _, e, h in found[i + 1 :] if e <= found[i][0] + reach))

    counts = [len(window(i)) for i in range(len(found))]
    start = 0
    if found:
        first = found[counts.index(max(counts))][0]
        start, floor = max(0, first - max_chars // 5), max(0, first - max_chars // 3)
        while start > floor and not text[start - 1].isspace():
            start -= 1
    end = min(len(text), start + max_chars)
    if end < len(text) and not text[end].isspace():
        snapped = end
        while snapped < min(len(text), end + 30) and not text[snapped].isspace():
            snapped += 1
        end = snapped if snapped < min(len(text), end + 30) else end
    while start < end and text[start].isspace():
        start += 1
    out, cursor = ["…"] if text[:start].strip() else [], start
    for m in WORD_RE.finditer(scan, start):
        if m.start() >= end:
            break
        if found and hits(m.group()):
            out += [_escaped(re.sub(r"\s+", " ", text[cursor : m.start()])), "<mark>"]
            out += [_escaped(text[m.start() : min(m.end(), end)]), "</mark>"]
            cursor = min(m.end(), end)
    out.append(_escaped(re.sub(r"\s+", " ", text[cursor:end]).rstrip()))
    return "".join(out) + ("…" if text[end:].strip() else "")


@SETTINGS
@given(
    st.lists(ukr_text(), min_size=1, max_size=4),
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=3),
    st.integers(20, 300),
)
def test_one_highlighter_for_many_texts_shows_each_the_window_reading_every_word_finds(texts, words, max_chars):
    terms = [query_word_lemmas(w) for w in words]
    shared = Highlighter(terms, max_chars=max_chars)
    assert [str(shared(text)) for text in texts] == [_reference_highlight(text, terms, max_chars) for text in texts]


#: Between words: nothing, punctuation, joiners, and spaces of several kinds, so that one run of
#: text between spaces holds several words, or a word glued to another into a longer one.
_GLUE = ["", ",", "/", "-", "’", "'", "(", ")", ".", "«", " ", "  ", "\n", "\u00a0", "\t"]


@SETTINGS
@given(
    st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(_GLUE)), min_size=1, max_size=30).map(
        lambda parts: "".join(word + glue for word, glue in parts)
    ),
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=3),
    st.integers(20, 300),
)
def test_words_packed_without_spaces_are_marked_as_reading_every_word_finds(text, words, max_chars):
    terms = [query_word_lemmas(w) for w in words]
    assert str(Highlighter(terms, max_chars=max_chars)(text)) == _reference_highlight(text, terms, max_chars)


@SETTINGS
@given(
    st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(_GLUE)), min_size=1, max_size=60).map(
        lambda parts: "".join(word + glue for word, glue in parts)
    ),
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=3),
    st.integers(20, 300),
    st.integers(1, 80),
)
def test_a_text_read_a_piece_at_a_time_is_marked_as_reading_every_word_finds(text, words, max_chars, piece):
    # Pieces far shorter than the window, so that matches, the window and its ends fall across them.
    from deliberation.text import lemmas as lemmas_module

    terms = [query_word_lemmas(w) for w in words]
    with patch.object(lemmas_module, "_PIECE_CHARS", piece):
        got = str(Highlighter(terms, max_chars=max_chars)(text))
    assert got == _reference_highlight(text, terms, max_chars)


def test_lemmas_module_imports_no_database_or_web_framework():
    code = (
        "import sys\nimport deliberation.text.lemmas\n"
        "print(sorted(m for m in ('sqlalchemy', 'sqlmodel', 'starlette') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_words_filed_by_lemma_start_afresh_when_full_and_marks_stay_right(monkeypatch):
    from deliberation.text import lemmas as lemmas_module

    monkeypatch.setattr(lemmas_module, "_WORDS", lemmas_module._WordsByLemma(limit=4))
    texts = [
        "Рада громади ухвалила програму підтримки молоді на наступний рік.",
        "Молодь села просила раду про спортивний майданчик, і рада погодилась.",
        "Відрада для громадян: у громадах відкрили центри надання адміністративних послуг.",
    ]
    terms = [query_word_lemmas("рада"), query_word_lemmas("молодь")]
    shared = Highlighter(terms, max_chars=120)
    for _ in range(2):
        assert [str(shared(text)) for text in texts] == [_reference_highlight(text, terms, 120) for text in texts]
    assert len(lemmas_module._WORDS.known) <= 4 + max(len(set(t.split())) for t in texts)
    assert "<mark>Відрада</mark>" not in str(shared(texts[2]))
