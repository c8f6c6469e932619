"""Tokeniser: words with inner apostrophes and hyphens stay whole."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from text_strategies import SETTINGS, ukr_text

from deliberation.text.tokens import is_word, tokenize


@pytest.mark.parametrize(
    "word",
    [
        "обʼєкт",
        "з'їзд",
        "пам’ять",
        "будь-який",
        "будь\u2011що",
        "по-українськи",
        "2024-2025",
        "за\u0301мок",
    ],
)
def test_words_with_inner_apostrophes_and_hyphens_are_one_token(word):
    assert tokenize(word) == [word]
    assert is_word(word)


def test_leading_and_trailing_apostrophes_and_hyphens_are_own_tokens():
    assert tokenize("'слово' -так- ʼа обʼ") == [
        "'",
        "слово",
        "'",
        " ",
        "-",
        "так",
        "-",
        " ",
        "ʼ",
        "а",
        " ",
        "об",
        "ʼ",
    ]


def test_double_hyphen_splits_words():
    assert tokenize("а--б") == ["а", "-", "-", "б"]


def test_whitespace_runs_are_single_tokens_and_punctuation_is_per_character():
    assert tokenize("Рада,  сесія!\n\nТак?!") == [
        "Рада",
        ",",
        "  ",
        "сесія",
        "!",
        "\n\n",
        "Так",
        "?",
        "!",
    ]


def test_underscore_is_not_part_of_words():
    assert tokenize("_курсив_") == ["_", "курсив", "_"]


def test_is_word_rejects_spaces_and_punctuation():
    assert not any(map(is_word, [" ", ",", "-", "'", "\n", "—", ""]))


@SETTINGS
@given(st.one_of(st.text(), ukr_text()))
def test_tokens_join_back_to_the_text(text):
    tokens = tokenize(text)
    assert "".join(tokens) == text
    assert all(tokens)


@SETTINGS
@given(ukr_text())
def test_no_token_mixes_word_and_space(text):
    for token in tokenize(text):
        assert is_word(token) or token.isspace() or len(token) == 1
