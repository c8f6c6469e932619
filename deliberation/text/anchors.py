"""Comment anchors in the manner of the W3C Web Annotation TextQuoteSelector.

An anchor stores the exact quote, up to ``CONTEXT`` characters before and
after it (taken from the same paragraph), the paragraph id and the offset.
Store the revision id next to it. Re-anchoring on a newer revision tries, in
order, and stops at the first success:

1. ``exact``: the quote in the same paragraph (several occurrences: the one
   whose surrounding text best matches the stored context, then the nearest
   to the old offset);
2. ``moved``: the quote in another paragraph, only if it occurs exactly once
   in the whole text;
3. ``fuzzy``: dmp ``match_main`` in the same paragraph, seeded by the quote's
   head and tail and by the context, accepted only if the found passage is
   at least ``MIN_SIMILARITY`` similar to the quote (Levenshtein);
4. otherwise ``outdated``: the UI shows the original quote. Never guess.

If the quote began or ended at a word boundary, a match must too, so a
comment on "бюджет" never lands inside "бюджету" by the exact rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ._encode import deadline_after, make_dmp
from .paragraphs import Paragraph

__all__ = ["CONTEXT", "MIN_SIMILARITY", "Anchor", "AnchorResult", "make_anchor", "reanchor"]

CONTEXT = 32
MIN_SIMILARITY = 0.8
MATCH_THRESHOLD = 0.3
# An exact diff of a long quote against unrelated text is slow; past this
# budget dmp reports it as wholly different, so the match is rejected.
DIFF_BUDGET_S = 0.5
# match_bitap handles patterns of at most Match_MaxBits (32) characters.
_MAX_BITS = 32


@dataclass(frozen=True)
class Anchor:
    """A quote in paragraph ``pid`` at offset ``start``, with its context."""

    pid: str
    exact: str
    prefix: str
    suffix: str
    start: int


@dataclass(frozen=True)
class AnchorResult:
    """Where an anchor lands: status 'exact' | 'moved' | 'fuzzy' | 'outdated'.

    ``pid``, ``start`` and ``end`` are None when outdated.
    """

    status: str
    pid: str | None = None
    start: int | None = None
    end: int | None = None


def make_anchor(paragraphs: Sequence[Paragraph], pid: str, start: int, end: int) -> Anchor:
    """Anchor the passage ``[start, end)`` of paragraph ``pid``."""
    text = _text_of(paragraphs, pid)
    if text is None:
        raise KeyError(pid)
    if not 0 <= start < end <= len(text):
        raise ValueError(f"bad range [{start}, {end}) for a paragraph of {len(text)} characters")
    prefix = text[max(0, start - CONTEXT) : start]
    return Anchor(pid, text[start:end], prefix, text[end : end + CONTEXT], start)


def reanchor(anchor: Anchor, paragraphs: Sequence[Paragraph]) -> AnchorResult:
    """Find ``anchor`` in a newer revision's ``paragraphs``; see the module docstring."""
    own = _text_of(paragraphs, anchor.pid)
    if own is not None:
        found = _best_exact(anchor, own)
        if found is not None:
            return AnchorResult("exact", anchor.pid, found, found + len(anchor.exact))
    elsewhere = [(p.pid, s) for p in paragraphs for s in _occurrences(anchor, p.text)]
    if len(elsewhere) == 1:
        pid, s = elsewhere[0]
        return AnchorResult("moved", pid, s, s + len(anchor.exact))
    if own is not None:
        span = _fuzzy(anchor, own)
        if span is not None:
            return AnchorResult("fuzzy", anchor.pid, *span)
    return AnchorResult("outdated")


def _text_of(paragraphs: Sequence[Paragraph], pid: str) -> str | None:
    return next((p.text for p in paragraphs if p.pid == pid), None)


# --- Exact stages -------------------------------------------------------------


def _is_wordy(ch: str) -> bool:
    return ch.isalnum() or ch in "'\u2019\u02bc-\u2011"


def _inside_word(text: str, i: int) -> bool:
    """True if position ``i`` of ``text`` lies between two word characters."""
    return 0 < i < len(text) and _is_wordy(text[i - 1]) and _is_wordy(text[i])


