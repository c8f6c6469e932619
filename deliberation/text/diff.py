"""Word diffs that never split a word, plus views and patches built on them.

Ops are diff-match-patch tuples ``(op, text)`` with ``op`` -1 (delete),
0 (equal) or 1 (insert); joining the equal and delete texts gives the old
text, joining equal and insert texts gives the new one.

Algorithm: diff paragraphs first (each paragraph body encoded as one char;
separators are compared apart, so the last paragraph, which has none, still
matches itself once a paragraph is appended), then diff word tokens only
inside the runs of changed paragraphs, then ``diff_cleanupSemantic`` on the
token-encoded strings so the cleanup merges whole tokens and can never cut
through a word.

Determinism: diffs are exact (``Diff_Timeout = 0``: minimal, reproducible,
which cached diffs and merges rely on). Changed paragraph runs are small, so
that is cheap. Only if one call needs more than ``DIFF_BUDGET_S`` seconds (two
long, unrelated texts) does dmp stop refining; the rest is then reported as
deleted and inserted, still a correct edit script.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from dataclasses import dataclass

from ._encode import Codec, deadline_after, diff_units, make_dmp
from ._rows import Row, Segment, align_rows
from .blocks import paragraph_body, split_paragraphs
from .tokens import is_word, tokenize

__all__ = [
    "DELETE", "DIFF_BUDGET_S", "EQUAL", "INSERT",
    "DiffSummary", "Op", "PatchError", "Row", "Segment",
    "apply_patch_text", "diff_summary", "inline_segments", "make_patch_text",
    "render_inline_html", "rows_of", "side_by_side", "source_text", "split_paragraphs",
    "summary_of", "target_text", "word_diff",
]  # fmt: skip

DELETE, EQUAL, INSERT = -1, 0, 1
Op = tuple[int, str]

DIFF_BUDGET_S = 1.0

_KIND = {EQUAL: "equal", INSERT: "insert", DELETE: "delete"}


def word_diff(a: str, b: str) -> list[Op]:
    """Return word-level ops turning ``a`` into ``b``; op boundaries are token boundaries."""
    deadline = deadline_after(DIFF_BUDGET_S)
    ops: list[Op] = []
    for same, old, new in _paragraph_regions(a, b, deadline):
        if same:
            ops.append((EQUAL, "".join(old)))
        elif len(old) == len(new):
            # As many paragraphs on each side: edited in place, so each pair is diffed on its own
            # and only its changed middle is tokenised.
            for before, after in zip(old, new, strict=True):
                ops.extend(_token_diff(before, after, deadline))
        else:
            ops.extend(_token_diff("".join(old), "".join(new), deadline))
    return _coalesce(ops)


def source_text(ops: list[Op]) -> str:
    """The old text of a diff (equal + delete)."""
    return "".join(text for op, text in ops if op != INSERT)


def target_text(ops: list[Op]) -> str:
    """The new text of a diff (equal + insert)."""
    return "".join(text for op, text in ops if op != DELETE)


def _paragraph_regions(a: str, b: str, deadline: float) -> Iterator[tuple[bool, list[str], list[str]]]:
    """Yield (unchanged?, old pieces, new pieces) runs: equal paragraphs, and changed ones between them.

    Paragraphs are aligned on their bodies alone; a paragraph whose
    separator changed (the former last paragraph now followed by another)
    is still equal, and only its separator joins the changed run.
    """
    sa, sb = _slots(a), _slots(b)
    old: list[str] = []
    new: list[str] = []
    i = j = 0
    for op, chars in diff_units([x for x, _ in sa], [y for y, _ in sb], Codec(), deadline):
        if op == DELETE:
            old += [body + sep for body, sep in sa[i : i + len(chars)]]
        elif op == INSERT:
            new += [body + sep for body, sep in sb[j : j + len(chars)]]
        for k in range(len(chars) if op == EQUAL else 0):
            (body, sep_a), sep_b = sa[i + k], sb[j + k][1]
            if old or new:
                yield False, old, new
                old, new = [], []
            yield True, [body], [body]
            if sep_a == sep_b:
                yield True, [sep_a], [sep_b]
            else:
                old, new = [sep_a], [sep_b]
        i += len(chars) if op != INSERT else 0
        j += len(chars) if op != DELETE else 0
    if old or new:
        yield False, old, new


def _slots(text: str) -> list[tuple[str, str]]:
    """(body, separator) of each paragraph."""
    out = []
    for p in split_paragraphs(text):
        body = paragraph_body(p)
        out.append((body, p[len(body) :]))
    return out


def _token_diff(old: str, new: str, deadline: float) -> list[Op]:
    """Diff two texts token by token, with semantic cleanup at token granularity.

    The common head and tail are set aside first, cut just after a whitespace run (always a token
    boundary in both texts), so only the changed middle is tokenised: a paragraph with one changed word
    costs a few tokens, not all of them.
    """
    head, tail = _common_edges(old, new)
    if head or tail:
        middle = _token_diff_core(old[head : len(old) - tail], new[head : len(new) - tail], deadline)
        return [*([(EQUAL, old[:head])] if head else []), *middle, *([(EQUAL, old[len(old) - tail :])] if tail else [])]
    return _token_diff_core(old, new, deadline)


def _common_edges(old: str, new: str) -> tuple[int, int]:
    """Lengths of the common head and tail, each ending/starting where a whitespace run starts."""
    limit = min(len(old), len(new))
    head = _common_prefix(old, new, limit)
    # A cut is safe where both texts have a space then a non-space: a whitespace run ends there and a
    # token starts, in either text (cutting at the run's end keeps "word " with its space, as the
    # whole-text diff would).
    cut = head - 1
    while cut > 0 and not _token_starts(old, cut):
        cut -= 1
    head = max(cut, 0)
    tail = _common_suffix(old, new, limit - head)
    start = len(old) - tail + 1  # old[start - 1] and old[start] both lie in the common tail
    while start < len(old) and not _token_starts(old, start):
        start += 1
    tail = len(old) - start if start < len(old) else 0
    return head, tail


def _common_prefix(a: str, b: str, limit: int) -> int:
    """Length of the common prefix, by bisection on slice comparisons (C speed, not a Python loop)."""
    low, high = 0, limit
    while low < high:
        mid = (low + high + 1) // 2
        if a[low:mid] == b[low:mid]:
            low = mid
        else:
            high = mid - 1
    return low


def _common_suffix(a: str, b: str, limit: int) -> int:
    low, high = 0, limit
    while low < high:
        mid = (low + high + 1) // 2
        if a[len(a) - mid : len(a) - low] == b[len(b) - mid : len(b) - low]:
            low = mid
        else:
            high = mid - 1
    return low


def _token_starts(text: str, i: int) -> bool:
    return text[i - 1].isspace() and not text[i].isspace()


def _token_diff_core(old: str, new: str, deadline: float) -> list[Op]:
    if not old or not new:
        return [(DELETE, old)] if old else ([(INSERT, new)] if new else [])
    codec = Codec()
    ca, cb = codec.encode(tokenize(old)), codec.encode(tokenize(new))
    dmp = make_dmp()
    ops = dmp.diff_main(ca, cb, False, deadline)
    dmp.diff_cleanupSemantic(ops)
    return [(op, codec.decode(chars)) for op, chars in ops]


def _coalesce(ops: list[Op]) -> list[Op]:
    """Merge neighbouring ops of one kind and drop empty ones."""
    runs: list[tuple[int, list[str]]] = []  # join once: repeated "+" would be quadratic
    for op, text in ops:
        if not text:
            continue
        if runs and runs[-1][0] == op:
            runs[-1][1].append(text)
        else:
            runs.append((op, [text]))
    return [(op, "".join(parts)) for op, parts in runs]


# --- Views ----------------------------------------------------------------


def inline_segments(ops: list[Op]) -> list[Segment]:
    """Return the diff as segments of kind 'equal', 'insert' or 'delete', neighbours merged."""
    return [Segment(_KIND[op], text) for op, text in _coalesce(ops)]


def render_inline_html(ops: list[Op], *, ins_label: str, del_label: str, label_lang: str = "") -> str:
    """Render ops as escaped HTML with <ins>/<del>, each led by a visually hidden label.

    The labels ("added:", "removed:" in the reader's language) are parameters
    because colour and strike-through alone mean nothing to a screen reader;
    translating them is the template's job. ``label_lang`` marks them with the
    reader's language, since the text around them is in the document's. Line breaks are kept as they are:
    the surrounding element is expected to use ``white-space: pre-wrap``.
    """
    parts = []
    for seg in inline_segments(ops):
        text = html.escape(seg.text)
        if seg.kind == "equal":
            parts.append(text)
        else:
            tag, label = ("ins", ins_label) if seg.kind == "insert" else ("del", del_label)
            lang = f' lang="{html.escape(label_lang)}"' if label_lang else ""
            hidden = f'<span class="visually-hidden"{lang}>{html.escape(label)}</span>'
            parts.append(f"<{tag}>{hidden}{text}</{tag}>")
    return "".join(parts)


def side_by_side(a: str, b: str) -> list[Row]:
    """Align paragraphs of ``a`` and ``b`` into rows for a two-column view (see :func:`rows_of`)."""
    return rows_of(word_diff(a, b))


def rows_of(ops: list[Op]) -> list[Row]:
    """Align the paragraphs of a diff's two texts into rows for a two-column view.

    A row pairs an old paragraph with the new one it became (word-level
    segments on both sides); a removed paragraph has an empty right side, an
    added one an empty left side. Paragraph separators are not shown. Built
    from the ops, so a page that already has them never diffs again.
    """
    return align_rows(ops, split_paragraphs(source_text(ops)), split_paragraphs(target_text(ops)))


@dataclass(frozen=True)
class DiffSummary:
    """Counts for a revision list: how much changed between two texts."""

    words_added: int
    words_removed: int
    paragraphs_touched: int
    paragraphs_added: int
    paragraphs_removed: int


def diff_summary(a: str, b: str) -> DiffSummary:
    """Count added/removed words and touched/added/removed paragraphs from ``a`` to ``b``."""
    ops = word_diff(a, b)
    return summary_of(ops, rows_of(ops))


def summary_of(ops: list[Op], rows: list[Row]) -> DiffSummary:
    """The counts of :func:`diff_summary` from a diff's ops and their :func:`rows_of`, computed once
    by the caller because a page that shows the summary usually shows the rows too."""
    return DiffSummary(
        words_added=_count_words(ops, INSERT),
        words_removed=_count_words(ops, DELETE),
        paragraphs_touched=sum(1 for r in rows if r.changed and r.left and r.right),
        paragraphs_added=sum(1 for r in rows if not r.left),
        paragraphs_removed=sum(1 for r in rows if not r.right),
    )


def _count_words(ops: list[Op], kind: int) -> int:
    # Ops never split tokens, so tokenising an op's text alone is exact.
    return sum(sum(map(is_word, tokenize(text))) for op, text in ops if op == kind)


# --- Patches ----------------------------------------------------------------


class PatchError(ValueError):
    """A patch does not apply exactly to the text it was given."""


def make_patch_text(a: str, b: str) -> str:
    """Return a dmp patch text (``patch_toText``) turning ``a`` into ``b``, word-aligned."""
    dmp = make_dmp()
    return dmp.patch_toText(dmp.patch_make(a, word_diff(a, b)))


def apply_patch_text(patch_text: str, a: str) -> str:
    """Apply a patch made by :func:`make_patch_text` to exactly the text it was made from.

    Unlike dmp's ``patch_apply`` this never lands a hunk at a "similar" place:
    every hunk must find its context exactly where the patch says, or
    :class:`PatchError` is raised. To carry an edit over to a text that has
    changed meanwhile, use :func:`deliberation.text.merge.merge3`.
    """
    text = a
    for patch in make_dmp().patch_fromText(patch_text):
        old = source_text(patch.diffs)
        # dmp patches have a rolling context: start2 is the position in the
        # text with all earlier patches already applied, i.e. in ``text``.
        loc = patch.start2
        if text[loc : loc + len(old)] != old:
            raise PatchError(f"hunk at {loc} does not match the text")
        text = text[:loc] + target_text(patch.diffs) + text[loc + len(old) :]
    return text
