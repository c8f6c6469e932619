"""A text anyone can save must not cost every reader seconds of CPU: a parse budget and a cache."""

from html.parser import HTMLParser

import pytest

from deliberation.text.lru import BytesLRU
from deliberation.text.markdown import MAX_NESTING, PARSE_BUDGET, parse_cost, plain_text, render
from deliberation.text.paragraphs import Paragraph, number_points, split_units
from deliberation.text.units import render_units

# Shapes that made markdown-it spend 10 µs or more per character (or per tiny unit).
PATHOLOGICAL = {
    "brackets": "[" * 399_000,
    "images": "![" * 199_000,
    "link openers": "[a](" * 99_000,
    "emphasis": "*a" * 199_000,
    "strong runs": "a**" * 133_000,
    "tiny units": "[\n\n" * 133_000,
    "reference definitions": "\n\n".join(f"[r{i}]: /u{i}" for i in range(30_000)),
}


def _units(text: str) -> list[Paragraph]:
    return [Paragraph(f"u{i}", unit) for i, unit in enumerate(split_units(text))]


class Depth(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.depth = self.deepest = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("blockquote", "ul", "ol"):
            self.depth += 1
            self.deepest = max(self.deepest, self.depth)

    def handle_endtag(self, tag):
        if tag in ("blockquote", "ul", "ol"):
            self.depth -= 1


@pytest.mark.parametrize("name", list(PATHOLOGICAL))
def test_a_pathological_text_is_parsed_only_within_the_budget_and_shown_whole(name):
    paragraphs = _units(PATHOLOGICAL[name])
    units = render_units(paragraphs, point_labels=number_points(paragraphs))
    parsed = [p for p, u in zip(paragraphs, units) if 'class="as-typed"' not in u.html]
    assert sum(parse_cost(p.text) for p in parsed) <= PARSE_BUDGET
    assert len(parsed) < len(paragraphs)  # the rest is shown as typed, escaped, not dropped
    assert len(units) == len(paragraphs)


def test_a_whole_pathological_document_renders_and_flattens_as_typed():
    text = "<b>" + "[" * 399_000
    assert render(text) == '<p class="as-typed">&lt;b&gt;' + "[" * 399_000 + "</p>\n"
    assert plain_text(text) == text


def test_an_ordinary_text_at_the_character_limit_is_rendered_as_markdown():
    # A legal text: a link or a bold word now and then, numbered points.
    sentence = "Громада має право на самоврядування відповідно до Конституції України (див. статтю 5). "
    paragraph = "**Увага.** " + sentence * 3 + "[Закон](/x) " + sentence * 3
    text = "\n\n".join(f"{i}. {paragraph}" for i in range(1, 900))[:400_000]
    paragraphs = _units(text)
    units = render_units(paragraphs, point_labels=number_points(paragraphs))
    assert not any("as-typed" in u.html for u in units)
    assert "<strong>Увага.</strong>" in units[-2].html and '<a href="/x">Закон</a>' in units[-2].html


@pytest.mark.parametrize("text", [">" * 5000, "- " * 5000, "> - " * 3000, "1. " * 5000])
def test_nesting_stops_at_the_limit(text):
    depth = Depth()
    depth.feed(render(text))
    assert depth.deepest <= MAX_NESTING


def test_a_revision_is_rendered_once_and_then_served_from_the_cache():
    paragraphs = _units("# Розділ\n\nПерший абзац.\n\n1. Пункт")
    labels = number_points(paragraphs)
    first = render_units(paragraphs, point_labels=labels)
    again = render_units(list(paragraphs), point_labels=dict(labels))
    assert again == first and all(a is b for a, b in zip(again, first))
    changed = render_units([*paragraphs[:-1], Paragraph(paragraphs[-1].pid, "1. Інший пункт")], point_labels=labels)
    assert changed[-1].html != first[-1].html


def test_the_cache_stays_within_its_byte_limit():
    cache = BytesLRU(1000)
    for i in range(50):
        cache.put(str(i).encode(), i, 100)
    assert cache.size <= 1000
    assert cache.get(b"49") == 49 and cache.get(b"0") is None
    cache.put(b"huge", "x", 600)  # over a quarter of the limit: not kept, nothing flushed
    assert cache.get(b"huge") is None and cache.get(b"49") == 49
