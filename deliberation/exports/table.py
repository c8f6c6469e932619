"""The comparative table (порівняльна таблиця): an earlier and a proposed wording, row by changed row.

Ukrainian councils attach one to every draft decision that changes an earlier text: two columns,
the current (or earlier) wording and the proposed one, one row per changed provision, the changed
words marked. Rows are aligned by the stable paragraph ids (``text.paragraphs``), not by position,
so an inserted point never shifts every later row out of line: a paragraph is "the same
provision" in both columns exactly when it kept its id.

What counts as changed is the wording: the text without Markdown markup and without the point's
number. A point that was only renumbered because another was inserted above it is unchanged (its
number shows in each column), as is a change of bold or italics alone. Unchanged paragraphs are
not repeated: each run of them becomes one ``Gap`` row that says how many were left out, the way
a printed table writes "…" between changed provisions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..text.diff import DELETE, EQUAL, INSERT, Segment, word_diff
from ..text.markdown import plain_text
from .structure import Unit

__all__ = ["ComparativeTable", "Gap", "Row", "Segment", "comparative_table"]


@dataclass(frozen=True)
class Row:
    """One changed provision. ``change`` is "changed", "added" (no old side) or "removed" (no new side)."""

    pid: str
    change: str
    old_label: str | None
    new_label: str | None
    old: tuple[Segment, ...]
    new: tuple[Segment, ...]
    old_is_heading: bool = False
    new_is_heading: bool = False


@dataclass(frozen=True)
class Gap:
    """``count`` unchanged paragraphs between changed rows, left out of the table."""

    count: int

    @property
    def change(self) -> str:
        return "unchanged"


@dataclass(frozen=True)
class ComparativeTable:
    items: tuple[Row | Gap, ...]

    @property
    def rows(self) -> tuple[Row, ...]:
        return tuple(item for item in self.items if isinstance(item, Row))

    @property
    def unchanged(self) -> int:
        return sum(item.count for item in self.items if isinstance(item, Gap))


def comparative_table(old: Sequence[Unit], new: Sequence[Unit]) -> ComparativeTable:
    """Rows for the provisions that differ between two revisions' units (see the module docstring)."""
    old_by_id = {u.pid: u for u in old}
    old_position = {u.pid: i for i, u in enumerate(old)}
    new_ids = {u.pid for u in new}
    items: list[Row | Gap] = []
    unchanged = 0
    emitted_old: set[str] = set()
    cursor = 0  # old units before this index are placed

    def flush_gap() -> None:
        nonlocal unchanged
        if unchanged:
            items.append(Gap(unchanged))
            unchanged = 0

    def removed_until(stop: int) -> None:
        nonlocal cursor
        for unit in old[cursor:stop]:
            if unit.pid not in new_ids and unit.pid not in emitted_old:
                flush_gap()
                items.append(_removed(unit))
                emitted_old.add(unit.pid)
        cursor = max(cursor, stop)

    for unit in new:
        before = old_by_id.get(unit.pid)
        if before is None:
            flush_gap()
            items.append(_added(unit))
            continue
        # A paragraph moved up keeps its place in the new order; removals are placed by the old one.
        removed_until(old_position[unit.pid])
        cursor = max(cursor, old_position[unit.pid] + 1)
        row = _compare(before, unit)
        if row is None:
            unchanged += 1
        else:
            flush_gap()
            items.append(row)
    removed_until(len(old))
    flush_gap()
    return ComparativeTable(tuple(items))


def _wording(unit: Unit) -> str:
    return plain_text(unit.source)


def _compare(old: Unit, new: Unit) -> Row | None:
    a, b = _wording(old), _wording(new)
    if a == b:
        return None
    ops = word_diff(a, b)
    return Row(
        new.pid,
        "changed",
        old.label,
        new.label,
        tuple(Segment(_KIND[op], text) for op, text in ops if op != INSERT),
        tuple(Segment(_KIND[op], text) for op, text in ops if op != DELETE),
        old.kind == "heading",
        new.kind == "heading",
    )


def _added(unit: Unit) -> Row:
    return Row(
        unit.pid,
        "added",
        None,
        unit.label,
        (),
        (Segment("insert", _wording(unit)),),
        new_is_heading=unit.kind == "heading",
    )


def _removed(unit: Unit) -> Row:
    return Row(
        unit.pid,
        "removed",
        unit.label,
        None,
        (Segment("delete", _wording(unit)),),
        (),
        old_is_heading=unit.kind == "heading",
    )


_KIND = {EQUAL: "equal", DELETE: "delete", INSERT: "insert"}
