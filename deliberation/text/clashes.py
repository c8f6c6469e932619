"""The conflicts of a three-way merge (:mod:`.merge`) in whole paragraphs, each way they could
read, for the page where a person chooses what to keep.

Apart from :mod:`.changes` (two versions compared) because a clash has three texts, base, mine and
theirs, and is cut along the paragraphs of the merged text. Pure: no database, no web framework.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .blocks import paragraph_body, split_paragraphs
from .merge import Chunk, Conflict

__all__ = ["Clash", "clashes"]


@dataclass(frozen=True)
class Clash:
    """A conflict of a three-way merge with the paragraphs around it, each way it could read.

    ``before`` is the agreed text between the previous clash's paragraphs and this one's (whole
    paragraphs); ``base``, ``mine`` and ``theirs`` are the paragraphs holding the clashing passage
    as they read before either change, with the first side's wording and with the second side's.
    """

    conflict: Conflict
    before: str
    base: str
    mine: str
    theirs: str


def clashes(chunks: Sequence[Chunk]) -> tuple[list[Clash], str]:
    """Each conflict of a merge in whole paragraphs, and the agreed text after the last one.

    A passage in conflict is often a few words inside a paragraph, and a few words cut out of a
    paragraph cannot be rendered as what they are (half a bold phrase, a point without its
    number). Paragraph limits are those of the merged text with each conflict read as its base
    text; two conflicts in one paragraph share it, each shown with the other's base wording.
    """
    merged: list[str] = []
    places: list[tuple[Conflict, int, int]] = []
    at = 0
    for chunk in chunks:
        piece = chunk.conflict.base_text if chunk.conflict is not None else chunk.text
        if chunk.conflict is not None:
            places.append((chunk.conflict, at, at + len(piece)))
        merged.append(piece)
        at += len(piece)
    text = "".join(merged)
    spans = _paragraph_spans(text)
    found: list[Clash] = []
    done = 0  # where the agreed text not yet shown starts
    for conflict, start, end in places:
        first, last = _paragraphs_around(spans, start, end)
        prefix, suffix = text[first:start], text[end:last]
        found.append(
            Clash(
                conflict,
                before=text[done:first] if first > done else "",
                base=prefix + conflict.base_text + suffix,
                mine=prefix + conflict.mine_text + suffix,
                theirs=prefix + conflict.theirs_text + suffix,
            )
        )
        done = max(done, last)
    return found, text[done:]


def _paragraph_spans(text: str) -> list[tuple[int, int]]:
    """(start, end of body) of each paragraph of ``text``, separators left out."""
    spans, at = [], 0
    for paragraph in split_paragraphs(text):
        spans.append((at, at + len(paragraph_body(paragraph))))
        at += len(paragraph)
    return spans


def _paragraphs_around(spans: list[tuple[int, int]], start: int, end: int) -> tuple[int, int]:
    """Start of the first and end of the last paragraph touching ``[start, end)``, its limits
    included: an insertion belongs to the paragraph it is in or ends, and a change of the space
    between two paragraphs to both."""
    touching = [(s, e) for s, e in spans if s <= end and start <= e]
    if not touching:
        return start, end
    return min(s for s, _ in touching), max(e for _, e in touching)
