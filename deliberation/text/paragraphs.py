"""Stable paragraph identity across revisions.

Each paragraph gets an id when it first appears; links, anchors and comments
use the id, never the position or the point number, because points get
renumbered whenever one is inserted. A revision is stored as the ordered list
of :class:`Paragraph` (id, text).

Units are the paragraphs of :func:`.blocks.split_paragraphs`, stripped: blocks
separated by blank lines, except that each item of an ordered list ("1. ",
"2) ", "2.1. ") is a unit of its own, so every numbered point has its own id.

Aligning a new revision with the previous one, in order of confidence:
1. identical text in the same order (a paragraph-level diff),
2. identical text anywhere (a moved paragraph),
3. word similarity (multiset Jaccard) of at least ``SIMILARITY_THRESHOLD``,
   best pairs first (an edited paragraph).
List markers are ignored throughout: "3. Х" renumbered to "4. Х" is the same point.
Unpaired new units get fresh ids; each id is used at most once per revision.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ._encode import Codec, deadline_after, diff_units
from .blocks import ITEM_MARKER_RE, paragraph_body, split_paragraphs
from .canonical import normalize_apostrophes
from .tokens import WORD_RE

__all__ = [
    "SIMILARITY_THRESHOLD", "Paragraph", "assign_ids", "number_points",
    "point_marker", "split_units",
]  # fmt: skip

SIMILARITY_THRESHOLD = 0.5
DIFF_BUDGET_S = 1.0


@dataclass(frozen=True)
class Paragraph:
    """One unit of a revision: its stable id and its text."""

    pid: str
    text: str


def split_units(text: str) -> list[str]:
    """Return the paragraph units of ``text`` (stripped, non-empty)."""
    units = (paragraph_body(p).strip() for p in split_paragraphs(text))
    return [u for u in units if u]


def point_marker(unit: str) -> str | None:
    """Return the ordered-list marker ("3.", "2.1.", "4)") a unit starts with, if any."""
    m = ITEM_MARKER_RE.match(unit)
    return m.group() if m else None


def _key(unit: str) -> str:
    """Text without its list marker: what identity is judged on."""
    marker = point_marker(unit)
    return unit[len(marker) :].lstrip() if marker else unit


def _words(unit: str) -> Counter[str]:
    return Counter(w.casefold() for w in WORD_RE.findall(normalize_apostrophes(_key(unit))))


def assign_ids(old: Sequence[Paragraph] | None, new_text: str, *, new_id: Callable[[], str]) -> list[Paragraph]:
    """Return the units of ``new_text`` with ids carried over from ``old`` where they match.

    ``new_id`` makes fresh ids; it must not return an id in ``old`` or one
    already handed out (ValueError), since a reused id would re-attach old
    comments to unrelated text.
    """
    units = split_units(new_text)
    old = list(old or [])
    pairs: dict[int, int] = {}  # new index -> old index
    _match_in_order(old, units, pairs)
    _match_moved(old, units, pairs)
    _match_similar(old, units, pairs)
    taken = {p.pid for p in old}
    result = []
    for j, unit in enumerate(units):
        pid = old[pairs[j]].pid if j in pairs else _fresh(new_id, taken)
        result.append(Paragraph(pid, unit))
    return result


def _fresh(new_id: Callable[[], str], taken: set[str]) -> str:
    pid = new_id()
    if pid in taken:
        raise ValueError(f"new_id returned an id already in use: {pid!r}")
    taken.add(pid)
    return pid


def _match_in_order(old: list[Paragraph], units: list[str], pairs: dict[int, int]) -> None:
    """Pair identical units the way a paragraph-level diff aligns them."""
    i = j = 0
    keys_old, keys_new = [_key(p.text) for p in old], [_key(u) for u in units]
    for op, chars in diff_units(keys_old, keys_new, Codec(), deadline_after(DIFF_BUDGET_S)):
        if op == 0:
            for k in range(len(chars)):
                pairs[j + k] = i + k
        i += len(chars) if op <= 0 else 0
        j += len(chars) if op >= 0 else 0


def _match_moved(old: list[Paragraph], units: list[str], pairs: dict[int, int]) -> None:
    """Pair remaining identical units wherever they are: moved paragraphs."""
    free: dict[str, list[int]] = defaultdict(list)
    used = set(pairs.values())
    for i, p in enumerate(old):
        if i not in used:
            free[_key(p.text)].append(i)
    for j, unit in enumerate(units):
        if j not in pairs and free.get(_key(unit)):
            pairs[j] = free[_key(unit)].pop(0)


def _match_similar(old: list[Paragraph], units: list[str], pairs: dict[int, int]) -> None:
    """Pair remaining units by word similarity, most similar pairs first."""
    used = set(pairs.values())
    old_free = [i for i in range(len(old)) if i not in used]
    new_free = [j for j in range(len(units)) if j not in pairs]
    candidates = _similar_candidates(old, units, old_free, new_free)
    for _, _, i, j in sorted(candidates):
        if j not in pairs and i not in used:
            pairs[j] = i
            used.add(i)


def _similar_candidates(old, units, old_free, new_free) -> list[tuple[float, float, int, int]]:
    """(−similarity, positional distance, old, new) for pairs above the threshold."""
    old_words = {i: _words(old[i].text) for i in old_free}
    index: dict[str, list[int]] = defaultdict(list)  # only pairs sharing a word can qualify
    for i, words in old_words.items():
        for w in words:
            index[w].append(i)
    out = []
    for j in new_free:
        words = _words(units[j])
        for i in {i for w in words for i in index.get(w, ())}:
            sim = _jaccard(old_words[i], words)
            if sim >= SIMILARITY_THRESHOLD:
                drift = abs(i / len(old) - j / len(units))
                out.append((-sim, drift, i, j))
    return out


def _jaccard(a: Counter[str], b: Counter[str]) -> float:
    return sum((a & b).values()) / sum((a | b).values())


def number_points(paragraphs: Sequence[Paragraph]) -> dict[str, str]:
    """Return the presentation number ("3", "3.2") of each numbered point by position.

    Points are units starting with an ordered-list marker; the typed numbers
    are ignored, only the depth ("2." is depth 1, "2.1." depth 2) counts.
    Top-level points are numbered through the whole text, sub-points restart
    under each point. A sub-point before any parent point gets parent 1.
    """
    counters: list[int] = []
    labels = {}
    for p in paragraphs:
        marker = point_marker(p.text)
        if marker is None:
            continue
        depth = marker.rstrip(".)").count(".") + 1
        counters = (counters + [0] * depth)[:depth]
        counters = [max(c, 1) for c in counters[:-1]] + [counters[-1] + 1]
        labels[p.pid] = ".".join(map(str, counters))
    return labels
