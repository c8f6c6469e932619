"""Safe Markdown rendering for drafts: whole documents, single units, plain text.

Drafts are written by any member and read by the public, so the renderer is
locked down rather than sanitised afterwards:

- CommonMark plus tables, ``html=False``: raw HTML is shown as text, never
  passed through. Linkify and typographer are off: drafts are legal texts and
  must render exactly what was typed.
- Links: only ``http:``, ``https:``, ``mailto:`` and relative links starting
  with ``#`` or ``/`` (an allow-list; ``javascript:``, ``data:``,
  ``vbscript:``, ``file:`` and every other scheme stay plain text). "//host"
  passes as relative; browsers resolve it to http(s), which is allowed anyway.
- Images are never rendered; their alt text is shown instead. A draft is a
  legal text (an image is not part of it), and a remote image would report
  each reader's IP address to whoever hosts it.
- Table alignment becomes a class (``align-left|center|right``) instead of an
  inline ``style``: the site's CSP (``style-src 'self'``) blocks style attributes.
- Headings get ``id`` slugs (Ukrainian letters kept), unique per document.
- Cost is bounded, since anyone may save a text that is slow to parse (400,000 ``[``
  cost markdown-it 4 s; 130,000 one-letter paragraphs 7 s): nesting stops at
  ``MAX_NESTING`` and each document has a parse budget (``PARSE_BUDGET``, in
  ordinary characters, where a unit and each markup character cost more). Units past the
  budget are shown as typed (escaped text), which is cheap and loses no word. What
  ``render_units`` returns is kept per content hash in a small LRU bounded by bytes, so a
  revision is parsed once per process, not on every view.
"""

from __future__ import annotations

import hashlib
import html
import re
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from .paragraphs import Paragraph, number_points, point_marker, split_units

__all__ = [
    "MAX_NESTING",
    "PARSE_BUDGET",
    "RenderedUnit",
    "UnitKind",
    "parse_cost",
    "plain_text",
    "render",
    "render_text_units",
    "render_units",
    "slugify",
]

UnitKind = Literal["heading", "point", "paragraph", "list", "table", "quote", "other"]

_ALLOWED_SCHEMES = ("http:", "https:", "mailto:")
_IDS = "heading_ids"  # env key: ids already used in the document being rendered
_EXCERPT = "excerpt"  # env key: headings without ids, two levels below the page's title
_SLUG_MAX = 80

MAX_NESTING = 20  # blocks in blocks (quotes, lists) and inline in inline; deeper is text
# Measured on markdown-it-py 4: an ordinary character costs about 0.6 µs to parse, a unit about 50 µs
# more than its text, and some markup far more: a "[" that no "]" closes about 10 µs (the parser
# looks for its end), "![" and "](" without their ")" as much, "*" and "_" runs and table pipes
# 5 to 10 µs. The estimate counts those in ordinary characters; the budget is about 0.35 s of the
# slowest shapes, while an ordinary 400,000-character legal text with links, bold and numbered
# points stays well inside it (its cost is mostly its length).
PARSE_BUDGET = 600_000
_UNIT_COST = 80
_CHEAP_MARKUP = {"[": 4, "]": 4, "!": 4, "(": 4, "`": 4, "<": 4, "&": 4, "\\": 4, "~": 4}
_COSTLY_MARKUP = {"*": 16, "_": 16, "|": 16}
_UNCLOSED = 20
_CACHE_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class RenderedUnit:
    """One paragraph unit as HTML, to be wrapped by the page in ``id="p-{pid}"``.

    ``label`` is the presentation number of a point ("3", "2.1"), else None.
    """

    pid: str
    html: str
    label: str | None
    kind: UnitKind


class _SafeMarkdownIt(MarkdownIt):
    def validateLink(self, url: str) -> bool:  # noqa: N802 (markdown-it's name)
        """Allow-list, not markdown-it's block-list: unknown schemes are refused too."""
        url = url.strip().lower()
        return url.startswith(_ALLOWED_SCHEMES) or url.startswith(("#", "/"))


def _image_as_alt(self, tokens: Sequence[Token], idx: int, options, env) -> str:
    # Escaped here: renderInlineAsText returns raw text meant for an attribute.
    return html.escape(self.renderInlineAsText(tokens[idx].children, options, env), quote=False)


