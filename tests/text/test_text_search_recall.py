"""Search finds every form of a word: named cases of query → text, and the dictionary behind them.

A case matches as the index matches (``deliberation.search.queries``): the text's words hold every
lemma they can have, each query word is an OR over its lemmas, and every query word must match.
``bench/search_recall.py`` prints the same cases' recall for simplemma alone beside these.
"""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from text_strategies import SETTINGS, WORDS, ukr_text

from deliberation.text import morphology
from deliberation.text.lemmas import (
    APOSTROPHE,
    highlight,
    lemma_text,
    lemmas,
    query_terms,
    query_word_lemmas,
    word_lemmas,
)
from deliberation.text.tokens import WORD_RE

CASES = json.loads((Path(__file__).parent / "cases_search_recall.json").read_text(encoding="utf-8"))


def _matches(query: str, text: str) -> bool:
    held = set(lemmas(text))
    terms = query_terms(query)
    return bool(terms) and all(not held.isdisjoint(term) for term in terms)


def _named(cases):
    return pytest.mark.parametrize("case", cases, ids=[case["name"] for case in cases])


def test_the_cases_are_many_and_named_once():
    names = [case["name"] for case in CASES["positive"] + CASES["negative"]]
    assert len(CASES["positive"]) >= 60 and CASES["negative"]
    assert len(names) == len(set(names))


@_named(CASES["positive"])
def test_a_query_word_finds_every_form_of_its_word(case):
    assert _matches(case["query"], case["text"]), (query_terms(case["query"]), lemmas(case["text"]))


@_named(CASES["negative"])
def test_a_query_word_finds_no_other_word(case):
    assert not _matches(case["query"], case["text"]), (query_terms(case["query"]), lemmas(case["text"]))


def test_a_form_of_two_words_is_indexed_under_both():
    assert word_lemmas("молоді") == ("молодий", "молодь")
    assert lemma_text("розвитку молоді") == "розвиток молодий молодь"


def test_a_query_word_in_its_dictionary_form_asks_for_that_word():
    # «рік» is also the genitive plural of «ріка», «рада» the feminine of «радий»: not what is meant.
    assert query_word_lemmas("рік") == ("рік",) and query_word_lemmas("Рада") == ("рада",)
    # ... but keeps the reading simplemma, which learnt from a corpus, takes it for, the noun whose
    # plural it is, and, for a form that is no dictionary form, every reading.
    assert query_word_lemmas("авторів") == ("автор", "авторів") and query_word_lemmas("нова") == ("нова", "новий")
    assert query_word_lemmas("діти") == ("дитина", "діти")
    assert query_word_lemmas("молоді") == ("молодий", "молодь")


def test_adverbial_participles_and_reflexive_verbs_are_also_indexed_under_their_verb():
    assert "розглянути" in word_lemmas("розглянувши")
    assert "звернутися" in word_lemmas("звернувшись")
    assert "обговорювати" in word_lemmas("обговорюючи")
    assert "обговорювати" in word_lemmas("обговорюється")
    # The link is made only to a verb the dictionary has: «дивитися» has no «дивити».
    assert word_lemmas("дивиться") == ("дивитися",)


def test_an_adjective_or_a_region_named_after_a_town_is_also_indexed_under_the_town():
    assert "житомир" in word_lemmas("житомирської") and "житомир" in word_lemmas("Житомирщини")
    assert "коростень" in word_lemmas("Коростенської")
    # Known to the dictionary as a town, but its adjective only by a guess from the ending.
    assert "звягель" in word_lemmas("Звягельської")
    # Only a masculine inanimate noun is taken for a town: not «сіль», not «господар».
    assert word_lemmas("сільської") == ("сільський",) and word_lemmas("господарської") == ("господарський",)


def test_a_word_the_dictionary_does_not_know_gets_simplemmas_lemma_and_a_guess_by_its_ending():
    assert "звягельський" in word_lemmas("Звягельської")
    assert "звягельський" in word_lemmas("звягельському")
    assert word_lemmas("OECD") == ("oecd",) and word_lemmas("2025") == ("2025",)


def test_lemmas_use_the_one_apostrophe_whatever_the_dictionary_spells():
    assert word_lemmas("об’єктів") == (f"об{APOSTROPHE}єкт",)
    assert all("'" not in lemma for word in WORDS for lemma in word_lemmas(word))


def test_highlight_marks_the_forms_of_the_word_asked_for_and_not_its_neighbours():
    text = "Програма розвитку молоді. Молодий спеціаліст. Молодь громади."
    assert str(highlight(text, query_terms("молодь"))) == (
        "Програма розвитку <mark>молоді</mark>. Молодий спеціаліст. <mark>Молодь</mark> громади."
    )
    assert str(highlight(text, query_terms("молоді"))).count("<mark>") == 3


def test_highlight_window_prefers_the_stretch_where_every_query_word_matches():
    text = "Громада. " + "Інше речення без потрібних слів. " * 20 + "Молоді громади потрібен центр."
    snippet = highlight(text, query_terms("молодь громада"), max_chars=80)
    assert "<mark>Молоді</mark> <mark>громади</mark>" in snippet and snippet.startswith("…")


_CASE_WORDS = sorted(
    {m for case in CASES["positive"] + CASES["negative"] for m in (case["query"] + " " + case["text"]).split()}
)


@SETTINGS
@given(st.sampled_from(WORDS + _CASE_WORDS))
def test_a_query_for_a_word_always_finds_that_very_word(word):
    assert set(query_word_lemmas(word)) <= set(word_lemmas(word))
    assert _matches(word, word)


def test_parsing_from_many_threads_gives_what_one_thread_gives(monkeypatch):
    words = sorted(set(_CASE_WORDS + WORDS))
    expected = {word: word_lemmas(word) for word in words}
    expected_parses = {word: _parses(morphology._morph(), word) for word in words}
    # A fresh analyzer and empty caches, so the threads race to load it and all parse at once.
    monkeypatch.setattr(morphology, "_analyzer", None)
    morphology._parse.cache_clear()
    word_lemmas.cache_clear()
    start = threading.Barrier(8)

    def run(offset: int):
        start.wait()
        analyzer = morphology._morph()
        order = words[offset:] + words[:offset]
        # The analyzer itself, past every cache, and the cached functions over it.
        return analyzer, {word: _parses(analyzer, word) for word in order}, {word: word_lemmas(word) for word in order}

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(run, range(0, 8 * 7, 7)))
    assert len({id(analyzer) for analyzer, _, _ in results}) == 1
    assert all(parses == expected_parses and found == expected for _, parses, found in results)


def _parses(analyzer, word: str) -> list[tuple[str, str]]:
    return [(parse[2], str(parse[1])) for parse in analyzer.parse(word.lower())]


@SETTINGS
@given(st.one_of(st.text(max_size=60), ukr_text()))
def test_any_text_lemmatises_to_single_words_and_every_query_word_finds_itself(text):
    held = lemma_text(text).split()
    assert all(WORD_RE.fullmatch(lemma) for lemma in held)
    assert all(not set(held).isdisjoint(term) for term in query_terms(text))
