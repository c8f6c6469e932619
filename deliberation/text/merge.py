"""Three-way merge of word tokens, the diff3 way, never losing anyone's words.

Each side's edit is the word diff base→side (see :func:`.diff.word_diff`:
paragraphs first, then tokens, so edits never split a word) turned into
hunks: a base range ``[start, end)`` in characters, always on token
boundaries, and its replacement text. Hunks of the two sides that overlap or
touch (including two insertions at one point) form a group; a group in which
both sides produce the same text is taken once, otherwise it is a conflict
and nothing of either side is applied there.

Touching hunks conflict, as in diff3 and git: if one side deleted "про
обʼєкт" and the other appended "і більше" right after it, applying both would
keep the addition while removing the words it refers to. A single unchanged
token between two edits (usually a space) is enough to keep them apart.

dmp's ``patch_apply`` is deliberately not used: it lands hunks at fuzzy
positions and reports only a boolean per hunk.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .diff import DELETE, EQUAL, Op, word_diff

__all__ = ["Chunk", "Conflict", "Custom", "MergeResult", "merge3", "resolve"]

MINE, THEIRS = 0, 1


@dataclass(frozen=True)
class Conflict:
    """Both sides changed the same base passage differently.

    ``base_start``/``base_end`` locate the passage in the base text (characters).
    """

    index: int
    base_text: str
    mine_text: str
    theirs_text: str
    base_start: int
    base_end: int


@dataclass(frozen=True)
class Chunk:
    """A piece of the merged text: ``kind`` 'stable' (``text``) or 'conflict' (``conflict``)."""

    kind: str
    text: str = ""
    conflict: Conflict | None = None


@dataclass(frozen=True)
class MergeResult:
    """``text`` is the merged text when ``clean``, else None; ``chunks`` always cover it all."""

    text: str | None
    clean: bool
    conflicts: list[Conflict] = field(default_factory=list)
    chunks: list[Chunk] = field(default_factory=list)


@dataclass(frozen=True)
class Custom:
    """Custom text chosen for a conflict (use it if the text could read as 'mine' etc.)."""

    text: str


@dataclass(frozen=True)
class _Hunk:
    start: int
    end: int
    text: str
    side: int


def merge3(base: str, mine: str, theirs: str) -> MergeResult:
    """Merge two independent edits of ``base``; see the module docstring."""
    if mine == theirs or theirs == base:
        return _clean(mine)
    if mine == base:
        return _clean(theirs)
    hunks = _hunks(word_diff(base, mine), MINE) + _hunks(word_diff(base, theirs), THEIRS)
    hunks.sort(key=lambda h: (h.start, h.end, h.side))
    return _assemble(base, _groups(hunks))


def _clean(text: str) -> MergeResult:
    return MergeResult(text, True, [], [Chunk("stable", text)] if text else [])


def _hunks(ops: list[Op], side: int) -> list[_Hunk]:
    """Turn ops into change hunks over base character ranges."""
    hunks: list[_Hunk] = []
    pos, start, repl = 0, None, []
    for op, text in [*ops, (EQUAL, "")]:
        if op == EQUAL:
            if start is not None:
                hunks.append(_Hunk(start, pos, "".join(repl), side))
                start, repl = None, []
            pos += len(text)
            continue
        start = pos if start is None else start
        if op == DELETE:
            pos += len(text)
        else:
            repl.append(text)
    return hunks


def _groups(hunks: list[_Hunk]) -> list[list[_Hunk]]:
    """Group hunks whose base ranges overlap or touch (hunks arrive sorted by start).

    One side's own hunks never touch: dmp separates them by a non-empty equality.
    """
    groups: list[list[_Hunk]] = []
    hi = -1
    for h in hunks:
        if groups and h.start <= hi:
            groups[-1].append(h)
            hi = max(hi, h.end)
        else:
            groups.append([h])
            hi = h.end
    return groups


def _side_text(base: str, group: list[_Hunk], side: int, lo: int, hi: int) -> str:
    """The group's base passage ``[lo, hi)`` as ``side`` edited it."""
    out, pos = [], lo
    for h in group:
        if h.side == side:
            out += [base[pos : h.start], h.text]
            pos = h.end
    out.append(base[pos:hi])
    return "".join(out)


def _assemble(base: str, groups: list[list[_Hunk]]) -> MergeResult:
    chunks: list[Chunk] = []
    conflicts: list[Conflict] = []
    pos = 0
    for group in groups:
        lo, hi = group[0].start, max(h.end for h in group)
        _stable(chunks, base[pos:lo])
        mine = _side_text(base, group, MINE, lo, hi)
        theirs = _side_text(base, group, THEIRS, lo, hi)
        sides = {h.side for h in group}
        if len(sides) == 1 or mine == theirs:
            _stable(chunks, mine if MINE in sides else theirs)
        else:
            c = Conflict(len(conflicts), base[lo:hi], mine, theirs, lo, hi)
            conflicts.append(c)
            chunks.append(Chunk("conflict", conflict=c))
        pos = hi
    _stable(chunks, base[pos:])
    text = None if conflicts else "".join(c.text for c in chunks)
    return MergeResult(text, not conflicts, conflicts, chunks)


def _stable(chunks: list[Chunk], text: str) -> None:
    if not text:
        return
    if chunks and chunks[-1].kind == "stable":
        chunks[-1] = Chunk("stable", chunks[-1].text + text)
    else:
        chunks.append(Chunk("stable", text))


def resolve(chunks: list[Chunk], choices: Mapping[int, str | Custom]) -> str:
    """Build the final text, taking for conflict ``i`` the choice ``choices[i]``.

    A choice is 'mine', 'theirs', 'both' (mine then theirs), 'base', a
    :class:`Custom` or any other string, which is used as custom text.
    Raises ValueError if a conflict has no choice: silently picking one would
    drop someone's words.
    """
    parts = []
    for chunk in chunks:
        if chunk.conflict is None:
            parts.append(chunk.text)
            continue
        if chunk.conflict.index not in choices:
            raise ValueError(f"no choice for conflict {chunk.conflict.index}")
        parts.append(_chosen(chunk.conflict, choices[chunk.conflict.index]))
    return "".join(parts)


def _chosen(c: Conflict, choice: str | Custom) -> str:
    if isinstance(choice, Custom):
        return choice.text
    named = {"mine": c.mine_text, "theirs": c.theirs_text, "base": c.base_text}
    if choice == "both":
        return _join_both(c.mine_text, c.theirs_text)
    return named.get(choice, choice)


def _join_both(mine: str, theirs: str) -> str:
    """Concatenate both versions, adding a space only where words would fuse."""
    if not mine or not theirs or mine[-1].isspace() or theirs[0].isspace():
        return mine + theirs
    return f"{mine} {theirs}"
