"""Applying an amendment's change to the text it was written against.

An amendment names a paragraph by its stable id and, inside it, a passage by character offsets
in that paragraph's text (a whole paragraph when no passage was selected). Applying it yields the
base text as the amendment would have it; rebasing onto a newer text is a three-way merge of that
with the newer text (``merge.merge3``), so an amendment never overwrites later edits.
"""

from __future__ import annotations

from collections.abc import Sequence

from .blocks import paragraph_body, split_paragraphs
from .canonical import normalize
from .paragraphs import Paragraph

__all__ = ["AmendError", "apply_change", "unit_spans"]


class AmendError(ValueError):
    """The change does not fit the text it claims to be written against."""


def unit_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets in ``text`` of each unit of ``paragraphs.split_units``, in order."""
    spans, offset = [], 0
    for chunk in split_paragraphs(text):
        body = paragraph_body(chunk)
        stripped = body.strip()
        if stripped:
            start = offset + body.index(stripped)
            spans.append((start, start + len(stripped)))
        offset += len(chunk)
    return spans


def apply_change(
    text: str,
    paragraphs: Sequence[Paragraph],
    *,
    kind: str,
    pid: str | None,
    start: int | None,
    end: int | None,
    proposed: str,
) -> str:
    """The text with the change applied.

    ``kind`` is "replace" (the passage becomes ``proposed``), "delete" (the passage goes),
    "insert" (``proposed`` becomes a new paragraph after the paragraph) or "whole" (``proposed``
    is the new text). Without ``start``/``end`` the passage is the whole paragraph.
    """
    if kind == "whole":
        return normalize(proposed)
    spans = unit_spans(text)
    index = next((i for i, p in enumerate(paragraphs) if p.pid == pid), None)
    if index is None or len(spans) != len(paragraphs):
        raise AmendError("the paragraph is not in this text")
    unit_start, unit_end = spans[index]
    unit = text[unit_start:unit_end]
    lo, hi = (0, len(unit)) if start is None or end is None else (start, end)
    if not 0 <= lo <= hi <= len(unit):
        raise AmendError("the passage is outside the paragraph")
    if kind == "insert":
        return normalize(text[:unit_end] + "\n\n" + proposed.strip() + text[unit_end:])
    if kind == "replace":
        return normalize(text[: unit_start + lo] + proposed.strip() + text[unit_start + hi :])
    if kind == "delete":
        return normalize(text[: unit_start + lo] + text[unit_start + hi :])
    raise AmendError(f"unknown kind of change: {kind}")
