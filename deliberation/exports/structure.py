"""A text's units as the exports see them: headings, numbered points, paragraphs, as lines of runs.

Every export walks the same units the site shows (``text.paragraphs.split_units`` with the stored
paragraph ids), so a point is "3" in the DOCX, the Akoma Ntoso and the plain text exactly when it
is "3" on the resolution's page: numbers are computed per revision (``number_points``), never the
digits the author typed. Inline markup comes from markdown-it's tokens with the same rules as the
site's renderer: raw HTML is text, and links keep only http, https, mailto and local targets.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token

from ..text.paragraphs import Paragraph, number_points, point_marker, split_units
from ..text.units import unit_kind

__all__ = ["Line", "Run", "Unit", "line_text", "lines_of", "units_of"]

_ALLOWED_LINKS = ("http:", "https:", "mailto:", "#", "/")


class _Markdown(MarkdownIt):
    def validateLink(self, url: str) -> bool:  # noqa: N802 (markdown-it's name)
        # The site's allow-list (text/markdown.py): an export must not turn into a javascript: link.
        return url.strip().lower().startswith(_ALLOWED_LINKS)


_MD = _Markdown("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")


@dataclass(frozen=True)
class Run:
    """A stretch of text with one formatting; ``href`` is set inside a link."""

    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    href: str | None = None


@dataclass(frozen=True)
class Line:
    """One printed paragraph of a unit: a bullet or numbered item inside it has a ``marker``
    ("–", "a.") and a nesting ``depth`` (1 for a list at the unit's top level)."""

    runs: tuple[Run, ...]
    marker: str = ""
    depth: int = 0
    is_code: bool = False
    #: A table row's cells (its ``runs`` are the cells joined by " | ", for formats without tables).
    cells: tuple[tuple[Run, ...], ...] = ()
    is_header: bool = False


@dataclass(frozen=True)
class Unit:
    """A paragraph unit with its stable id.

    ``kind`` is "heading", "point", "paragraph", "list", "table", "quote" or "other"; ``label``
    is a point's number ("3", "2.1") and ``depth`` its level (1 for "3", 2 for "2.1");
    ``level`` is a heading's level (1 for "#"). ``source`` is the unit's Markdown, a point's
    without its list marker.
    """

    pid: str
    kind: str
    source: str
    label: str | None = None
    depth: int = 0
    level: int = 0

    @property
    def lines(self) -> tuple[Line, ...]:
        return lines_of(self.source)

    @property
    def text(self) -> str:
        """The unit as plain text, lines joined by newlines (no marker for a point)."""
        return "\n".join(line_text(line) for line in self.lines)


def units_of(text: str, paragraph_ids: Sequence[str] = ()) -> list[Unit]:
    """The units of ``text``; ids from ``paragraph_ids`` when they fit, else "1", "2", ..."""
    raw = split_units(text)
    ids = list(paragraph_ids) if len(paragraph_ids) == len(raw) else [str(i) for i in range(1, len(raw) + 1)]
    paragraphs = [Paragraph(pid, unit) for pid, unit in zip(ids, raw, strict=True)]
    labels = number_points(paragraphs)
    units = []
    for p in paragraphs:
        marker = point_marker(p.text)
        if marker is not None:
            depth = marker.rstrip(".)").count(".") + 1
            units.append(Unit(p.pid, "point", _item_body(p.text, marker), labels[p.pid], depth))
            continue
        tokens = _MD.parse(p.text)
        kind = unit_kind(tokens)
        level = int(tokens[0].tag[1]) if kind == "heading" else 0
        units.append(Unit(p.pid, kind, p.text, level=level))
    return units


def _item_body(text: str, marker: str) -> str:
    """A point's text without its marker, continuation lines de-indented as CommonMark reads them."""
    first, *rest = text[len(marker) :].split("\n")
    width = len(marker) + max(1, min(4, len(first) - len(first.lstrip(" "))))
    lines = [first.strip()]
    for line in rest:
        indent = len(line) - len(line.lstrip(" "))
        lines.append(line[min(indent, width) :])
    return "\n".join(lines)


def lines_of(source: str) -> tuple[Line, ...]:
    """The printed lines of one unit's Markdown, each a tuple of formatted runs."""
    tokens = _MD.parse(source)
    lines: list[Line] = []
    lists: list[list] = []  # [ordered?, next number] per open list
    pending_marker = ""
    row: list[tuple[Run, ...]] | None = None
    in_head = False
    for tok in tokens:
        if tok.type in ("bullet_list_open", "ordered_list_open"):
            start = int(tok.attrGet("start") or 1) if tok.type == "ordered_list_open" else 0
            lists.append([tok.type == "ordered_list_open", start])
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif tok.type == "list_item_open":
            ordered, number = lists[-1]
            pending_marker = f"{number}." if ordered else "–"
            lists[-1][1] += 1
        elif tok.type in ("thead_open", "thead_close"):
            in_head = tok.type == "thead_open"
        elif tok.type == "tr_open":
            row = []
        elif tok.type == "tr_close" and row is not None:
            joined: list[Run] = []
            for k, cell in enumerate(row):
                joined += ([Run(" | ")] if k else []) + list(cell)
            lines.append(Line(tuple(joined), cells=tuple(row), is_header=in_head))
            row = None
        elif tok.type == "inline" and row is not None:
            row.append(_runs(tok.children or []))
        elif tok.type == "inline":
            lines.append(Line(_runs(tok.children or []), marker=pending_marker, depth=len(lists)))
            pending_marker = ""
        elif tok.type in ("fence", "code_block"):
            for code_line in tok.content.rstrip("\n").split("\n"):
                lines.append(Line((Run(code_line, code=True),), depth=len(lists), is_code=True))
    return tuple(lines)


def _runs(children: list[Token]) -> tuple[Run, ...]:
    runs: list[Run] = []
    bold = italic = 0
    href: str | None = None
    for tok in children:
        if tok.type == "strong_open":
            bold += 1
        elif tok.type == "strong_close":
            bold -= 1
        elif tok.type == "em_open":
            italic += 1
        elif tok.type == "em_close":
            italic -= 1
        elif tok.type == "link_open":
            href = str(tok.attrGet("href") or "")
        elif tok.type == "link_close":
            href = None
        elif tok.type in ("text", "html_inline"):
            _add(runs, Run(tok.content, bool(bold), bool(italic), False, href))
        elif tok.type == "code_inline":
            _add(runs, Run(tok.content, bool(bold), bool(italic), True, href))
        elif tok.type == "image":  # never an image in an export: its alt text, as on the site
            _add(runs, Run("".join(c.content for c in tok.children or []), bool(bold), bool(italic), False, href))
        elif tok.type == "softbreak":
            _add(runs, Run(" ", bool(bold), bool(italic), False, href))
        elif tok.type == "hardbreak":
            _add(runs, Run("\n", bool(bold), bool(italic), False, href))
    return tuple(runs)


def _add(runs: list[Run], run: Run) -> None:
    if not run.text:
        return
    last = runs[-1] if runs else None
    if last is not None and _style(last) == _style(run):
        runs[-1] = Run(last.text + run.text, run.bold, run.italic, run.code, run.href)
    else:
        runs.append(run)


def _style(run: Run) -> tuple:
    return run.bold, run.italic, run.code, run.href


def line_text(line: Line) -> str:
    return "".join(run.text for run in line.runs)
