"""Paragraph alignment of a word diff for side-by-side views and summaries.

Works from the word diff alone: the equal ops tell how much text each old
paragraph shares with each new one. Walking the ops in order visits those
(old, new) pairs in non-decreasing order of both indexes, so the best
order-preserving pairing is a cheap dynamic programme over that sequence.
"""

from __future__ import annotations

from dataclasses import dataclass

from .blocks import paragraph_body

__all__ = ["PAIR_THRESHOLD", "Row", "Segment", "align_rows"]

# Share of the longer paragraph that must be unchanged text to show the two
# as one edited paragraph rather than one removed and one added.
PAIR_THRESHOLD = 0.5


@dataclass(frozen=True)
class Segment:
    """A run of text in a diff view; ``kind`` is 'equal', 'insert' or 'delete'."""

    kind: str
    text: str


@dataclass(frozen=True)
class Row:
    """One line of a side-by-side view.

    ``left_index``/``right_index`` index ``split_paragraphs`` of the old/new
    text (None for the missing side); an empty side means the paragraph was
    added (empty left) or removed (empty right).
    """

    left: tuple[Segment, ...]
    right: tuple[Segment, ...]
    changed: bool
    left_index: int | None
    right_index: int | None


@dataclass(frozen=True)
class _Span:
    start: int
    body_end: int
    end: int


def _spans(paragraphs: list[str]) -> list[_Span]:
    spans, pos = [], 0
    for p in paragraphs:
        spans.append(_Span(pos, pos + len(paragraph_body(p)), pos + len(p)))
        pos += len(p)
    return spans


def align_rows(ops: list[tuple[int, str]], old: list[str], new: list[str]) -> list[Row]:
    """Return side-by-side rows for ``ops`` between paragraph lists ``old`` and ``new``."""
    sa, sb = _spans(old), _spans(new)
    left = _side_segments([(op, t) for op, t in ops if op <= 0], sa)
    right = _side_segments([(op, t) for op, t in ops if op >= 0], sb)
    pairs = _best_pairs(_shared(ops, sa, sb), sa, sb)
    rows = _rows(pairs, left, right)
    return [r for r in rows if r.left or r.right]


def _side_segments(ops: list[tuple[int, str]], spans: list[_Span]) -> list[list[Segment]]:
    """Cut one side's ops at paragraph bodies; separators are dropped."""
    out: list[list[Segment]] = [[] for _ in spans]
    pos, first = 0, 0
    for op, text in ops:
        end = pos + len(text)
        while first < len(spans) and spans[first].end <= pos:
            first += 1
        k = first
        while k < len(spans) and spans[k].start < end:
            lo, hi = max(pos, spans[k].start), min(end, spans[k].body_end)
            if lo < hi:
                _append(
                    out[k],
                    Segment(("delete", "equal", "insert")[op + 1], text[lo - pos : hi - pos]),
                )
            k += 1
        pos = end
    return out


def _append(segments: list[Segment], seg: Segment) -> None:
    if segments and segments[-1].kind == seg.kind:
        segments[-1] = Segment(seg.kind, segments[-1].text + seg.text)
    else:
        segments.append(seg)


def _shared(ops, sa: list[_Span], sb: list[_Span]) -> dict[tuple[int, int], int]:
    """Unchanged body characters shared by each (old, new) paragraph pair, in walk order."""
    shared: dict[tuple[int, int], int] = {}
    pa = pb = ia = ib = 0
    for op, text in ops:
        if op == 0:
            left, xa, xb = len(text), pa, pb
            while left:
                while sa[ia].end <= xa:
                    ia += 1
                while sb[ib].end <= xb:
                    ib += 1
                step = min(left, sa[ia].end - xa, sb[ib].end - xb)
                body = min(_overlap(xa, step, sa[ia]), _overlap(xb, step, sb[ib]))
                shared[ia, ib] = shared.get((ia, ib), 0) + body
                xa, xb, left = xa + step, xb + step, left - step
        pa += len(text) if op <= 0 else 0
        pb += len(text) if op >= 0 else 0
    return shared


def _overlap(start: int, length: int, span: _Span) -> int:
    return max(0, min(start + length, span.body_end) - max(start, span.start))


def _best_pairs(shared, sa: list[_Span], sb: list[_Span]) -> list[tuple[int, int]]:
    """Order-preserving pairing maximising total similarity (weighted chain DP)."""
    cands = []
    for (i, j), n in shared.items():  # dict order is walk order: monotone in i and j
        longest = max(sa[i].body_end - sa[i].start, sb[j].body_end - sb[j].start)
        sim = n / longest if longest else 1.0
        if sim >= PAIR_THRESHOLD:
            cands.append((i, j, sim))
    score: list[float] = []
    prev: list[int | None] = []
    best_upto: list[int | None] = [None]  # best_upto[k]: best chain end among cands[:k]
    for c, (i, j, sim) in enumerate(cands):
        k = c
        while k and (cands[k - 1][0] >= i or cands[k - 1][1] >= j):
            k -= 1
        p = best_upto[k]
        prev.append(p)
        score.append(sim + (score[p] if p is not None else 0.0))
        b = best_upto[c]
        best_upto.append(c if b is None or score[c] > score[b] else b)
    chain = []
    node = best_upto[-1]
    while node is not None:
        chain.append(cands[node][:2])
        node = prev[node]
    return chain[::-1]


def _rows(pairs, left: list[list[Segment]], right: list[list[Segment]]) -> list[Row]:
    rows: list[Row] = []
    i = j = 0
    for pi, pj in [*pairs, (len(left), len(right))]:
        rows.extend(Row(tuple(left[k]), (), True, k, None) for k in range(i, pi))
        rows.extend(Row((), tuple(right[k]), True, None, k) for k in range(j, pj))
        if pi < len(left):
            segs = left[pi] + right[pj]
            changed = any(s.kind != "equal" for s in segs)
            rows.append(Row(tuple(left[pi]), tuple(right[pj]), changed, pi, pj))
        i, j = pi + 1, pj + 1
    return rows
