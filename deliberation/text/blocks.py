"""Splitting text into paragraphs (the units of diffs, ids and anchors).

Representation: ``split_paragraphs`` returns a list of strings whose
concatenation is exactly the input. Each element is one paragraph **followed
by its separator** (the whitespace after it), like ``diff_linesToChars`` keeps
the "\\n" on each line; only the last element may lack a separator.

A separator is a maximal run of whitespace that either contains a blank line
(two or more "\\n") or contains a "\\n" and is followed by an ordered-list
marker ("3. ", "4) ", "2.1. "). The second rule makes every numbered point of
a council decision its own paragraph, so each point gets its own id and a
change to one point never drags its neighbours into the diff.

Because separators are whole whitespace runs, paragraph boundaries are always
token boundaries (see :mod:`.tokens`).
"""

from __future__ import annotations

import re

__all__ = ["ITEM_MARKER_RE", "paragraph_body", "split_paragraphs"]

# Markdown ordered-list marker at the start of a line; "2.1." nests a sub-point.
ITEM_MARKER_RE = re.compile(r"\d{1,9}(?:\.\d{1,9})*[.)](?=\s|\Z)")
# Whitespace runs that contain a newline; the leftmost match of a run spans it all.
_NEWLINE_RUN = re.compile(r"\s*\n\s*")


def split_paragraphs(text: str) -> list[str]:
    """Return paragraphs with their trailing separators; ``"".join`` gives ``text`` back.

    The empty text has no paragraphs (``[]``).
    """
    parts: list[str] = []
    start = 0
    for m in _NEWLINE_RUN.finditer(text):
        if _is_separator(text, m):
            parts.append(text[start : m.end()])
            start = m.end()
    if start < len(text):
        parts.append(text[start:])
    return parts


def paragraph_body(paragraph: str) -> str:
    """Return a paragraph without its trailing separator whitespace."""
    return paragraph.rstrip()


def _is_separator(text: str, m: re.Match[str]) -> bool:
    return m.group().count("\n") >= 2 or ITEM_MARKER_RE.match(text, m.end()) is not None
