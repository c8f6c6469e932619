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
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from .paragraphs import Paragraph, point_marker

__all__ = ["RenderedUnit", "UnitKind", "plain_text", "render", "render_units", "slugify"]

UnitKind = Literal["heading", "point", "paragraph", "list", "table", "quote", "other"]

_ALLOWED_SCHEMES = ("http:", "https:", "mailto:")
_IDS = "heading_ids"  # env key: ids already used in the document being rendered
_SLUG_MAX = 80


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
    """Give headings unique slug ids and turn table alignment styles into classes."""
    used = state.env.setdefault(_IDS, set())
    tokens = state.tokens
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open":
            tok.attrSet("id", _unique(slugify(_inline_text(tokens[i + 1].children)), used))
        elif tok.type in ("th_open", "td_open") and "style" in tok.attrs:
            align = str(tok.attrs.pop("style")).removeprefix("text-align:")
            tok.attrSet("class", f"align-{align}")


def _make_md() -> MarkdownIt:
    md = _SafeMarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
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


def render(text: str) -> str:
    """Render a whole document to safe HTML."""
    return _MD.render(text, {})


def render_units(
    paragraphs: Sequence[Paragraph], *, point_labels: Mapping[str, str]
) -> list[RenderedUnit]:
    """Render each unit separately, for pages that wrap units in permalinked elements.

    Points (units starting with a list marker) lose the author's marker and
    its ``<ol>``; ``label`` carries the number to show, ``point_labels[pid]``
    (from ``number_points`` of this revision), so inserting a point renumbers
    the rest without anyone editing them. The page prints the label (it
    belongs next to the permalink, outside the body). Link reference
    definitions apply across units, as in the whole document; heading ids
    are unique across the list and never equal a unit wrapper id ``p-{pid}``.
    """
    env: dict[str, Any] = {_IDS: {f"p-{p.pid}" for p in paragraphs}}
    refs_env: dict[str, Any] = {_IDS: set()}  # scratch ids: this pass renders nothing
    for p in paragraphs:
        _MD.parse(p.text, refs_env)
    env["references"] = refs_env.get("references", {})
    return [_render_unit(p, point_labels, env) for p in paragraphs]


def _render_unit(
    p: Paragraph, point_labels: Mapping[str, str], env: MutableMapping
) -> RenderedUnit:
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
