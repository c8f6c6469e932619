"""Recall and precision of Ukrainian search folding, before and after, on named cases; and its speed.

Run from the repository root: ``python bench/search_recall.py``. Reads the cases of
``tests/text/cases_search_recall.json`` (query → text phrase that must match, and phrases that
must not) and decides each as the index does, for two foldings in the same run:

- simplemma: one lemma per word (simplemma's), every query lemma must be among the text's
  (the folding before pymorphy3, rebuilt here as it was);
- every lemma: ``deliberation.text.lemmas`` as it is, every candidate lemma of each text word from
  pymorphy3's dictionary (simplemma and a guess by ending for unknown words), each query word an OR
  over its lemmas, every query word required.

Prints recall (positives found), false matches (negatives found) and precision over all matches,
then the misses and false matches by name; then, with every distinct word of the Ukrainian
catalog as a query over the catalog's entries, how many more (or fewer) entries each finds; then
the time to load each dictionary in a fresh process and to lemmatise the catalog cold (empty
caches) and warm, best of 5 cold and 25 warm, with the ratio and the index words per text word.
Nothing here asserts; ``tests/text/test_text_search_recall.py`` does.
"""

from __future__ import annotations

import gc
import json
import re
import subprocess
import sys
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import simplemma  # noqa: E402

from deliberation.text import lemmas as every_lemma  # noqa: E402
from deliberation.text import morphology  # noqa: E402
from deliberation.text.lemmas import fold  # noqa: E402
from deliberation.text.tokens import WORD_RE  # noqa: E402

CASES = ROOT / "tests" / "text" / "cases_search_recall.json"
CATALOG = ROOT / "deliberation" / "locale" / "uk" / "LC_MESSAGES" / "messages.po"
REPEATS = 5


@dataclass(frozen=True)
class Folding:
    name: str
    #: The lemmas the index holds for a text.
    index: Callable[[str], Iterable[str]]
    #: Per query word, the lemmas any of which matches.
    query: Callable[[str], list[tuple[str, ...]]]
    clear: Callable[[], None]

    def matches(self, query: str, text: str) -> bool:
        held = set(self.index(text))
        terms = self.query(query)
        return bool(terms) and all(not held.isdisjoint(term) for term in terms)


# The folding before pymorphy3, as deliberation/text/lemmas.py had it.
@lru_cache(maxsize=65536)
def _simplemma_lemma(word: str) -> str:
    folded = fold(word)
    found = fold(simplemma.lemmatize(folded, lang="uk"))
    return found if WORD_RE.fullmatch(found) else folded


@lru_cache(maxsize=65536)
def _simplemma_word(word: str) -> tuple[str, ...]:
    folded = fold(word)
    if "-" not in folded:
        return (_simplemma_lemma(word),)
    return tuple(dict.fromkeys([_simplemma_lemma(word), *(_simplemma_lemma(p) for p in folded.split("-") if p)]))


def _words(text: str) -> list[str]:
    return [m.group() for m in WORD_RE.finditer(every_lemma._scannable(text))]


def _simplemma_index(text: str) -> list[str]:
    # The loop of the old ``lemmas.lemmas``, so that timings compare the lemmatisers alone.
    out: list[str] = []
    for match in every_lemma._words(text):
        if every_lemma._indexable(match.group()):
            out.extend(_simplemma_word(match.group()))
    return out


def _simplemma_query(q: str) -> list[tuple[str, ...]]:
    return [(lemma,) for lemma in dict.fromkeys(_simplemma_lemma(word) for word in _words(q))]


def _clear_simplemma() -> None:
    _simplemma_lemma.cache_clear()
    _simplemma_word.cache_clear()


def _clear_every_lemma() -> None:
    every_lemma.word_lemmas.cache_clear()
    morphology.query_word_lemmas.cache_clear()
    morphology._parse.cache_clear()


FOLDINGS = [
    Folding("simplemma (before)", _simplemma_index, _simplemma_query, _clear_simplemma),
    Folding("every lemma (after)", every_lemma.lemmas, every_lemma.query_terms, _clear_every_lemma),
]


def _score(folding: Folding, cases: dict) -> None:
    missed = [c for c in cases["positive"] if not folding.matches(c["query"], c["text"])]
    wrong = [c for c in cases["negative"] if folding.matches(c["query"], c["text"])]
    positives, negatives = len(cases["positive"]), len(cases["negative"])
    found = positives - len(missed)
    precision = found / (found + len(wrong)) if found + len(wrong) else 1.0
    print(
        f"{folding.name:<22} recall {found:>3}/{positives} = {found / positives:6.1%}   "
        f"false matches {len(wrong):>2}/{negatives}   precision {precision:6.1%}"
    )
    for case in missed:
        print(f"    missed: {case['name']}  ({case['query']} → {case['text']})")
    for case in wrong:
        print(f"    false:  {case['name']}  ({case['query']} → {case['text']})")


