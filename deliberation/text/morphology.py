"""Every dictionary form a Ukrainian word can stand for, from a full morphological dictionary.

One lemma per word is not enough: «молоді» is a form of «молодь» (розвитку молоді) and of
«молодий» (молоді спеціалісти), and a lemmatiser that picks one of them hides the other from
search. ``pymorphy3`` with the ``pymorphy3-dicts-uk`` dictionary (417,330 lemmas with every
inflected form) lists every reading of a form; ``word_lemmas`` answers all of their dictionary
forms. For a word the dictionary does not know (a new place name such as «Звягельської», a
surname) it answers simplemma's lemma and pymorphy3's best guess by the word's ending, which
agree across the forms of one word where simplemma alone does not (simplemma: «звягельський» →
«звягель», «звягельської» → «звягельський»).

Links the dictionary does not make are added on the index side, so a search for the verb or the
town finds them: a reflexive verb also stands for its plain verb (обговорюється → обговорювати),
an adverbial participle for its verb (розглянувши → розглянути, обговорюючи → обговорювати), and
an adjective or a region named after a town for the town (Звягельської міської ради → Звягель,
Житомирщини → Житомир), since the council of a town is named by its adjective.

A query word is narrowed (``query_word_lemmas``): someone who types «рік» or «рада» means that
word, not «ріка» (whose genitive plural is «рік») or «радий» (whose feminine is «рада»). Without
word frequencies in the dictionary, simplemma's choice says which other reading is likely enough
to keep (авторів: «автор»); a word that is no dictionary form (молоді, люди, стали) keeps every
reading.

Words arrive folded (``lemmas.fold``: lower case, one apostrophe U+02BC) and lemmas leave folded.
Pure: no database, no files but the dictionaries the packages ship.
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import simplemma

from .tokens import WORD_RE

__all__ = ["name_is_feminine", "query_word_lemmas", "word_lemmas"]

#: The apostrophe of folded text, and the one the dictionary spells its words with.
_FOLDED_APOSTROPHE, _DICTIONARY_APOSTROPHE = "\u02bc", "'"

_analyzer = None
_analyzer_lock = threading.Lock()
#: pymorphy3's dictionary unit class, imported with the analyzer: a reading it made is a fact.
_DictionaryAnalyzer: type | None = None


def _morph():
    """The process's one analyzer, made on first use (about 0.3 s and 30 MB).

    Two units: the dictionary, and for words it does not know the guess by known endings. The
    guess by prefix is left out: it splits unknown words into a "prefix" and a dictionary word
    («звягельської» as «зв» + «ягельської») and invents readings. ``parse`` reads immutable DAWGs
    and keeps no state between calls, so threads share the analyzer (tests/text checks that
    parsing from many threads gives what parsing from one does); the lock only keeps two threads
    from loading the dictionary twice.
    """
    global _analyzer, _DictionaryAnalyzer
    if _analyzer is None:
        with _analyzer_lock:
            if _analyzer is None:
                import pymorphy3
                from pymorphy3.units import DictionaryAnalyzer, KnownSuffixAnalyzer

                _DictionaryAnalyzer = DictionaryAnalyzer
                _analyzer = pymorphy3.MorphAnalyzer(
                    lang="uk", units=[DictionaryAnalyzer(), KnownSuffixAnalyzer()], result_type=None
                )
    return _analyzer


def _fold(word: str) -> str:
    # The dictionary and simplemma spell the apostrophe ' and may capitalise a proper name.
    return unicodedata.normalize("NFC", word.casefold()).replace(_DICTIONARY_APOSTROPHE, _FOLDED_APOSTROPHE)


Reading = tuple[str, frozenset[str]]

#: The grammemes the links and the query narrowing look at; a reading keeps only these, as one of
#: a few shared sets, so a cache of a hundred thousand words stays a few megabytes.
_GRAMMEMES = frozenset({"NOUN", "VERB", "GRND", "Refl", "plur", "nomn", "masc", "inan"})
_shared_sets: dict[frozenset[str], frozenset[str]] = {}


def _kept(grammemes) -> frozenset[str]:
    kept = _GRAMMEMES.intersection(grammemes)
    return _shared_sets.setdefault(kept, kept)


# Cached per folded word; ``lemmas.word_lemmas`` caches what the index asks for per spelling, so
# ``word_lemmas`` here needs no cache of its own.
@lru_cache(maxsize=32768)
def _parse(word: str) -> tuple[tuple[Reading, ...], tuple[str, ...]]:
    """The (lemma, grammemes) of each dictionary reading of the folded ``word``, and, when there
    is none, the best-scored lemmas guessed from its ending (none for a word without letters)."""
    parses = _morph().parse(word.replace(_FOLDED_APOSTROPHE, _DICTIONARY_APOSTROPHE))
    dictionary = _DictionaryAnalyzer
    assert dictionary is not None  # _morph() has loaded it
    known = [p for p in parses if isinstance(p[4][-1][0], dictionary)]
    if known:
        return tuple(dict.fromkeys((_fold(p[2]), _kept(p[1].grammemes)) for p in known)), ()
    best = max((p[3] for p in parses), default=0)
    return (), tuple(dict.fromkeys(_fold(p[2]) for p in parses if p[3] == best))


def _readings(word: str) -> tuple[Reading, ...]:
    return _parse(word)[0]


def _simplemma(word: str) -> str:
    return _fold(simplemma.lemmatize(word, lang="uk"))


def _verb_lemmas(form: str) -> set[str]:
    return {lemma for lemma, grammemes in _readings(form) if "VERB" in grammemes}


# An adverbial participle and the verb form that shares its stem: розглянувши / розглянув,
# звернувшись / звернувся, ідучи / ідуть, сміючись / сміються. The form is looked up in the
# dictionary, so a wrong guess finds nothing and adds nothing.
_PARTICIPLE_ENDINGS = (("шись", "ся"), ("чись", "ться"), ("ши", ""), ("чи", "ть"))


def _linked_verbs(word: str, lemma: str, grammemes: frozenset[str]) -> set[str]:
    if "GRND" in grammemes:
        for ending, replacement in _PARTICIPLE_ENDINGS:
            if word.endswith(ending):
                return _verb_lemmas(word[: -len(ending)] + replacement)
        return set()
    if "VERB" in grammemes and "Refl" in grammemes and lemma.endswith(("ся", "сь")):
        return {verb for verb in _verb_lemmas(lemma[:-2]) if verb == lemma[:-2]}
    return set()


def _is_place(stem: str) -> bool:
    """Whether ``stem`` is the lemma of a masculine inanimate noun, as the names of towns are
    (Житомир, Звягель, Коростень); «сіль» (feminine) and «господар» (animate) are not."""
    return any(lemma == stem and {"NOUN", "masc", "inan"} <= grammemes for lemma, grammemes in _readings(stem))


def _linked_places(lemma: str) -> set[str]:
    """The town an adjective or a region is named after: житомирський, Житомирщина → Житомир;
    коростенський → Коростень. The dictionary does not tell town names from other nouns, so
    this also links a few adjectives of things (заводський → завод), which a search can bear."""
    stems: tuple[str, ...]
    if lemma.endswith("ський") and len(lemma) > 7:
        stems = (lemma[:-5], lemma[:-5] + "ь")
    elif lemma.endswith("щина") and len(lemma) > 6:
        stems = (lemma[:-4],)
    else:
        return set()
    return {stem for stem in stems if _is_place(stem)}


def _single_words(lemmas: Iterable[str]) -> tuple[str, ...]:
    # Sorted, so the index text is the same in every process. A lemma must stay one word (the
    # index splits at spaces): should a dictionary ever say otherwise, that lemma is dropped.
    return tuple(sorted(lemma for lemma in set(lemmas) if WORD_RE.fullmatch(lemma)))


def word_lemmas(word: str) -> tuple[str, ...]:
    """Every lemma the folded ``word`` can have: what the index stores for it.

    ``word_lemmas("молоді") == ("молодий", "молодь")``; an unknown word gets simplemma's lemma,
    or itself.
    """
    readings, guesses = _parse(word)
    if readings:
        found = {lemma for lemma, _ in readings}
        for lemma, grammemes in readings:
            found |= _linked_verbs(word, lemma, grammemes)
    else:
        found = {_simplemma(word), *guesses}
    for lemma in list(found):
        found |= _linked_places(lemma)
    return _single_words(found) or (word,)


def _same(lemma: str, word: str) -> bool:
    # The dictionary reads г as ґ where only ґ makes a word (ганок: «ґанок»), as people type it.
    return lemma == word or lemma.replace("ґ", "г") == word.replace("ґ", "г")


@lru_cache(maxsize=4096)
def query_word_lemmas(word: str) -> tuple[str, ...]:
    """The lemmas a query word asks for (any one of them matches); always among ``word_lemmas``.

    A word that is itself a dictionary form asks for that word, for the word simplemma takes it
    for, and for the nouns it is the nominative plural of (рік: «рік», not «ріка»; авторів:
    «авторів» and «автор»; діти: the verb «діти» and «дитина»); any other word asks for every
    reading (молоді: «молодь» and «молодий»).
    """
    readings = _readings(word)
    if not readings:
        return word_lemmas(word)
    if any(_same(lemma, word) for lemma, _ in readings):
        # The dictionary has no word frequencies; simplemma's one lemma, learnt from a corpus, is
        # the likeliest reading (авторів: «автор», not the possessive «авторів»; нова: «новий»).
        likeliest = _simplemma(word)
        chosen = {
            lemma
            for lemma, grammemes in readings
            if _same(lemma, word) or lemma == likeliest or {"NOUN", "plur", "nomn"} <= grammemes
        }
        return _single_words(chosen) or word_lemmas(word)
    return _single_words((lemma for lemma, _ in readings)) or word_lemmas(word)


def name_is_feminine(name: str) -> bool:
    """Whether a person's name, as they wrote it, reads as a woman's: the first of its words that
    the dictionary knows as a first name in the nominative decides (Олена Гнатюк, Гнатюк Олена).
    A name it does not know (a Latin one, a nickname) is not: Ukrainian's generic person is
    masculine. For the agreement of a verb with its subject («Олена подала», «Петро подав»)."""
    for word in WORD_RE.findall(name):
        genders = {
            g
            for p in _morph().parse(_fold(word).replace(_FOLDED_APOSTROPHE, _DICTIONARY_APOSTROPHE))
            if {"Name", "nomn"} <= p[1].grammemes
            for g in ("femn", "masc")
            if g in p[1].grammemes
        }
        if genders:
            return genders == {"femn"}
    return False
