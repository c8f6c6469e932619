"""Hypothesis strategies producing Ukrainian-like text for the text-algorithm tests."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# database=None: tests must not write a .hypothesis directory into the repository.
# TEXT_EXAMPLES_FACTOR=20 runs a deeper search locally; the default keeps the run short.
_FACTOR = float(os.environ.get("TEXT_EXAMPLES_FACTOR", "1"))
SETTINGS = settings(
    max_examples=int(200 * _FACTOR),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
SLOW_SETTINGS = settings(SETTINGS, max_examples=int(80 * _FACTOR))

WORDS = [
    "громада", "громади", "бюджет", "бюджету", "рішення", "депутат", "депутати",
    "обʼєкт", "обʼєкта", "з'їзд", "з’їзду", "будь-який", "будь‑що", "пам’ять",
    "сімʼя", "п'ять", "рада", "Рада", "міська", "сесія", "сесії", "комісія",
    "голова", "програма", "петиція", "пункт", "пункту", "староста", "школа",
    "ремонт", "дороги", "оренда", "майна", "звіт", "контроль", "Київ",
    "2025", "3", "і", "й", "та", "з", "в", "на", "до", "про", "що", "щодо",
]  # fmt: skip
SEPARATORS = [
    " ",
    " ",
    " ",
    " ",
    ", ",
    ". ",
    "; ",
    ": ",
    " — ",
    "! ",
    "? ",
    " (",
    ") ",
    "\n",
    " «",
    "» ",
]
PARAGRAPH_BREAKS = ["\n\n", "\n\n", "\n\n\n", "\n \n", "\n"]

# Words for tests that need disjoint vocabularies (nothing here resembles WORDS).
OTHER_WORDS = [
    "мораторій",
    "забудову",
    "скверу",
    "Шевченка",
    "фонтан",
    "велодоріжка",
    "каштани",
    "ліхтарі",
]

words = st.sampled_from(WORDS)


@st.composite
def ukr_paragraph(draw, min_words: int = 1, max_words: int = 12) -> str:
    """Words joined by spaces and punctuation, sometimes with a line break inside."""
    ws = draw(st.lists(words, min_size=min_words, max_size=max_words))
    out = [ws[0]]
    for w in ws[1:]:
        out += [draw(st.sampled_from(SEPARATORS)), w]
    return "".join(out) + draw(st.sampled_from(["", ".", "!", ":"]))


@st.composite
def ukr_text(draw, max_paragraphs: int = 6) -> str:
    """Paragraphs with assorted paragraph breaks (not necessarily normalised)."""
    paras = draw(st.lists(ukr_paragraph(), max_size=max_paragraphs))
    out = paras[:1]
    for p in paras[1:]:
        out += [draw(st.sampled_from(PARAGRAPH_BREAKS)), p]
    return "".join(out)


@st.composite
def distinct_paragraphs(draw, min_size: int = 2, max_size: int = 6, min_words: int = 6) -> list[str]:
    """Normalised paragraphs made unique by a marker word "абзацN" at the start."""
    n = draw(st.integers(min_size, max_size))
    return [f"абзац{i} " + " ".join(draw(st.lists(words, min_size=min_words, max_size=12))) for i in range(n)]


@st.composite
def edited_words(draw, paragraph: str, marker: str) -> str:
    """Apply 1-3 word edits (replace, delete, insert a ``marker``-numbered word) after word 0."""
    ws = paragraph.split(" ")
    for k in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["replace", "delete", "insert"]))
        i = draw(st.integers(1, len(ws) - 1)) if len(ws) > 1 else 1
        if kind == "delete" and len(ws) > 2:
            del ws[i]
        elif kind == "replace" and i < len(ws):
            ws[i] = f"{marker}{k}"
        else:
            ws.insert(i, f"{marker}{k}")
    return " ".join(ws)
