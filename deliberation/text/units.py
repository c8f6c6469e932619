"""Rendering a text unit by unit, for pages that wrap each unit in a permalinked element
(``id="p-{pid}"``): points lose their typed marker and carry the number to show, link reference
definitions apply across units as in the whole document, and units past the parse budget of
:mod:`.markdown` are shown as typed.

What ``render_units`` returns is kept per content hash in a small LRU bounded by bytes, so a
revision is parsed once per process, not on every view. The parser, its safety rules and the
budget are those of :mod:`.markdown`.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from .lru import BytesLRU
from .markdown import _AFTER_BLOCK_RULES, _BLOCK_RULES, _EXCERPT, _IDS, _MD, PARSE_BUDGET, _as_typed, parse_cost
from .paragraphs import Paragraph, number_points, point_marker, split_units

__all__ = ["RenderedUnit", "UnitKind", "render_text_units", "render_units", "unit_kind"]

UnitKind = Literal["heading", "point", "paragraph", "list", "table", "quote", "other"]

_CACHE_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class RenderedUnit:
    """One paragraph unit as HTML, to be wrapped by the page in ``id="p-{pid}"``.

    ``label`` is the presentation number of a point ("3", "2.1"), else None.
    """

    pid: str
    html: str
    label: str | None
    kind: UnitKind


def render_units(
    paragraphs: Sequence[Paragraph], *, point_labels: Mapping[str, str], excerpt: bool = False
) -> list[RenderedUnit]:
    """Render each unit separately, for pages that wrap units in permalinked elements.

    Points (units starting with a list marker) lose the author's marker and
    its ``<ol>``; ``label`` carries the number to show, ``point_labels[pid]``
    (from ``number_points`` of this revision), so inserting a point renumbers
    the rest without anyone editing them. The page prints the label (it
    belongs next to the permalink, outside the body). Link reference
    definitions apply across units, as in the whole document; heading ids
    are unique across the list and never equal a unit wrapper id ``p-{pid}``.
    Units past the parse budget are shown as typed. The result is cached by content.

    ``excerpt`` is for units shown inside a section of a page rather than as the page's text (a
    change, a preview): their headings sit one level lower and carry no id.
    """
    key = _units_key(paragraphs, point_labels, excerpt)
    cached = _CACHE.get(key)
    if cached is None:
        cached = tuple(_render_units(paragraphs, point_labels, excerpt))
        # What the strings take in memory (two bytes a character for Cyrillic), and the unit around them.
        _CACHE.put(key, cached, sum(sys.getsizeof(u.html) + sys.getsizeof(u.pid) + 300 for u in cached))
    return list(cached)


def render_text_units(text: str, *, numbered: bool = True) -> list[RenderedUnit]:
    """A text that is no stored revision (what an editor is typing, a passage of a text) unit by
    unit as an excerpt. ``numbered`` numbers its points as the page of a whole text does; a passage
    keeps the numbers typed in it, since it does not start where the text starts."""
    paragraphs = [Paragraph(str(n), unit) for n, unit in enumerate(split_units(text))]
    return render_units(paragraphs, point_labels=number_points(paragraphs) if numbered else {}, excerpt=True)


def _render_units(
    paragraphs: Sequence[Paragraph], point_labels: Mapping[str, str], excerpt: bool
) -> list[RenderedUnit]:
    spent, parsed = 0, []
    for p in paragraphs:  # in order, so the budget is spent on the beginning of the text
        spent += parse_cost(p.text)
        parsed.append(spent <= PARSE_BUDGET)
    env: dict[str, Any] = {_IDS: {f"p-{p.pid}" for p in paragraphs}, _EXCERPT: excerpt}
    refs_env: dict[str, Any] = {_IDS: set()}  # scratch ids: this pass renders nothing
    blocks: dict[str, StateCore] = {}
    for p, ok in zip(paragraphs, parsed, strict=True):
        if ok and "]:" in p.text:  # only a unit with "]:" can define a link reference
            if point_marker(p.text) is None:
                # Its block structure is what the rendering parses too: keep it, so the unit is
                # split into blocks once, not once for the references and again to render.
                blocks[p.pid] = _parse_blocks(p.text, refs_env)
            else:
                _MD.parse(p.text, refs_env)
    env["references"] = refs_env.get("references", {})
    return [
        _render_unit(p, point_labels, env, blocks.get(p.pid)) if ok else _unit_as_typed(p, point_labels)
        for p, ok in zip(paragraphs, parsed, strict=True)
    ]


def _parse_blocks(text: str, env: MutableMapping) -> StateCore:
    """Parse ``text`` up to its blocks: link reference definitions land in ``env``, inline content
    waits (``_finish_parse``) until every unit's references are known."""
    state = StateCore(text, _MD, env)
    for rule in _BLOCK_RULES:
        rule(state)
    return state