def _catalog_text() -> str:
    """The Ukrainian catalog's translations: real civic Ukrainian, a few thousand distinct words."""
    return "\n".join(re.findall(r'^msgstr(?:\[\d\])? "(.*)"$', CATALOG.read_text(encoding="utf-8"), re.M))


def _best_interleaved(runs: dict[str, Callable[[], object]], repeats: int) -> dict[str, float]:
    """The best time of each run, the runs taking turns, so a busy moment of a shared machine
    slows them alike rather than one of them."""
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(repeats):
        for name, fn in runs.items():
            # As timeit does: the collector's pauses depend on what else the process holds.
            gc.collect()
            gc.disable()
            try:
                start = time.perf_counter()
                fn()
                best[name] = min(best[name], time.perf_counter() - start)
            finally:
                gc.enable()
    return best


_LOAD_SIMPLEMMA = ("import simplemma", "simplemma.lemmatize('громада', lang='uk')")
_LOAD_PYMORPHY3 = ("from deliberation.text import morphology", "morphology._morph()")


def _load_ms(statement: tuple[str, str]) -> float:
    setup, timed = statement
    code = f"import time; {setup}; start = time.perf_counter(); {timed}; print(time.perf_counter() - start)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return float(out.stdout) * 1000


def _speed(text: str) -> None:
    words = _words(text)
    print(
        f"\nSpeed: lemmatising the Ukrainian catalog, {len(words):,} words, "
        f"{len(set(map(fold, words))):,} distinct; best of {REPEATS} cold, {REPEATS * 5} warm"
    )
    # Each dictionary loads once per process, on first use: timed in a fresh process each.
    print(
        f"  loading in a fresh process: simplemma {_load_ms(_LOAD_SIMPLEMMA):.0f} ms, "
        f"pymorphy3 analyzer {_load_ms(_LOAD_PYMORPHY3):.0f} ms"
    )

    def cold(folding: Folding) -> Callable[[], object]:
        return lambda: (folding.clear(), folding.index(text))

    colds = _best_interleaved({f.name: cold(f) for f in FOLDINGS}, REPEATS)
    # A warm pass takes milliseconds: more tries, so a busy machine's pauses fall out.
    warms = _best_interleaved({f.name: (lambda f=f: f.index(text)) for f in FOLDINGS}, REPEATS * 5)
    for folding in FOLDINGS:
        cold_s, warm_s = colds[folding.name], warms[folding.name]
        held = list(folding.index(text))
        print(
            f"  {folding.name:<22} cold {cold_s * 1000:7.1f} ms ({len(words) / cold_s:>9,.0f} words/s)   "
            f"warm {warm_s * 1000:6.1f} ms ({len(words) / warm_s:>9,.0f} words/s)   "
            f"index words per text word {len(held) / len(words):.2f}"
        )
    before, after = (f.name for f in FOLDINGS)
    print(f"  ratio after/before: cold {colds[after] / colds[before]:.2f}x, warm {warms[after] / warms[before]:.2f}x")


def _breadth(entries: list[str]) -> None:
    """How much more each word finds among the catalog's entries: the price of every lemma."""
    words = sorted({fold(word) for entry in entries for word in _words(entry)})
    print(
        f"\nBreadth: each of the catalog's {len(words):,} distinct words as a query over its {len(entries):,} entries"
    )
    counts = []
    for folding in FOLDINGS:
        held = [set(folding.index(entry)) for entry in entries]
        terms = {word: folding.query(word) for word in words}
        counts.append(
            {word: sum(1 for lemmas in held if all(not lemmas.isdisjoint(t) for t in terms[word])) for word in words}
        )
        print(f"  {folding.name:<22} hits {sum(counts[-1].values()):>7,}")
    before, after = counts
    wider = [word for word in words if after[word] > before[word]]
    narrower = [word for word in words if after[word] < before[word]]
    print(
        f"  words finding more entries: {len(wider)} ({len(wider) / len(words):.1%}), e.g. "
        + ", ".join(f"{w} {before[w]}→{after[w]}" for w in wider[:10])
    )
    print(
        f"  words finding fewer entries: {len(narrower)} ({len(narrower) / len(words):.1%}): "
        + ", ".join(f"{w} {before[w]}→{after[w]}" for w in narrower[:12])
    )


def main() -> int:
    cases = json.loads(CASES.read_text(encoding="utf-8"))
    print(
        f"{len(cases['positive'])} cases that must match, {len(cases['negative'])} that must not "
        f"({CASES.relative_to(ROOT)})\n"
    )
    for folding in FOLDINGS:
        _score(folding, cases)
    catalog = unicodedata.normalize("NFC", _catalog_text())
    _breadth([entry for entry in catalog.split("\n") if entry.strip()])
    _speed(catalog)
    return 0


if __name__ == "__main__":
    sys.exit(main())
