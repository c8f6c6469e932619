"""Path values: ``{name:id}`` in a route matches only a number from 1 to 2^31-1.

Starlette's ``{x:id}`` matches any run of digits, so ``/workshops/99999999999999999999`` reached the
database and overflowed (a 500). The ``id`` convertor's pattern admits exactly the numbers an integer
column can hold, without leading zeros, so any other path is simply not a route: a 404 page.
Query and form values are read with ``deliberation.params``, re-exported here for handlers.
"""

from __future__ import annotations

from starlette.convertors import Convertor, register_url_convertor

from ..params import (  # noqa: F401 (re-exported for handlers)
    ID_MAX,
    LIST_MAX,
    PAGE_MAX,
    BadValue,
    choice,
    choice_or_empty,
    day,
    flag,
    id_or_none,
    ids,
    month_or_none,
    number,
    number_or_default,
    number_or_none,
    optional_number,
    page,
)


def digits_up_to(limit: str) -> str:
    """A regular expression matching the decimal numbers from 1 to ``limit`` (no sign, no leading zero)."""
    width = len(limit)
    parts = [f"[1-9][0-9]{{0,{width - 2}}}"] if width > 1 else []
    # Numbers as long as the limit: equal to it on a prefix, then one digit below, then anything.
    for i, digit in enumerate(limit):
        low = "1" if i == 0 else "0"
        if digit > low:
            below = f"[{low}-{int(digit) - 1}]"
            parts.append(limit[:i] + below + (f"[0-9]{{{width - i - 1}}}" if i < width - 1 else ""))
    parts.append(limit)
    return "(?:" + "|".join(parts) + ")"


class IdConvertor(Convertor[int]):
    regex = digits_up_to(str(ID_MAX))

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        value = int(value)
        assert 1 <= value <= ID_MAX, "An id is from 1 to 2^31-1"
        return str(value)


# Before any Route is built: Starlette compiles the pattern when the Route is made.
register_url_convertor("id", IdConvertor())
