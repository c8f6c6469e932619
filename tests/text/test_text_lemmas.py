"""Lemmas for search: inflections, apostrophes and case meet; snippets mark the original words."""

import html
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup
from text_strategies import SETTINGS, WORDS, ukr_text

from deliberation.text.lemmas import (
    APOSTROPHE,
    fold,
    highlight,
    lemma_text,
    query_lemmas,
    query_word_lemmas,
    word_lemmas,
)

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


def test_lemmas_module_imports_no_database_or_web_framework():
    code = (
        "import sys\nimport deliberation.text.lemmas\n"
        "print(sorted(m for m in ('sqlalchemy', 'sqlmodel', 'starlette') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
