"""The one request-value reader: any text gives a value in range or BadValue, never another exception."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deliberation import params
from deliberation.params import ID_MAX, PAGE_MAX, BadValue
from deliberation.web.params import IdConvertor, digits_up_to

ANY_TEXT = st.one_of(
    st.text(), st.from_regex(r"[0-9]{1,25}", fullmatch=True), st.integers(min_value=-(2**70), max_value=2**70).map(str)
)


@given(ANY_TEXT, st.integers(min_value=0, max_value=ID_MAX), st.integers(min_value=0, max_value=ID_MAX))
def test_a_number_is_in_range_or_refused_whatever_the_text(raw, low, high):
    low, high = min(low, high), max(low, high)
    try:
        value = params.number(raw, name="n", minimum=low, maximum=high)
    except BadValue as error:
        assert error.status == 400 and error.field == "n"
        assert "n" in error.message()
    else:
        assert low <= value <= high
        assert raw == str(value) or raw.lstrip("0") == str(value).lstrip("0")
        assert raw.isascii()


@given(ANY_TEXT)
def test_a_page_is_within_the_page_range_or_refused(raw):
    try:
        value = params.page(raw)
    except BadValue:
        return
    assert 1 <= value <= PAGE_MAX


@given(ANY_TEXT)
def test_an_id_is_a_possible_row_or_none(raw):
    value = params.id_or_none(raw)
    assert value is None or 1 <= value <= ID_MAX


@given(st.lists(ANY_TEXT, max_size=300))
def test_a_list_of_ids_is_all_valid_and_short_or_refused(raws):
    try:
        found = params.ids(raws, name="id")
    except BadValue:
        return
    assert len(found) <= params.LIST_MAX and all(1 <= v <= ID_MAX for v in found)


@given(st.text(), st.lists(st.text(min_size=1), min_size=1, max_size=5))
def test_a_choice_is_one_of_the_set_or_refused(raw, choices):
    try:
        assert params.choice(raw, choices, name="c") in choices
    except BadValue:
        assert raw not in choices


@given(st.one_of(st.none(), st.text()), st.lists(st.text(min_size=1), min_size=1, max_size=5))
def test_a_lists_filter_is_one_of_the_set_or_no_filter(raw, choices):
    assert params.choice_or_empty(raw, choices) == (raw if raw in choices else "")


@given(st.text())
def test_a_date_is_a_date_or_refused(raw):
    try:
        params.day(raw, name="d")
    except BadValue:
        pass


@pytest.mark.parametrize(
    "raw",
    ["²", "٣", "+1", " 1", "1 ", "1_000", "-1", "0x1", "1.0", "", "１", "2147483648", "99999999999999999999", "1\n"],
)
def test_what_int_would_take_or_choke_on_is_refused(raw):
    assert params.id_or_none(raw) is None
    with pytest.raises(BadValue):
        params.number(raw or None, name="x")


def test_a_missing_page_is_the_first_and_the_limit_holds():
    assert params.page(None) == 1 and params.page("") == 1 and params.page(str(PAGE_MAX)) == PAGE_MAX
    with pytest.raises(BadValue):
        params.page(str(PAGE_MAX + 1))


@given(st.one_of(st.integers(min_value=0, max_value=10**12).map(str), st.text(alphabet="0123456789", max_size=14)))
def test_the_path_pattern_matches_exactly_the_possible_ids(raw):
    matches = re.fullmatch(IdConvertor.regex, raw) is not None
    assert matches == (raw.isascii() and raw.isdigit() and not raw.startswith("0") and 1 <= int(raw) <= ID_MAX)


@given(st.integers(min_value=1, max_value=10**9))
def test_the_pattern_builder_agrees_with_any_limit(limit):
    pattern = re.compile(digits_up_to(str(limit)))
    for n in {1, 9, 10, limit - 1, limit, limit + 1, limit * 10}:
        assert (pattern.fullmatch(str(n)) is not None) == (1 <= n <= limit)
