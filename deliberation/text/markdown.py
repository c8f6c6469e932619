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
  budget are shown as typed (escaped text), which is cheap and loses no word.

A text rendered unit by unit, for pages that permalink each unit, is in :mod:`.units`.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

__all__ = [
    "MAX_NESTING",
    "PARSE_BUDGET",
    "parse_cost",
    "plain_text",
    "render",
    "slugify",
]

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
# markdown-it's core rules in order, split after "block": the rules that build the blocks (and read
# link reference definitions), then those that parse inline content and post-process.
_CORE_RULES = [(rule.name, rule.fn) for rule in _MD.core.ruler.__rules__ if rule.enabled]
_SPLIT = [name for name, _ in _CORE_RULES].index("block") + 1
_BLOCK_RULES = [fn for _, fn in _CORE_RULES[:_SPLIT]]
_AFTER_BLOCK_RULES = [fn for _, fn in _CORE_RULES[_SPLIT:]]


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


def render_excerpt(text: str) -> str:
    """Render a short text that shares its page with others (a report, a practice): headings two
    levels below the page's title and without ids, so many on one page never repeat an id."""
    if parse_cost(text) > PARSE_BUDGET:
        return _as_typed(text)
    return _MD.render(text, {_EXCERPT: True})


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
