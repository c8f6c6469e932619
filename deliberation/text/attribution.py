"""Who wrote what: each character's origin, carried from revision to revision.

Spans are ``(length, origin)`` pairs covering a text exactly, in order
(lengths sum to ``len(text)``); ``origin`` is an opaque int, in practice the
number of the revision that introduced the text. Spans are kept normal:
no empty spans, and neighbours with the same origin merged, so equal
attributions compare equal and storage stays small.

Carrying works from :func:`.diff.word_diff`, the same diff the revision views
show, so attribution never disagrees with what a reader sees as changed:
unchanged text keeps its origins, inserted text gets the new revision,
deleted text disappears. Because that diff never cuts a word, a retyped word
is attributed whole to whoever retyped it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .blocks import paragraph_body, split_paragraphs
from .diff import DELETE, INSERT, word_diff

__all__ = [
    "Span", "by_paragraph", "carry_spans", "compact", "expand", "initial_spans", "segments",
]  # fmt: skip

Span = tuple[int, int]  # (length, origin)


def _normal(spans: Iterable[Span]) -> list[Span]:
    """Drop empty spans and merge neighbours of equal origin."""
    out: list[Span] = []
    for length, origin in spans:
        if not length:
            continue
        if out and out[-1][1] == origin:
            out[-1] = (out[-1][0] + length, origin)
        else:
            out.append((length, origin))
    return out


def _check(text: str, spans: Sequence[Span]) -> None:
    # A mismatch means spans from another revision: fail loudly rather than
    # credit words to the wrong people.
    if any(length < 0 for length, _ in spans) or sum(n for n, _ in spans) != len(text):
        raise ValueError("spans do not cover the text exactly")


def initial_spans(text: str, origin: int) -> list[Span]:
    """Spans of a first revision: all of ``text`` from ``origin``."""
    return [(len(text), origin)] if text else []


def carry_spans(old_text: str, old_spans: Sequence[Span], new_text: str, new_origin: int) -> list[Span]:
    """Spans of ``new_text``, the revision ``new_origin`` made of ``old_text``."""
    _check(old_text, old_spans)
    out: list[Span] = []
    queue = list(reversed(_normal(old_spans)))  # pop() from the end: old spans in order
    for op, text in word_diff(old_text, new_text):
        if op == INSERT:
            out.append((len(text), new_origin))
            continue
        need = len(text)
        while need:  # consume old spans, splitting the last one if the op ends inside it
            length, origin = queue.pop()
            take = min(length, need)
            if op != DELETE:
                out.append((take, origin))
            if take < length:
                queue.append((length - take, origin))
            need -= take
    return _normal(out)


def segments(text: str, spans: Sequence[Span]) -> list[tuple[str, int]]:
    """Cut ``text`` by ``spans``: ``[(text, origin), ...]``."""
    _check(text, spans)
    out, pos = [], 0
    for length, origin in _normal(spans):
        out.append((text[pos : pos + length], origin))
        pos += length
    return out


def by_paragraph(text: str, spans: Sequence[Span]) -> list[list[tuple[str, int]]]:
    """Segments grouped per paragraph unit, separators dropped.

    Units are cut and stripped like :func:`.paragraphs.split_units` (empty
    ones skipped), so the result lines up one to one with a revision's
    :class:`~.paragraphs.Paragraph` list and a page can show attribution next
    to each paragraph.
    """
    _check(text, spans)
    ranges, pos = [], 0
    for p in split_paragraphs(text):
        body = paragraph_body(p)
        lead = len(body) - len(body.lstrip())
        if body.strip():
            ranges.append((pos + lead, pos + len(body)))
        pos += len(p)
    groups: list[list[tuple[str, int]]] = []
    starts = _starts(spans)
    k = 0
    for lo, hi in ranges:
        while starts[k][0] + starts[k][1] <= lo:  # skip spans ending before the unit
            k += 1
        group, j = [], k
        while j < len(starts) and starts[j][0] < hi:
            start, length, origin = starts[j]
            group.append((text[max(lo, start) : min(hi, start + length)], origin))
            j += 1
        groups.append(group)
    return groups


def _starts(spans: Sequence[Span]) -> list[tuple[int, int, int]]:
    """(start, length, origin) of each normal span."""
    out, pos = [], 0
    for length, origin in _normal(spans):
        out.append((pos, length, origin))
        pos += length
    return out


def compact(spans: Sequence[Span]) -> list[list[int]]:
    """JSON-friendly form for storage: ``[[length, origin], ...]``."""
    return [[length, origin] for length, origin in _normal(spans)]


def expand(data: Iterable[Sequence[int]]) -> list[Span]:
    """Inverse of :func:`compact`; rejects malformed data instead of guessing."""
    spans = []
    for item in data:
        length, origin = item  # ValueError unless exactly two
        if not (_is_int(length) and _is_int(origin)) or length < 0:
            raise ValueError(f"bad span: {item!r}")
        spans.append((length, origin))
    return _normal(spans)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
