"""Folding and lemmatising Ukrainian text for search, and highlighting matches in the original.

Neither SQLite's FTS5 nor PostgreSQL's ``simple`` configuration knows Ukrainian morphology, so the
index holds a lemmatised copy of each text and queries are lemmatised the same way. A form can
belong to several words («молоді»: «молодь» and «молодий»), so the index holds every lemma a word
can have (``morphology.word_lemmas``), and a query word matches a text word when they share one:
each query word is an OR over its lemmas, and every query word must match. Before lemmatising, a
word is folded: NFC, casefolded, stress marks dropped, and every apostrophe spelling made one
character, so "обʼєкт", "об'єкт" and "Об’єкт" are the same word.

Words are the words of ``text.tokens`` (inner apostrophes and hyphens join the parts), found on a
copy of the text whose apostrophes were replaced one character for one, so a word's offsets are
its offsets in the original and ``highlight`` can mark the very words the author wrote.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from functools import lru_cache

from markupsafe import Markup, escape

from . import morphology
from .tokens import WORD_RE

__all__ = [
    "APOSTROPHE",
    "Highlighter",
    "fold",
    "highlight",
    "lemma_text",
    "lemmas",
    "query_lemmas",
    "query_terms",
    "query_word_lemmas",
    "word_lemmas",
]

#: The one apostrophe of folded text. U+02BC is a letter to Unicode (category Lm), so FTS5's
#: unicode61 tokenizer and PostgreSQL keep it inside a word, unlike ' and ’.
APOSTROPHE = "\u02bc"

# Every spelling of the apostrophe met in Ukrainian texts (typewriter, typographic, modifier
# letter, left quote and backtick from keyboards without one, acute and prime from word
# processors), and the non-breaking hyphen. One code point for one, so offsets never move.
_ONE_FOR_ONE = {
    "'": APOSTROPHE,
    "\u2019": APOSTROPHE,
    "\u2018": APOSTROPHE,
    "`": APOSTROPHE,
    "\u00b4": APOSTROPHE,
    "\u2032": APOSTROPHE,
    "\u02b9": APOSTROPHE,
    "\u02bb": APOSTROPHE,
    "\u2011": "-",
}
# Found by a regular expression, which skips the rest in C: str.translate with a table looks up
# every character of the text, some 25 times slower on a page of Cyrillic.
_OTHER_SPELLINGS = re.compile("[" + "".join(re.escape(c) for c in _ONE_FOR_ONE) + "]")


def _one_for_one(text: str) -> str:
    return _OTHER_SPELLINGS.sub(lambda m: _ONE_FOR_ONE[m.group()], text)


# Stress accents and other combining marks left over after NFC (й and ї compose and stay).
_MARKS = re.compile(r"[\u0300-\u036f\u0483-\u0489]")

#: Longer "words" (a pasted hash, a run of letters) are left out of the index: nobody searches
#: for them, and PostgreSQL refuses a lexeme over 2 KB.
MAX_WORD_CHARS = 120


def _scannable(text: str) -> str:
    """``text`` in NFC with one apostrophe; positions are those of ``unicodedata.normalize("NFC", text)``."""
    return _one_for_one(unicodedata.normalize("NFC", text))


def fold(text: str) -> str:
    """``text`` as matching sees it: NFC, casefolded, without stress marks, with one apostrophe."""
    folded = _MARKS.sub("", _scannable(text).casefold())
    return _one_for_one(unicodedata.normalize("NFC", folded))


def _words(text: str) -> Iterator[re.Match]:
    return WORD_RE.finditer(_scannable(text))


@lru_cache(maxsize=65536)
def word_lemmas(word: str) -> tuple[str, ...]:
    """Every lemma of a word (any case, any apostrophe), then those of its hyphenated parts: what
    the index holds for it. ``word_lemmas("молоді") == ("молодий", "молодь")``, and
    "соціально-економічний" is found by "економічний" too."""
    folded = fold(word)
    whole = morphology.word_lemmas(folded)
    if "-" not in folded:
        return whole
    parts = [found for part in folded.split("-") if part for found in morphology.word_lemmas(part)]
    return tuple(dict.fromkeys([*whole, *parts]))


def query_word_lemmas(word: str) -> tuple[str, ...]:
    """The lemmas one query word asks for, any of which matches (``morphology.query_word_lemmas``).

    A hyphenated word asks for the whole word only: its parts would find nothing more.
    """
    return morphology.query_word_lemmas(fold(word))


def _indexable(word: str) -> bool:
    return len(word) <= MAX_WORD_CHARS


def lemmas(text: str) -> list[str]:
    """Every word's lemmas in order (hyphenated words also give their parts'), repeats kept."""
    out: list[str] = []
    for match in _words(text):
        if _indexable(match.group()):
            out.extend(word_lemmas(match.group()))
    return out


def lemma_text(text: str) -> str:
    """The space-joined lemmas the index stores for ``text``."""
    return " ".join(lemmas(text))


def query_terms(q: str) -> list[tuple[str, ...]]:
    """What a query asks for: per distinct word, in order, the lemmas any of which may match; a
    text matches when every word does."""
    terms = (query_word_lemmas(m.group()) for m in _words(q) if _indexable(m.group()))
    return list(dict.fromkeys(terms))


def query_lemmas(q: str) -> list[str]:
    """Every lemma the query's words ask for, distinct, in order (for highlighting and for saying
    what was searched)."""
    return list(dict.fromkeys(lemma for term in query_terms(q) for lemma in term))


def _terms(wanted: Iterable[str | Iterable[str]]) -> list[frozenset[str]]:
    """Query terms from ``query_terms`` (tuples), or plain lemmas, each then a term of its own."""
    return [frozenset((item,) if isinstance(item, str) else item) for item in wanted]


_NONE: frozenset[int] = frozenset()

#: How much of a text a snippet reads at a time (then on to the next space). Smaller pieces leave
#: more of a text unread and cost more each: on the search bench's pages, pieces of 480 left a
#: quarter of the texts unread and made their snippets about a tenth cheaper; 120 and 960, less.
_PIECE_CHARS = 480
_SPACE = re.compile(r"\s")


def _hit(word: str, terms: list[frozenset[str]], wanted: frozenset[str]) -> frozenset[int]:
    """The indexes of the terms that ``word`` matches (empty if none); ``wanted`` is every term's
    lemmas, which most words of a text share none of."""
    if not _indexable(word):
        return _NONE
    found = word_lemmas(word)
    if wanted.isdisjoint(found):
        return _NONE
    return frozenset(i for i, term in enumerate(terms) if not term.isdisjoint(found))


def _best_start(found: list[tuple[int, int, frozenset[int]]], reach: int) -> int:
    """The index of the match that begins the window holding the most distinct query terms.

    The window slides: each match enters it once and leaves it once, so a long text with many
    matches costs in proportion to them, not to their square.
    """
    best, best_count = 0, -1
    counts: dict[int, int] = {}
    end = -1  # the window is found[i : end + 1]

    def enter(hits: frozenset[int]) -> None:
        for term in hits:
            counts[term] = counts.get(term, 0) + 1

    for i, (start, _, hits) in enumerate(found):
        if end < i:
            end = i
            enter(hits)
        while end + 1 < len(found) and found[end + 1][1] <= start + reach:
            end += 1
            enter(found[end][2])
        if len(counts) > best_count:
            best, best_count = i, len(counts)
        for term in hits:
            counts[term] -= 1
            if not counts[term]:
                del counts[term]
    return best


def _covers(found: list[tuple[int, int, frozenset[int]]], reach: int, count: int) -> bool:
    """Whether the matches ending with the last one, within ``reach``, match all ``count`` terms."""
    last_end, seen = found[-1][1], set[int]()
    for start, _, hits in reversed(found):
        if start < last_end - reach:
            break
        seen |= hits
    return len(seen) == count


def _snap_left(text: str, pos: int, floor: int) -> int:
    """Move ``pos`` left to the start of the word it falls in (never past ``floor``)."""
    while pos > floor and not text[pos - 1].isspace():
        pos -= 1
    return pos


def _snap_right(text: str, pos: int, ceiling: int) -> int:
    while pos < ceiling and not text[pos].isspace():
        pos += 1
    return pos


def highlight(original_text: str, lemmas: Iterable[str | Iterable[str]], *, max_chars: int = 240) -> Markup:
    """A short window of ``original_text`` around its first matches, the words that share a lemma
    with a query term wrapped in ``<mark>``, everything else escaped; "…" where text was cut.

    ``lemmas`` is ``query_terms(q)`` (each term a tuple of lemmas, any of which matches) or plain
    lemmas (each a term). The window starts a little before the match that begins the richest
    stretch (the most distinct terms within ``max_chars``); without a match it is the start of
    the text.
    """
    return Highlighter(lemmas, max_chars=max_chars)(original_text)


class _WordsByLemma:
    """Every run of text between spaces met so far, filed under the lemmas of its words, for the
    whole process.

    Which words of a text match a query is then a few set operations done in C: the text's runs
    (``str.split``, which no word crosses) less the known ones (a new run has its words found and
    their lemmas looked up, and is filed), and what is left against the runs filed under the
    query's lemmas. Only the few runs that match are then read word by word. Looking up each
    distinct word of a page's texts one by one, even in a cache, was most of what a search page
    spent on its snippets, and finding the words of every text with ``WORD_RE`` most of the rest.
    Bounded: past ``limit`` runs it starts afresh.
    """

    def __init__(self, limit: int = 100_000) -> None:
        self.limit = limit
        self.known: set[str] = set()
        self._by_lemma: dict[str, set[str]] = {}
        self._lock = threading.Lock()

    def learn(self, runs: Iterable[str]) -> None:
        with self._lock:
            if len(self.known) > self.limit:
                self.known, self._by_lemma = set(), {}
            for run in runs:
                for word in WORD_RE.findall(run):
                    if _indexable(word):
                        for lemma in word_lemmas(word):
                            self._by_lemma.setdefault(lemma, set()).add(run)
                # Known only once filed, so a reader never takes a run as known before it is.
                self.known.add(run)

    def having(self, lemmas: Iterable[str]) -> set[str]:
        found: set[str] = set()
        for lemma in lemmas:
            found.update(self._by_lemma.get(lemma, ()))
        return found


_WORDS = _WordsByLemma()


class _Matches:
    """The words of one text that match a query, found a piece of the text at a time, as far as
    the snippet asks: its window lies around the first stretch that holds every term, so once that
    stretch and the window after it are read, the rest of the text is never split or looked up. A
    piece ends at a space, so no word is cut."""

    def __init__(self, highlighter: Highlighter, scan: str) -> None:
        self._highlighter, self._scan = highlighter, scan
        #: ``scan[:read]`` has been read; ``spans`` are its matching words, in order.
        self.read = 0 if highlighter.terms else len(scan)
        self.spans: list[tuple[int, int, frozenset[int]]] = []

    def until(self, position: int) -> Iterator[tuple[int, int, frozenset[int]]]:
        """The matching words in order from the first, reading on while ``position`` is not read."""
        i = 0
        while True:
            while i == len(self.spans):
                if self.read >= min(position, len(self._scan)):
                    return
                self._read_piece()
            yield self.spans[i]
            i += 1

    def _read_piece(self) -> None:
        scan, start = self._scan, self.read
        space = _SPACE.search(scan, start + _PIECE_CHARS) if start + _PIECE_CHARS < len(scan) else None
        self.read = space.start() if space else len(scan)
        self.spans += self._highlighter.spans_between(scan, start, self.read)


class Highlighter:
    """``highlight`` for one query and many texts, such as a page of hits: each distinct word of
    the texts is looked up once, however many texts it is in."""

    def __init__(self, lemmas: Iterable[str | Iterable[str]], *, max_chars: int = 240) -> None:
        self.terms = _terms(lemmas)
        self.max_chars = max_chars
        self._wanted: frozenset[str] = frozenset().union(*self.terms)
        self._seen: dict[str, frozenset[int]] = {}
        self._runs: dict[str, list[tuple[int, int, frozenset[int]]]] = {}

    def __call__(self, original_text: str) -> Markup:
        max_chars = self.max_chars
        text = unicodedata.normalize("NFC", original_text)
        scan = _one_for_one(text)
        reach = max_chars * 3 // 4
        matches = _Matches(self, scan)
        found = self._found(matches.until(len(scan)), reach)
        if found:
            first = found[_best_start(found, reach)][0]
            start = _snap_left(text, max(0, first - max_chars // 5), max(0, first - max_chars // 3))
        else:
            start = 0
        # A word cut at the end would be half a word; a word longer than the window is cut anyway.
        end = min(len(text), start + max_chars)
        if end < len(text) and not text[end].isspace():
            snapped = _snap_right(text, end, min(len(text), end + 30))
            end = snapped if snapped < min(len(text), end + 30) else end
        while start < end and text[start].isspace():
            start += 1
        pieces: list[str] = []
        cursor = start
        # The text is read on only as far as the window goes.
        for m_start, m_end, _ in matches.until(end):
            if m_start < start:
                continue
            if m_start >= end:
                break
            cursor_end = min(m_end, end)
            pieces += (escape(text[cursor:m_start]), "<mark>", escape(text[m_start:cursor_end]), "</mark>")
            cursor = cursor_end
        pieces.append(escape(text[cursor:end]))
        # Runs of spaces become one space once for the whole window: a marked word holds no space,
        # so no run crosses a mark, and escaping leaves spaces alone. The window begins with no
        # space and drops those it ends with, so splitting at spaces and joining with one does it,
        # in C (a regular expression per piece of text cost more than the rest of the snippet).
        window = " ".join("".join(pieces).split())
        cut_before, cut_after = text[:start].strip(), text[end:].strip()
        return Markup(("…" if cut_before else "") + window + ("…" if cut_after else ""))

    def spans_between(self, scan: str, start: int, end: int) -> list[tuple[int, int, frozenset[int]]]:
        """The matching words of ``scan[start:end]`` (which begins and ends at a space or an end of
        the text), in order.

        Walking the text word by word in Python, and then finding its words with ``WORD_RE``, was
        most of a page's search time. Here the piece's runs between spaces come from one
        ``str.split``; a run already met costs a set operation in C, a new one a reading of its
        words' lemmas; then each matching run (a handful) is found with ``str.find``, kept where
        it stands between spaces, and its matching words marked. A word never crosses a space, so
        these are the very words ``WORD_RE`` finds in the whole text.
        """
        # No set of the piece's runs is built: a string keeps its hash, so the two passes over the
        # list hash each run once, and most texts hold no run the process has not met.
        runs = scan[start:end].split()
        if not _WORDS.known.issuperset(runs):
            _WORDS.learn(set(runs).difference(_WORDS.known))
        matching = _WORDS.having(self._wanted).intersection(runs)
        spans = [span for run in matching for span in self._occurrences(scan, run, start, end)]
        spans.sort(key=lambda span: span[0])
        return spans

    def _occurrences(self, scan: str, run: str, start: int, end: int) -> Iterator[tuple[int, int, frozenset[int]]]:
        """Where ``run`` stands whole between spaces within ``scan[start:end]``, as its matching words."""
        words = self._words_of(run)
        if not words:
            return
        length, size = len(run), len(scan)
        pos = scan.find(run, start, end)
        while pos >= 0:
            stop = pos + length
            # A whole run stands between spaces; a run found inside a longer one is not it, and no
            # whole one can begin inside it (a run holds no space), so the search goes on past it.
            if (pos == 0 or scan[pos - 1].isspace()) and (stop == size or scan[stop].isspace()):
                for word_start, word_stop, hits in words:
                    yield pos + word_start, pos + word_stop, hits
            pos = scan.find(run, stop, end)

    def _words_of(self, run: str) -> list[tuple[int, int, frozenset[int]]]:
        """The words of ``run`` that match a query term: offsets in the run and the terms matched."""
        words = self._runs.get(run)
        if words is None:
            words = self._runs[run] = [
                (m.start(), m.end(), hits) for m in WORD_RE.finditer(run) if (hits := self._lookup(m.group()))
            ]
        return words

    def _found(
        self, spans: Iterator[tuple[int, int, frozenset[int]]], reach: int
    ) -> list[tuple[int, int, frozenset[int]]]:
        """The matches up to the first window holding every query term: none later can beat it."""
        found: list[tuple[int, int, frozenset[int]]] = []
        for span in spans:
            found.append(span)
            if _covers(found, reach, len(self.terms)):
                break
        return found

    def _lookup(self, word: str) -> frozenset[int]:
        """The query terms ``word`` matches: a dictionary lookup for a word already seen, a lookup
        of its lemmas for a new one (most match nothing, and are remembered as such)."""
        hits = self._seen.get(word)
        if hits is None:
            if len(word) > MAX_WORD_CHARS or self._wanted.isdisjoint(word_lemmas(word)):
                hits = self._seen[word] = _NONE
            else:
                hits = self._seen[word] = _hit(word, self.terms, self._wanted)
        return hits
