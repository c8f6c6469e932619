"""A change between two versions of a text, as readers read the text: rendered, with only the
paragraphs that changed and one paragraph on each side of them.

Three steps, each usable alone:

- :func:`pick_changes` aligns the units (paragraphs and points, see :mod:`.paragraphs`) of the old
  and the new text and picks the changed ones with ``context`` unchanged units around each run of
  changes; runs whose context meets become one excerpt. Identical units are aligned by a
  unit-level diff; inside a run of changed units, a run with as many units on each side is read as
  edited in place (as :func:`.diff.word_diff` reads it), otherwise units are paired by their words
  (multiset Jaccard of at least ``PAIR_THRESHOLD``, in order) and the rest are added or removed.
- :func:`mark_changes` takes one unit rendered twice (old and new HTML from :mod:`.markdown`) and
  marks the words that differ inside the new rendering: ``<ins>`` around added words, ``<del>``
  with the removed words where they stood. Only text is compared and marked, tags are never cut:
  an insertion that crosses a tag is closed before it and opened again after it, and a removal
  never lands where text may not stand (directly in a list or a table row). Each change starts
  with a visually hidden label ("added:", "removed:"), given by the caller in the reader's
  language, since colour and strike-through mean nothing to a screen reader.
- :func:`render_changes` does both over two unit lists and returns every row as HTML, for
  :func:`group_changes` to cut into excerpts (the page shows the excerpts and the whole text from
  one rendering).

Pure: no database, no web framework. The HTML it marks is the renderer's own (escaped text, no raw
HTML from authors), which is what makes reading tags with a regular expression exact here.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, Literal, Protocol, TypeVar

from ._encode import Codec, deadline_after, diff_units, make_dmp
from .blocks import paragraph_body, split_paragraphs
from .markdown import RenderedUnit, render_units
from .merge import Chunk, Conflict
from .paragraphs import Paragraph, number_points, point_marker
from .tokens import WORD_RE, tokenize

__all__ = [
    "PAIR_THRESHOLD", "Clash", "Excerpt", "Row", "RowKind", "ShownRow",
    "align_units", "clashes", "group_changes", "mark_changes", "pick_changes", "render_changes",
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


# --- Marking the words of one rendered unit ----------------------------------------------------

_TAG = re.compile(r"<[^>]*>")
_TAG_NAME = re.compile(r"</?([a-zA-Z0-9]+)")
_VOID = frozenset({"br", "hr", "img", "input", "wbr"})
#: Elements in which text may not stand: a removal waits until the next place where it may.
_NO_TEXT = frozenset({"ul", "ol", "table", "thead", "tbody", "tfoot", "tr"})


def _items(rendered: str) -> list[tuple[bool, str]]:
    """The HTML as (is a tag, piece): tags whole, text as word tokens, unescaped."""
    items: list[tuple[bool, str]] = []
    pos = 0
    for m in _TAG.finditer(rendered):
        if m.start() > pos:
            items += [(False, token) for token in tokenize(html.unescape(rendered[pos : m.start()]))]
        items.append((True, m.group()))
        pos = m.end()
    if pos < len(rendered):
        items += [(False, token) for token in tokenize(html.unescape(rendered[pos:]))]
    return items


def _label(text: str, lang: str) -> str:
    """The hidden words before a change, with a space after them (copied text and braille
    displays would otherwise join them to the first changed word)."""
    attr = f' lang="{html.escape(lang)}"' if lang else ""
    spaced = text if not text or text[-1].isspace() else text + " "
    return f'<span class="visually-hidden"{attr}>{html.escape(spaced)}</span>' if text else ""


class _Writer:
    """Writes the new rendering with marks, keeping track of where text may stand."""

    def __init__(self, ins_label: str, del_label: str) -> None:
        self.out: list[str] = []
        self.open: list[str] = []  # names of the elements open at this point
        self.pending: list[str] = []  # removals waiting for a place where text may stand
        self.spaces: list[str] = []  # spaces after an insertion's last word so far
        self.ins_label, self.del_label = ins_label, del_label
        self.in_ins = False

    def text_allowed(self) -> bool:
        return not self.open or self.open[-1] not in _NO_TEXT

    def flush(self) -> None:
        if self.pending and self.text_allowed():
            self.out += self.pending
            self.pending = []

    def tag(self, tag: str) -> None:
        self.close_ins()
        found = _TAG_NAME.match(tag)
        name = found.group(1).lower() if found else ""
        if tag.startswith("</"):
            self.flush()  # a removal at the end of an element stays inside it
            while self.open:
                if self.open.pop() == name:
                    break
        elif name not in _VOID and not tag.endswith("/>"):
            self.open.append(name)
        self.out.append(tag)

    def text(self, token: str, *, inserted: bool, first: bool) -> None:
        escaped = html.escape(token, quote=False)
        if token.isspace():
            # Spaces join an insertion only between its words: an underline does not run on past
            # its last word. Nor are the line breaks between blocks a place for a removal.
            (self.spaces if self.in_ins and inserted else self.out).append(escaped)
            return
        self.flush()
        if inserted and not self.in_ins:
            self.out.append("<ins>" + (self.ins_label if first else ""))
            self.in_ins = True
        elif not inserted:
            self.close_ins()
        self.out += self.spaces
        self.spaces = []
        self.out.append(escaped)

    def close_ins(self) -> None:
        if self.in_ins:
            self.out.append("</ins>")
            self.in_ins = False
        self.out += self.spaces
        self.spaces = []

    def removed(self, tokens: list[str]) -> None:
        self.close_ins()
        text = "".join(tokens)
        if text.strip():
            # Placed at the next text or closing tag, so that a paragraph removed before another
            # shows at the start of that one, and one removed at an element's end stays inside it.
            self.pending.append(f"<del>{self.del_label}{html.escape(text, quote=False)}</del>")


def mark_changes(old_html: str, new_html: str, *, ins_label: str, del_label: str, label_lang: str = "") -> str | None:
    """The new rendering with the words added since the old one in ``<ins>`` and the words removed
    in ``<del>``, where they stood; None when the two read the same word for word (a change of
    formatting only, which the caller shows some other way)."""
    old_items, new_items = _items(old_html), _items(new_html)
    old_words = [piece for is_tag, piece in old_items if not is_tag]
    new_words = [piece for is_tag, piece in new_items if not is_tag]
    codec = Codec()
    dmp = make_dmp()
    ops = dmp.diff_main(codec.encode(old_words), codec.encode(new_words), False, deadline_after(DIFF_BUDGET_S))
    dmp.diff_cleanupSemantic(ops)
    if all(op == 0 for op, _ in ops):
        return None
    writer = _Writer(_label(ins_label, label_lang), _label(del_label, label_lang))
    at_old = at_new = 0  # positions in old_words and in new_items
    for op, chars in ops:
        count = len(chars)
        if op == -1:
            writer.removed(old_words[at_old : at_old + count])
            at_old += count
            continue
        first = True
        while count:
            is_tag, piece = new_items[at_new]
            at_new += 1
            if is_tag:
                writer.tag(piece)
                continue
            writer.text(piece, inserted=op == 1, first=first)
            first = first and (piece.isspace() or op != 1)
            count -= 1
        writer.close_ins()
        at_old += len(chars) if op == 0 else 0
    for is_tag, piece in new_items[at_new:]:
        if is_tag:
            writer.tag(piece)
        else:
            writer.text(piece, inserted=False, first=False)
    writer.close_ins()
    writer.out += writer.pending
    return "".join(writer.out)


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
    ins, rem = _label(ins_label, label_lang), _label(del_label, label_lang)

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


# --- Passages in conflict, in whole paragraphs -------------------------------------------------


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
