"""A resolution as Markdown (the stored text under a header) and as wrapped plain text."""

from __future__ import annotations

import re
import textwrap

from ..i18n import gettext
from ..text.markdown import plain_text
from .source import ResolutionSource
from .structure import Unit

__all__ = ["WIDTH", "resolution_markdown", "resolution_text"]

#: Plain text is wrapped to this many characters, what a terminal or an e-mail shows unbroken.
WIDTH = 76

# Characters that would start markup inside a header value (a title may contain "*" or "[").
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def _md(value: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", value)


def _header_facts(source: ResolutionSource) -> list[tuple[str, str, bool]]:
    """(label, value, is it code) for the header of both formats."""
    return [
        (gettext("Title"), source.title, False),
        (gettext("Kind"), source.kind_label(), False),
        (gettext("Adopted"), source.date_label(), False),
        (gettext("Forum"), source.forum["title"], False),
        (gettext("The vote"), source.result_words() + " " + "; ".join(source.rule_words()) + ".", False),
        (gettext("SHA-256 hash"), source.hash, True),
    ]


def resolution_markdown(source: ResolutionSource) -> str:
    """A header block (number, title, date, forum, vote) and a rule, then the text exactly as stored."""
    lines = [f"**{_md(source.heading())}**", ""]
    for label, value, is_code in _header_facts(source):
        shown = f"`{value}`" if is_code else _md(value)
        lines.append(f"- **{_md(label)}:** {shown}")
    # A blank line before "---" keeps it a thematic break rather than a setext heading underline.
    lines += ["", "---", "", source.text.rstrip("\n"), ""]
    return "\n".join(lines)


def resolution_text(source: ResolutionSource, *, width: int = WIDTH) -> str:
    """The header as "Label: value" lines, then the text without markup, wrapped to ``width``.

    Points carry the number the site shows ("3."), the lines after the first indented under it;
    headings are underlined; table rows and code are never re-wrapped.
    """
    out = [source.heading(), "=" * len(source.heading()), ""]
    for label, value, _ in _header_facts(source):
        out += _wrap(f"{label}: {value}", width, indent="    ")
    out += ["", "-" * width, ""]
    for unit in source.units:
        out += _unit_lines(unit, width)
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _unit_lines(unit: Unit, width: int) -> list[str]:
    if unit.kind == "heading":
        heading = unit.text
        return [heading, ("=" if unit.level == 1 else "-") * min(len(heading), width)]
    if unit.kind == "point":
        prefix = f"{unit.label}. "
        indent = " " * (len(prefix) + 3 * (unit.depth - 1))
        body = plain_text(unit.source).split("\n")
        lines = _wrap(indent[: -len(prefix)] + prefix + body[0], width, indent=indent) if body else []
        for rest in body[1:]:
            lines += _wrap(indent + rest, width, indent=indent + _marker_indent(rest)) if rest else [""]
        return lines
    lines = []
    for line in plain_text(unit.source).split("\n"):
        lines += _wrap(line, width, indent=_marker_indent(line)) if line else [""]
    return lines


def _marker_indent(line: str) -> str:
    """Continuation lines of a list item line up under its text: "- …", "12. …"."""
    match = re.match(r"\s*(?:[-*+]|\d{1,9}[.)])\s+", line)
    if match:
        return " " * len(match.group())
    leading = re.match(r"\s*", line)
    assert leading is not None  # \s* matches at the start of any string
    return leading.group()


def _wrap(line: str, width: int, *, indent: str) -> list[str]:
    if "\t" in line:  # a table row: cells are separated by tabs and must stay on one line
        return [line]
    # Never break inside "будь-який" or a long address: hyphens and long words stay whole.
    return textwrap.wrap(
        line,
        width=width,
        subsequent_indent=indent,
        break_on_hyphens=False,
        break_long_words=False,
        drop_whitespace=True,
    ) or [line]