def _postprocess(state: StateCore) -> None:
    """Give headings unique slug ids, one level below the page's own, and turn table alignment
    styles into classes.

    A page shows a text under its title, the page's one <h1>; a text's "# Про …" is a heading
    inside it, so it becomes <h2> (and "##" <h3>, down to <h6>). An excerpt (a change, a preview)
    sits in a section of its page, so its headings go one level further down, and they get no id:
    the same passage may show twice on one page (the change and the whole text around it)."""
    used = state.env.setdefault(_IDS, set())
    excerpt = state.env.get(_EXCERPT, False)
    shift = 2 if excerpt else 1
    tokens = state.tokens
    for i, tok in enumerate(tokens):
        if tok.type in ("heading_open", "heading_close"):
            tok.tag = f"h{min(int(tok.tag[1]) + shift, 6)}"
        if tok.type == "heading_open" and not excerpt:
            tok.attrSet("id", _unique(slugify(_inline_text(tokens[i + 1].children)), used))
        elif tok.type in ("th_open", "td_open") and "style" in tok.attrs:
            align = str(tok.attrs.pop("style")).removeprefix("text-align:")
            tok.attrSet("class", f"align-{align}")


def _make_md() -> MarkdownIt:
    md = _SafeMarkdownIt(
        "commonmark", {"html": False, "linkify": False, "typographer": False, "maxNesting": MAX_NESTING}
    )
    md.enable("table")
    md.add_render_rule("image", _image_as_alt)
    md.core.ruler.push("deliberation_postprocess", _postprocess)
    return md


_MD = _make_md()


# --- Slugs ---------------------------------------------------------------------

# Apostrophes (incl. U+02BC, which Python counts as a letter) and "_" go, so
# "обʼєкт" and "об'єкт" give the same slug; other non-word characters too.
_SLUG_DROP = re.compile(r"[^\w\s-]|[_\u02bc]")
_SLUG_DASHES = re.compile(r"[\s-]+")


def slugify(text: str) -> str:
    """Heading text to an id: "Розділ 2. Бюджет" → "розділ-2-бюджет".

    Lowercase, punctuation dropped, whitespace runs become "-"; letters of any
    script are kept, so Ukrainian headings give readable, shareable links.
    """
    text = _SLUG_DROP.sub("", unicodedata.normalize("NFC", text).lower())
    slug = _SLUG_DASHES.sub("-", text).strip("-")[:_SLUG_MAX].rstrip("-")
    return slug or "h"  # a heading of only punctuation still needs an id


def _unique(slug: str, used: set[str]) -> str:
    candidate, n = slug, 1
    while candidate in used:
        n += 1
        candidate = f"{slug}-{n}"
    used.add(candidate)
    return candidate


# --- Rendering ----------------------------------------------------------------


def parse_cost(text: str) -> int:
    """What parsing ``text`` as one unit costs, in ordinary characters (see ``PARSE_BUDGET``)."""
    count = text.count
    cost = _UNIT_COST + len(text) + sum(w * count(c) for c, w in (*_CHEAP_MARKUP.items(), *_COSTLY_MARKUP.items()))
    cost += _UNCLOSED * (max(0, count("[") - count("]")) + count("![") + max(0, count("](") - count(")")))
    return 2 * cost if "]:" in text else cost  # a unit that may define a link reference is parsed twice


def _as_typed(text: str) -> str:
    """A unit past the budget: its text escaped, line breaks kept; cheap whatever its shape."""
    return '<p class="as-typed">' + html.escape(text, quote=False).replace("\n", "<br>\n") + "</p>\n"


def render(text: str) -> str:
    """Render a whole document to safe HTML (shown as typed if it is over the parse budget)."""
    if parse_cost(text) > PARSE_BUDGET:
        return _as_typed(text)
    return _MD.render(text, {})


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
        _CACHE.put(key, cached, sum(len(u.html) + len(u.pid) + 200 for u in cached))
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
    for p, ok in zip(paragraphs, parsed, strict=True):
        if ok and "]:" in p.text:  # only a unit with "]:" can define a link reference
            _MD.parse(p.text, refs_env)
    env["references"] = refs_env.get("references", {})
    return [
        _render_unit(p, point_labels, env) if ok else _unit_as_typed(p, point_labels)
        for p, ok in zip(paragraphs, parsed, strict=True)
    ]


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


