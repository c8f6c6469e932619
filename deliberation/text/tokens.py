"""Tokeniser for word diffs of Ukrainian text.

A token is one of: a word, a run of whitespace, or a single other character.
A word is a run of letters/digits in which inner apostrophes (' ’ ʼ) and
hyphens (- and U+2011) join the parts, so "обʼєкт", "з'їзд", "будь-який" and
"пам’ять" are one token each: splitting them would show half-words as changed.
An apostrophe or hyphen at either end of a word is a token of its own.
"""

from __future__ import annotations

import re

__all__ = ["WORD_RE", "is_word", "tokenize"]

# Letters and digits, but not "_" (Markdown emphasis must not glue to words)
# and not U+02BC: Python counts that apostrophe as a letter, yet it must behave
# exactly like ' and ’ so the three spellings of a word tokenise alike.
_LETTER = r"[^\W_\u02bc]"
# Combining marks (stress accents, Cyrillic titlo) are not \w but belong to
# the letter they follow.
_MARK = r"[\u0300-\u036f\u0483-\u0489]"
# Written as letter runs interleaved with mark runs (not an alternation per
# character): the same language, a third faster on long texts.
_STEM = rf"{_LETTER}+(?:{_MARK}+{_LETTER}*)*"
_JOINER = r"['\u2019\u02bc\-\u2011]"
_WORD = rf"{_STEM}(?:{_JOINER}{_STEM})*"

WORD_RE = re.compile(_WORD)
# The final "." with DOTALL makes the alternation total: every character
# belongs to exactly one token, which is what makes "".join(tokens) == text.
_TOKEN_RE = re.compile(rf"{_WORD}|\s+|.", re.DOTALL)


def tokenize(text: str) -> list[str]:
    """Split ``text`` into word, whitespace-run and single-character tokens.

    ``"".join(tokenize(text)) == text`` for every string.
    """
    return _TOKEN_RE.findall(text)


def is_word(token: str) -> bool:
    """True if ``token`` is a whole word in the sense of :func:`tokenize`."""
    return WORD_RE.fullmatch(token) is not None
