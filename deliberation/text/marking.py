"""Marking the words that differ inside one unit rendered twice (old and new HTML from
:mod:`.markdown`): ``<ins>`` around added words, ``<del>`` with the removed words where they stood.

Only text is compared and marked, tags are never cut: an insertion that crosses a tag is closed
before it and opened again after it, and a removal never lands where text may not stand (directly
in a list or a table row). Each change starts with a visually hidden label ("added:", "removed:"),
given by the caller in the reader's language, since colour and strike-through mean nothing to a
screen reader. Used by :func:`.changes.render_changes`, and usable alone.

Pure: no database, no web framework. The HTML it marks is the renderer's own (escaped text, no raw
HTML from authors), which is what makes reading tags with a regular expression exact here.
"""

from __future__ import annotations

import html
import re

from ._encode import Codec, deadline_after, make_dmp
from .tokens import tokenize

__all__ = ["mark_changes"]

#: Time for the word diff of one unit, as for the units themselves in :mod:`.changes`.
DIFF_BUDGET_S = 1.0

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


def hidden_label(text: str, lang: str) -> str:
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
        self.passed_space = False  # a space was written while a removal waited
        self.spaces: list[str] = []  # spaces after an insertion's last word so far
        self.ins_label, self.del_label = ins_label, del_label
        self.in_ins = False

    def text_allowed(self) -> bool:
        return not self.open or self.open[-1] not in _NO_TEXT

    def flush(self) -> None:
        if self.pending and self.text_allowed():
            if self.passed_space and not self.pending[-1][-1].isspace():
                # The space that followed the removed words in the old text is already written,
                # before them: without one after them, the old text would read them joined to
                # the next word ("громада" + "громада").
                self.pending[-1] += " "
            self.out += [f"<del>{self.del_label}{html.escape(text, quote=False)}</del>" for text in self.pending]
            self.pending = []
        self.passed_space = False

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
            self.passed_space = self.passed_space or bool(self.pending)
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
            self.pending.append(text)


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
    writer = _Writer(hidden_label(ins_label, label_lang), hidden_label(del_label, label_lang))
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
    writer.open = []  # at the end, whatever is still open, a removal stands here
    writer.flush()
    return "".join(writer.out)