def _finish_parse(state: StateCore, env: MutableMapping) -> list[Token]:
    state.env = env
    for rule in _AFTER_BLOCK_RULES:
        rule(state)
    return state.tokens


def _unit_as_typed(p: Paragraph, point_labels: Mapping[str, str]) -> RenderedUnit:
    marker = point_marker(p.text)
    if marker is None:
        return RenderedUnit(p.pid, _as_typed(p.text), None, "other")
    label = point_labels.get(p.pid) or marker[:-1]
    return RenderedUnit(p.pid, _as_typed(_item_body(p.text, marker)), label, "point")


def _units_key(paragraphs: Sequence[Paragraph], point_labels: Mapping[str, str], excerpt: bool) -> bytes:
    digest = hashlib.sha256(b"excerpt\0" if excerpt else b"")
    for p in paragraphs:
        for part in (p.pid, point_labels.get(p.pid) or "", p.text):
            digest.update(part.encode("utf-8", "surrogatepass"))
            digest.update(b"\0")
    return digest.digest()


_CACHE = BytesLRU(_CACHE_BYTES)


def _render_unit(
    p: Paragraph, point_labels: Mapping[str, str], env: MutableMapping, blocks: StateCore | None = None
) -> RenderedUnit:
    marker = point_marker(p.text)
    if marker is None:
        tokens = _MD.parse(p.text, env) if blocks is None else _finish_parse(blocks, env)
        return RenderedUnit(p.pid, _render_tokens(tokens, env), None, unit_kind(tokens))
    # The typed number only shows if the caller has no label (it should have one).
    label = point_labels.get(p.pid) or marker[:-1]
    body = _render_tokens(_MD.parse(_item_body(p.text, marker), env), env)
    return RenderedUnit(p.pid, body, label, "point")


def _item_body(text: str, marker: str) -> str:
    """A list item's content without its marker, continuation lines de-indented.

    Mirrors CommonMark's list item rule (content column = marker + 1..4
    spaces), so nested blocks such as a bullet list under a point still parse
    as blocks once the marker is gone.
    """
    first, *rest = text[len(marker) :].split("\n")
    gap = len(first) - len(first.lstrip(" "))
    width = len(marker) + (gap if 1 <= gap <= 4 else 1)
    lines = [first.lstrip()]
    for line in rest:
        indent = len(line) - len(line.lstrip(" "))
        lines.append(line[min(indent, width) :])
    return "\n".join(lines)


def _render_tokens(tokens: list[Token], env: MutableMapping) -> str:
    return _MD.renderer.render(tokens, _MD.options, env)


_KINDS: dict[str, UnitKind] = {
    "heading_open": "heading",
    "paragraph_open": "paragraph",
    "bullet_list_open": "list",
    "ordered_list_open": "list",
    "table_open": "table",
    "blockquote_open": "quote",
}


def unit_kind(tokens: list[Token]) -> UnitKind:
    """What a unit is, from the first token markdown-it parsed it into (the exports' structure
    reads units the same way)."""
    return _KINDS.get(tokens[0].type, "other") if tokens else "other"
