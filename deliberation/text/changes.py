"""A change between two versions of a text, as readers read the text: rendered, with only the
paragraphs that changed and one paragraph on each side of them.

Three steps, each usable alone:

- :func:`pick_changes` aligns the units (paragraphs and points, see :mod:`.paragraphs`) of the old
  and the new text and picks the changed ones with ``context`` unchanged units around each run of
  changes; runs whose context meets become one excerpt. Identical units are aligned by a
  unit-level diff; inside a run of changed units, a run with as many units on each side is read as
  edited in place (as :func:`.diff.word_diff` reads it), otherwise units are paired by their words
  (multiset Jaccard of at least ``PAIR_THRESHOLD``, in order) and the rest are added or removed.
- :func:`.marking.mark_changes` takes one unit rendered twice (old and new HTML from
  :mod:`.markdown`) and marks the words that differ inside the new rendering: ``<ins>`` around
  added words, ``<del>`` with the removed words where they stood (see :mod:`.marking`).
- :func:`render_changes` does both over two unit lists and returns every row as HTML, for
  :func:`group_changes` to cut into excerpts (the page shows the excerpts and the whole text from
  one rendering).

The conflicts of a merge, in whole paragraphs, are in :mod:`.clashes`. Pure: no database, no web
framework.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, Literal, Protocol, TypeVar

from ._encode import Codec, deadline_after, diff_units
from .marking import hidden_label, mark_changes
from .paragraphs import Paragraph, number_points, point_marker
from .tokens import WORD_RE
from .units import RenderedUnit, render_units

__all__ = [
    "PAIR_THRESHOLD", "Excerpt", "Row", "RowKind", "ShownRow",
    "align_units", "group_changes", "pick_changes", "render_changes",
]  # fmt: skip

RowKind = Literal["same", "changed", "added", "removed"]

#: Share of common words (multiset Jaccard) for two units to read as one edited unit.
PAIR_THRESHOLD = 0.5
#: Above this many candidate pairs in one changed run, units are paired in order instead.
_PAIRING_LIMIT = 10_000
DIFF_BUDGET_S = 1.0


@dataclass(frozen=True)
class Row:
    """One unit of the aligned texts: ``old``/``new`` index the two unit lists (None if absent)."""

    kind: RowKind
    old: int | None
    new: int | None


class _HasKind(Protocol):
    @property
    def kind(self) -> RowKind: ...


_R = TypeVar("_R", bound=_HasKind)


@dataclass(frozen=True)
class Excerpt(Generic[_R]):
    """Consecutive rows shown together; ``omitted_before``/``omitted_after`` count the unchanged
    units left out before and after them (after only for the last excerpt)."""

    rows: tuple[_R, ...]
    omitted_before: int
    omitted_after: int


# --- Aligning and picking ----------------------------------------------------------------------


def _key(unit: str) -> str:
    """What makes two units the same: the text and, for a point, its depth, not its typed number
    (inserting a point renumbers the ones after it, and numbers are shown as computed)."""
    marker = point_marker(unit)
    if marker is None:
        return unit
    return f"\0{marker.rstrip('.)').count('.')}\0{unit[len(marker) :].lstrip()}"


def align_units(old: Sequence[str], new: Sequence[str]) -> list[Row]:
    """Every unit of both texts in reading order, as same, changed, added or removed."""
    rows: list[Row] = []
    i = j = 0
    pending_old: list[int] = []
    pending_new: list[int] = []
    keys_old, keys_new = [_key(u) for u in old], [_key(u) for u in new]
    for op, chars in diff_units(keys_old, keys_new, Codec(), deadline_after(DIFF_BUDGET_S)):
        if op == -1:
            pending_old += range(i, i + len(chars))
            i += len(chars)
        elif op == 1:
            pending_new += range(j, j + len(chars))
            j += len(chars)
        else:
            rows += _pair_run(old, new, pending_old, pending_new)
            pending_old, pending_new = [], []
            rows += [Row("same", i + k, j + k) for k in range(len(chars))]
            i, j = i + len(chars), j + len(chars)
    rows += _pair_run(old, new, pending_old, pending_new)
    return rows


def _pair_run(old: Sequence[str], new: Sequence[str], olds: list[int], news: list[int]) -> list[Row]:
    """Rows for a run of changed units: pairs as changed, the rest removed or added, in order."""
    if not olds and not news:
        return []
    if len(olds) == len(news):
        return [Row("changed", i, j) for i, j in zip(olds, news, strict=True)]
    pairs = _similar_pairs(old, new, olds, news)
    rows: list[Row] = []
    a = b = 0
    for i, j in [*pairs, (None, None)]:
        while a < len(olds) and olds[a] != i:
            rows.append(Row("removed", olds[a], None))
            a += 1
        while b < len(news) and news[b] != j:
            rows.append(Row("added", None, news[b]))
            b += 1
        if i is not None:
            rows.append(Row("changed", i, j))
            a, b = a + 1, b + 1
    return rows


def _words(unit: str) -> Counter[str]:
    return Counter(w.casefold() for w in WORD_RE.findall(unit))


def _similarity(a: Counter[str], b: Counter[str]) -> float:
    union = sum((a | b).values())
    return sum((a & b).values()) / union if union else 1.0


def _similar_pairs(old: Sequence[str], new: Sequence[str], olds: list[int], news: list[int]) -> list[tuple]:
    """The order-keeping pairing of the most similar units (each pair at least PAIR_THRESHOLD):
    a longest-path over the grid, as in an alignment of two sequences, kept small by
    ``_PAIRING_LIMIT``; past it, units are compared in order only."""
    if len(olds) * len(news) > _PAIRING_LIMIT:
        return [
            (i, j)
            for i, j in zip(olds, news, strict=False)
            if _similarity(_words(old[i]), _words(new[j])) >= PAIR_THRESHOLD
        ]
    wa, wb = [_words(old[i]) for i in olds], [_words(new[j]) for j in news]
    n, m = len(olds), len(news)
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for a in range(n - 1, -1, -1):
        for b in range(m - 1, -1, -1):
            sim = _similarity(wa[a], wb[b])
            paired = sim + best[a + 1][b + 1] if sim >= PAIR_THRESHOLD else 0.0
            best[a][b] = max(paired, best[a + 1][b], best[a][b + 1])
    pairs, a, b = [], 0, 0
    while a < n and b < m:
        sim = _similarity(wa[a], wb[b])
        if sim >= PAIR_THRESHOLD and best[a][b] == sim + best[a + 1][b + 1]:
            pairs.append((olds[a], news[b]))
            a, b = a + 1, b + 1
        elif best[a][b] == best[a + 1][b]:
            a += 1
        else:
            b += 1
    return pairs


def pick_changes(old: Sequence[str], new: Sequence[str], *, context: int | None = 1) -> list[Excerpt[Row]]:
    """The changed units with ``context`` unchanged units before and after each run of changes.

    Runs whose context touches or overlaps become one excerpt. ``context=None`` gives the whole
    text as one excerpt. Two identical texts give no excerpt at all.
    """
    return group_changes(align_units(old, new), context=context)


def group_changes(rows: Sequence[_R], *, context: int | None = 1) -> list[Excerpt[_R]]:
    """Rows (anything with a ``kind``) grouped into excerpts as :func:`pick_changes` does."""
    changed = [k for k, row in enumerate(rows) if row.kind != "same"]
    if not changed:
        return []
    if context is None:
        return [Excerpt(tuple(rows), 0, 0)]
    spans: list[list[int]] = []
    for k in changed:
        start, end = max(0, k - context), min(len(rows), k + context + 1)
        if spans and start <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([start, end])
    excerpts = []
    previous_end = 0
    for n, (start, end) in enumerate(spans):
        after = len(rows) - end if n == len(spans) - 1 else 0
        excerpts.append(Excerpt(tuple(rows[start:end]), start - previous_end, after))
        previous_end = end
    return excerpts


# --- Both, over two texts ----------------------------------------------------------------------


@dataclass(frozen=True)
class ShownRow:
    """A row ready for a page: ``label`` is a point's number (new numbering; old for a removed
    point), ``html`` the unit rendered, with its changes marked."""

    kind: RowKind
    label: str | None
    html: str


def _rendered(units: Sequence[str], prefix: str, numbered: bool) -> list[RenderedUnit]:
    paragraphs = [Paragraph(f"{prefix}{n}", unit) for n, unit in enumerate(units)]
    return render_units(paragraphs, point_labels=number_points(paragraphs) if numbered else {}, excerpt=True)


def render_changes(
    old: Sequence[str],
    new: Sequence[str],
    *,
    ins_label: str,
    del_label: str,
    label_lang: str = "",
    numbered: bool = True,
) -> list[ShownRow]:
    """Every unit of :func:`align_units`, rendered as Markdown with its changes marked; group them
    with :func:`group_changes`.

    A unit added or removed as a whole is wrapped in one ``<ins>`` or ``<del>`` with its label; a
    unit whose words are the same but whose formatting changed, or which became a point or stopped
    being one, shows as its old form removed and its new form added. ``numbered`` numbers points
    as in a whole text; for passages of a text, pass False to keep the numbers as typed.
    """
    rows = align_units(old, new)
    old_units, new_units = _rendered(old, "o", numbered), _rendered(new, "n", numbered)
    ins, rem = hidden_label(ins_label, label_lang), hidden_label(del_label, label_lang)

    def whole(tag: str, label: str, unit: RenderedUnit) -> str:
        return f'<{tag} class="change-block">{label}{unit.html}</{tag}>'

    def shown(row: Row) -> ShownRow:
        if row.kind == "removed":
            unit = old_units[row.old]  # type: ignore[index]
            return ShownRow("removed", unit.label, whole("del", rem, unit))
        unit = new_units[row.new]  # type: ignore[index]
        if row.kind in ("same", "added"):
            return ShownRow(row.kind, unit.label, unit.html if row.kind == "same" else whole("ins", ins, unit))
        before = old_units[row.old]  # type: ignore[index]
        marked = None
        if (before.label is None) == (unit.label is None):
            marked = mark_changes(
                before.html, unit.html, ins_label=ins_label, del_label=del_label, label_lang=label_lang
            )
        if marked is None:
            marked = whole("del", rem, before) + whole("ins", ins, unit)
        return ShownRow("changed", unit.label, marked)

    return [shown(row) for row in rows]