def _boundaries(anchor: Anchor) -> tuple[bool, bool]:
    """Did the quote start / end at a word boundary when it was made?"""
    q = anchor.exact
    at_start = not (anchor.prefix and _is_wordy(anchor.prefix[-1]) and _is_wordy(q[0]))
    at_end = not (anchor.suffix and _is_wordy(q[-1]) and _is_wordy(anchor.suffix[0]))
    return at_start, at_end


def _fits(anchor: Anchor, text: str, start: int, end: int) -> bool:
    at_start, at_end = _boundaries(anchor)
    return not (at_start and _inside_word(text, start)) and not (at_end and _inside_word(text, end))


def _occurrences(anchor: Anchor, text: str) -> list[int]:
    q, out = anchor.exact, []
    i = text.find(q)
    while i != -1:
        if _fits(anchor, text, i, i + len(q)):
            out.append(i)
        i = text.find(q, i + 1)
    return out


def _context_score(anchor: Anchor, text: str, start: int) -> int:
    """Characters of stored context that still surround the occurrence at ``start``."""
    before = text[max(0, start - len(anchor.prefix)) : start]
    after_at = start + len(anchor.exact)
    after = text[after_at : after_at + len(anchor.suffix)]
    return _common_suffix(anchor.prefix, before) + _common_prefix(anchor.suffix, after)


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _common_suffix(a: str, b: str) -> int:
    return _common_prefix(a[::-1], b[::-1])


def _best_exact(anchor: Anchor, text: str) -> int | None:
    found = _occurrences(anchor, text)
    if not found:
        return None
    return max(found, key=lambda s: (_context_score(anchor, text, s), -abs(s - anchor.start)))


# --- Fuzzy stage --------------------------------------------------------------


def _seeds(anchor: Anchor, text: str) -> set[int]:
    """Estimated quote starts from fuzzy matches of its head, tail and context."""
    dmp = make_dmp()
    dmp.Match_Threshold = MATCH_THRESHOLD
    q, loc, seeds = anchor.exact, anchor.start, set()

    def seed(pattern: str, expected: int, shift: int) -> None:
        if pattern:
            at = dmp.match_main(text, pattern, expected)
            if at != -1:
                seeds.add(at + shift)

    head, tail = q[:_MAX_BITS], q[-_MAX_BITS:]
    seed(head, loc, 0)
    seed(tail, loc + len(q) - len(tail), len(tail) - len(q))
    before, after = anchor.prefix[-_MAX_BITS:], anchor.suffix[:_MAX_BITS]
    seed(before, loc - len(before), len(before))
    seed(after, loc + len(q), -len(q))
    return seeds


def _fuzzy(anchor: Anchor, text: str) -> tuple[int, int] | None:
    """Best verified fuzzy span of the quote in ``text``, or None."""
    best = None
    for s in _seeds(anchor, text):
        span = _refine(anchor, text, s)
        if span is None:
            continue
        sim = _similarity(anchor.exact, text[span[0] : span[1]])
        if sim >= MIN_SIMILARITY:
            rank = (sim, -abs(span[0] - anchor.start))
            if best is None or rank > best[0]:
                best = (rank, span)
    return best[1] if best else None


def _refine(anchor: Anchor, text: str, seed: int) -> tuple[int, int] | None:
    """Align the quote with a window around ``seed``; return the matched span."""
    q = anchor.exact
    slack = len(q) // 4 + 4
    lo = max(0, seed - slack)
    window = text[lo : seed + len(q) + slack]
    dmp = make_dmp()
    ops = dmp.diff_main(q, window, False, deadline_after(DIFF_BUDGET_S))
    dmp.diff_cleanupSemantic(ops)
    start: int | None = None
    end = lo
    pos = lo
    for op, chunk in ops:
        if op == 0:
            start = pos if start is None else start
            end = pos + len(chunk)
        if op != -1:
            pos += len(chunk)
    if start is None:  # nothing in common at all
        return None
    return _snap(anchor, text, start, end)


def _snap(anchor: Anchor, text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a span to whole words where the original quote had word boundaries."""
    at_start, at_end = _boundaries(anchor)
    while at_start and _inside_word(text, start):
        start -= 1
    while at_end and _inside_word(text, end):
        end += 1
    return start, end


def _similarity(quote: str, found: str) -> float:
    dmp = make_dmp()
    ops = dmp.diff_main(quote, found, False, deadline_after(DIFF_BUDGET_S))
    distance = dmp.diff_levenshtein(ops)
    return 1.0 - distance / max(len(quote), 1)
