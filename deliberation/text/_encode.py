"""Encode sequences of units (paragraphs, tokens) as strings of one char per unit.

This is diff-match-patch's ``diff_linesToChars`` trick generalised: diffing the
encoded strings diffs the unit sequences, and no edit can ever split a unit.
"""

from __future__ import annotations

import time
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Sequence

from diff_match_patch import diff_match_patch

__all__ = ["Codec", "deadline_after", "diff_units", "make_dmp"]

# Private-use planes first: those characters are neither letters, digits nor
# spaces, so dmp's semantic cleanup scores every unit boundary alike instead
# of reading meaning into arbitrary code points. Surrogates are never used
# (they are not valid characters on their own).
_RANGES = ((0xE000, 0xF8FF), (0xF0000, 0x10FFFD), (0x100, 0xD7FF), (0xF900, 0xEFFFF))


def _code_points() -> Iterable[int]:
    for low, high in _RANGES:
        yield from range(low, high + 1)


class Codec:
    """A shared vocabulary: equal units get equal chars across all encoded sequences."""

    def __init__(self) -> None:
        self._char_of: dict[str, str] = {}
        self._unit_of: dict[str, str] = {}
        self._free = iter(_code_points())

    def encode(self, units: Iterable[str]) -> str:
        """Return one char per unit, allocating chars for units not seen before."""
        char_of = self._char_of
        out = []
        for unit in units:
            char = char_of.get(unit)
            if char is None:
                char = self._allocate(unit)
            out.append(char)
        return "".join(out)

    def decode(self, chars: str) -> str:
        """Return the concatenated units that ``chars`` stands for."""
        unit_of = self._unit_of
        return "".join([unit_of[c] for c in chars])

    def units(self, chars: str) -> list[str]:
        """Return the units that ``chars`` stands for, as a list."""
        return [self._unit_of[c] for c in chars]

    def _allocate(self, unit: str) -> str:
        try:
            char = chr(next(self._free))
        except StopIteration:  # over a million distinct units: not a document
            raise ValueError("too many distinct units to diff") from None
        self._char_of[unit] = char
        self._unit_of[char] = unit
        return char


def make_dmp() -> diff_match_patch:
    """Return a dmp instance set for exact diffs.

    ``Diff_Timeout = 0`` turns off dmp's half-match shortcut, which returns
    non-minimal diffs, and makes results reproducible: cached diffs and
    merges must not depend on machine speed. Callers bound the time instead
    with an explicit ``deadline`` (see :func:`deadline_after`).
    """
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 0
    return dmp


def deadline_after(seconds: float) -> float:
    """A dmp ``deadline`` (dmp compares it with ``time.time()``).

    Exact diffs cost O(N·D): fine for edits, minutes for two unrelated long
    texts. Past the deadline dmp stops refining and reports the rest as
    deleted and inserted, which is still a correct edit script and, for a
    wholesale rewrite, the honest one.
    """
    return time.time() + seconds


def diff_units(
    a: Sequence[str], b: Sequence[str], codec: Codec, deadline: float | None = None
) -> list[tuple[int, str]]:
    """Diff two unit sequences (paragraphs); return dmp-style ops over the encoded strings.

    Patience diff: units occurring exactly once on each side anchor the
    alignment (longest increasing run of such pairs), and only the gaps
    between anchors go to dmp's exact diff. dmp alone is O(N·D) in pure
    Python, which hurts when half of 300 paragraphs carry a small edit; the
    anchors cut that to the changed runs. The result is always a correct edit
    script; as paragraphs are nearly always unique it is in practice the
    minimal one, and where it is not (a moved paragraph) patience's choice of
    keeping unique paragraphs in place is the one readers expect.
    """
    ca, cb = codec.encode(a), codec.encode(b)
    dmp = make_dmp()
    ops: list[tuple[int, str]] = []
    pa = pb = 0
    for i, j in [*_unique_anchors(ca, cb), (len(ca), len(cb))]:
        ops += dmp.diff_main(ca[pa:i], cb[pb:j], False, deadline)
        ops.append((0, ca[i : i + 1]))
        pa, pb = i + 1, j + 1
    return _merge_neighbours(ops)


def _unique_anchors(ca: str, cb: str) -> list[tuple[int, int]]:
    """Longest chain of (i, j), increasing in both, with ca[i] == cb[j] unique on both sides."""
    count_a, count_b = Counter(ca), Counter(cb)
    where_b = {ch: j for j, ch in enumerate(cb) if count_b[ch] == 1}
    pairs = [(i, where_b[ch]) for i, ch in enumerate(ca) if count_a[ch] == 1 and ch in where_b]
    tails: list[int] = []  # tails[k]: smallest j ending an increasing run of length k+1
    tail_at: list[int] = []  # index into pairs of that run's end
    back: list[int | None] = []
    for n, (_, j) in enumerate(pairs):
        k = bisect_left(tails, j)
        back.append(tail_at[k - 1] if k else None)
        if k == len(tails):
            tails.append(j)
            tail_at.append(n)
        else:
            tails[k], tail_at[k] = j, n
    chain = []
    node: int | None = tail_at[-1] if tail_at else None
    while node is not None:
        chain.append(pairs[node])
        node = back[node]
    return chain[::-1]


def _merge_neighbours(ops: list[tuple[int, str]]) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for op, chars in ops:
        if chars and out and out[-1][0] == op:
            out[-1] = (op, out[-1][1] + chars)
        elif chars:
            out.append((op, chars))
    return out
