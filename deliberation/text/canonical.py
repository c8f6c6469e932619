"""Canonical form of stored text, so a diff never shows a change nobody made.

Browsers, editors and operating systems disagree about line endings, Unicode
composition and trailing spaces. If two revisions differ only in those, a
reader would see phantom edits; normalising before storing removes them.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["APOSTROPHE", "normalize", "normalize_apostrophes"]

# U+02BC MODIFIER LETTER APOSTROPHE is the letter the Ukrainian orthography
# (2019) recommends; it is also a word character for regular expressions.
APOSTROPHE = "\u02bc"

_APOSTROPHES = str.maketrans({"'": APOSTROPHE, "\u2019": APOSTROPHE, "`": APOSTROPHE})
_BLANK_RUN = re.compile(r"\n{3,}")


def normalize(text: str) -> str:
    """Return the canonical stored form of ``text``.

    - Unicode NFC, so "ї" typed as "і" + combining diaeresis equals the precomposed letter;
    - CRLF and lone CR become LF;
    - trailing whitespace is removed from every line;
    - any run of two or more blank lines becomes one blank line (a blank line is
      the paragraph separator, more of them carry no meaning);
    - leading and trailing blank lines are removed, and the result has **no**
      trailing newline, so ``normalize`` is idempotent and concatenation-free
      comparisons work.

    Leading indentation of lines is kept: Markdown gives it meaning.
    """
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    text = _BLANK_RUN.sub("\n\n", text)
    return text.strip("\n")


def normalize_apostrophes(s: str) -> str:
    """Map ' ’ ʼ ` to one apostrophe (U+02BC) for search keys and anchor matching.

    People type the Ukrainian apostrophe with whatever their keyboard offers;
    comparing words must not depend on that. Stored text keeps what the author
    typed, so use this only on derived keys.
    """
    return s.translate(_APOSTROPHES)
