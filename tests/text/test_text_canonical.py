"""Canonical form of stored text."""

import unicodedata

from hypothesis import given
from hypothesis import strategies as st
from text_strategies import SETTINGS, ukr_text

from deliberation.text.canonical import normalize, normalize_apostrophes


def test_normalize_turns_crlf_and_cr_into_lf():
    assert normalize("а\r\nб\rв\nг") == "а\nб\nв\nг"


def test_normalize_composes_to_nfc():
    typed = "Киі\u0308в"  # "ї" typed as "і" + combining diaeresis
    assert normalize(typed) == "Київ" == unicodedata.normalize("NFC", typed)


def test_normalize_strips_trailing_whitespace_on_each_line():
    assert normalize("рада  \nсесія\t\n  відступ ") == "рада\nсесія\n  відступ"


def test_normalize_collapses_runs_of_blank_lines_to_one():
    assert normalize("а\n\n\n\nб\n \n\t\nв") == "а\n\nб\n\nв"


def test_normalize_drops_leading_and_trailing_blank_lines_and_final_newline():
    assert normalize("\n\n  \nрада\n\n\n") == "рада"


def test_normalize_keeps_leading_indentation_of_the_first_line():
    assert normalize("\n    код") == "    код"


def test_normalize_of_empty_and_blank_text_is_empty():
    assert normalize("") == "" and normalize(" \n\r\n\t") == ""


@SETTINGS
@given(st.one_of(st.text(), ukr_text()))
def test_normalize_is_idempotent(text):
    once = normalize(text)
    assert normalize(once) == once
    assert "\r" not in once and "\n\n\n" not in once and not once.endswith("\n")


def test_normalize_apostrophes_maps_all_variants_to_modifier_letter():
    assert {normalize_apostrophes(w) for w in ["обʼєкт", "об'єкт", "об’єкт", "об`єкт"]} == {"обʼєкт"}