class _BytesLRU:
    """Least recently used entries go first once their sizes add up past ``limit``; thread-safe."""

    def __init__(self, limit: int) -> None:
        self.limit, self.size = limit, 0
        self._entries: OrderedDict[bytes, tuple[object, int]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: bytes):
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._entries.move_to_end(key)
            return entry[0]

    def put(self, key: bytes, value: object, size: int) -> None:
        if size > self.limit // 4:  # one huge entry must not flush everything else
            return
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = (value, size)
            self.size += size
            while self.size > self.limit:
                _, (_, old) = self._entries.popitem(last=False)
                self.size -= old


_CACHE = _BytesLRU(_CACHE_BYTES)


def _render_unit(p: Paragraph, point_labels: Mapping[str, str], env: MutableMapping) -> RenderedUnit:
    marker = point_marker(p.text)
    if marker is None:
        tokens = _MD.parse(p.text, env)
        return RenderedUnit(p.pid, _render_tokens(tokens, env), None, _kind(tokens))
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


def _kind(tokens: list[Token]) -> UnitKind:
    return _KINDS.get(tokens[0].type, "other") if tokens else "other"


# --- Plain text -----------------------------------------------------------------


def _inline_text(children: list[Token] | None) -> str:
    """Text of inline tokens with markup dropped: link text without URL, image alt."""
    out = []
    for tok in children or []:
        if tok.type in ("text", "code_inline", "html_inline"):
            out.append(tok.content)
        elif tok.type == "image":
            out.append(_inline_text(tok.children))
        elif tok.type == "softbreak":
            out.append(" ")  # as a browser shows it
        elif tok.type == "hardbreak":
            out.append("\n")
    return "".join(out)


def plain_text(text: str) -> str:
    """Markdown to plain text for search, snippets and exports.

    Markup goes; blocks are separated by a blank line, except that items of a
    tight list and rows of a table stay on consecutive lines. Ordered list
    items keep their typed number ("3. "), bullets become "- ", nested items
    are indented, table cells are separated by tabs.
    """
    blocks: list[tuple[str, object]] = []  # (text, group): same group → "\n" between
    prefix: list[str] = []  # markers of list items whose first line is not out yet
    row: list[str] | None = None
    # Tables and top-level lists are numbered so two adjacent ones stay apart.
    table = lists = depth = 0
    if parse_cost(text) > PARSE_BUDGET:
        return text  # as typed: parsing it would cost more than any page may spend
    tokens = _MD.parse(text, {})
    for i, tok in enumerate(tokens):
        if tok.type in ("bullet_list_open", "ordered_list_open"):
            lists += depth == 0
            depth += 1
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
        elif tok.type == "list_item_open":
            indent = "" if prefix else "  " * (depth - 1)  # nested items stay nested
            prefix.append(indent + (f"{tok.info}{tok.markup} " if tok.info else "- "))
        elif tok.type == "list_item_close" and prefix:  # an empty item keeps its number
            blocks.append(("".join(prefix).rstrip(), ("list", lists)))
            prefix = []
        elif tok.type == "table_open":
            table += 1
        elif tok.type == "tr_open":
            row = []
        elif tok.type == "tr_close" and row is not None:
            blocks.append(("\t".join(row), ("table", table)))
            row = None
        elif tok.type == "inline" and row is not None:
            row.append(_inline_text(tok.children))
        elif tok.type == "inline":
            tight = tokens[i - 1].type == "paragraph_open" and tokens[i - 1].hidden
            content = "".join(prefix) + _inline_text(tok.children)
            blocks.append((content, ("list", lists) if tight else None))
            prefix = []
        elif tok.type in ("fence", "code_block"):
            blocks.append(("".join(prefix) + tok.content.rstrip("\n"), None))
            prefix = []
    out: list[str] = []
    for k, (block, group) in enumerate(blocks):
        if k:
            out.append("\n" if group is not None and group == blocks[k - 1][1] else "\n\n")
        out.append(block)
    return "".join(out)
