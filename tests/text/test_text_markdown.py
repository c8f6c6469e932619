"""Safe Markdown rendering: escaping, link allow-list, headings, units and plain text."""

import subprocess
import sys
from html.parser import HTMLParser
from itertools import count
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from text_strategies import SETTINGS

from deliberation.text.markdown import plain_text, render, slugify
from deliberation.text.paragraphs import Paragraph, assign_ids, number_points
from deliberation.text.units import RenderedUnit, render_units

ROOT = Path(__file__).resolve().parents[2]


class Tags(HTMLParser):
    """Collects every start tag with its attributes, as a browser would parse them."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag

    def names(self) -> list[str]:
        return [t for t, _ in self.tags]

    def attr(self, name: str) -> list[str]:
        return [v or "" for _, attrs in self.tags for k, v in attrs if k == name]


def units(text: str) -> list[Paragraph]:
    n = count()
    return assign_ids(None, text, new_id=lambda: f"u{next(n)}")


def render_all(text: str) -> list[RenderedUnit]:
    paras = units(text)
    return render_units(paras, point_labels=number_points(paras))


# --- Safety -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "src",
    [
        "<script>alert(1)</script>",
        "Текст <img src=x onerror=alert(1)> далі",
        '<a href="javascript:alert(1)">x</a>',
        "<div onclick=alert(1)>\n\nx\n\n</div>",
    ],
)
def test_raw_html_is_escaped(src):
    out = render(src)
    assert Tags(out).names() == ["p"] * out.count("<p>")
    assert "&lt;" in out


@pytest.mark.parametrize(
    "src",
    [
        "[x](javascript:alert(1))",
        "[x](JavaScript:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "[x](vbscript:msgbox(1))",
        "[x](file:///etc/passwd)",
        "[x](ftp://example.org)",
        "<javascript:alert(1)>",
        "[x]\n\n[x]: javascript:alert(1)",
    ],
)
def test_disallowed_link_schemes_are_not_links(src):
    assert "a" not in Tags(render(src)).names()


@pytest.mark.parametrize(
    ("src", "href"),
    [
        ("[Рада](https://rada.gov.ua)", "https://rada.gov.ua"),
        ("[x](http://example.org/a?b=1)", "http://example.org/a?b=1"),
        ("[лист](mailto:rada@example.ua)", "mailto:rada@example.ua"),
        ("<https://rada.gov.ua>", "https://rada.gov.ua"),
        ("[x](/drafts/7)", "/drafts/7"),
        ("[x](#розділ-2)", "#%D1%80%D0%BE%D0%B7%D0%B4%D1%96%D0%BB-2"),
        ("[x][r]\n\n[r]: https://rada.gov.ua", "https://rada.gov.ua"),
    ],
)
def test_allowed_links_render(src, href):
    assert Tags(render(src)).attr("href") == [href]


def test_images_render_as_their_alt_text():
    out = render("Схема: ![план *скверу*](https://example.org/plan.png) кінець")
    assert "img" not in Tags(out).names()
    assert "план скверу" in out
    assert "example.org" not in out


def test_image_alt_text_is_escaped():
    out = render("![<script>x</script>](https://example.org/a.png)")
    assert "<script" not in out and "&lt;script&gt;" in out


# Pieces that make the generated documents hit links, autolinks, raw HTML and entities.
_PIECES = st.sampled_from(
    [
        "<script>", "</script>", "<img src=x onerror=alert(1)>", "javascript:", "JaVa\tScRiPt:",
        "&#106;", "&#x6A;", "data:", "[", "]", "(", ")", "![", "<", ">", '"', "'", " onerror=",
        "onload=", "\n", "\n\n", "# ", "| a |\n|---|\n", "`", "*", "_", "\\", ": ", "http://",
        "mailto:", "&", ";", "%", "\x00",
    ]
)  # fmt: skip


@SETTINGS
@given(st.lists(st.text() | _PIECES, max_size=30).map("".join))
def test_render_never_emits_script_handlers_or_javascript_links(src):
    out = render(src)
    assert "<script" not in out.lower()
    tags = Tags(out)
    assert "script" not in tags.names()
    for _, attrs in tags.tags:
        assert not [k for k, _ in attrs if k.startswith("on")]
        assert not [k for k, _ in attrs if k in ("style", "src")]
    for href in tags.attr("href"):
        assert href.lower().startswith(("http:", "https:", "mailto:", "#", "/")), href
        assert "javascript:" not in "".join(href.lower().split())


# --- Tables and headings -------------------------------------------------------------


def test_tables_render_with_alignment_classes_not_inline_styles():
    out = render("| Стаття | Сума |\n|:--|--:|\n| Дороги | 100 |")
    tags = Tags(out)
    assert tags.names()[:1] == ["table"]
    assert {"th", "td"} <= set(tags.names())
    assert tags.attr("class") == ["align-left", "align-right"] * 2
    assert "style" not in out


def test_heading_ids_are_slugs_unique_per_document():
    out = render(
        "# Розділ 1. Загальні положення\n\n## Обʼєкт — «оренди»\n\n"
        "# Розділ 1. Загальні положення\n\n### Об'єкт оренди\n\n# ?!"
    )
    assert Tags(out).attr("id") == [
        "розділ-1-загальні-положення", "обєкт-оренди",
        "розділ-1-загальні-положення-2", "обєкт-оренди-2", "h",
    ]  # fmt: skip


def test_slug_drops_markup_and_keeps_link_text():
    assert Tags(render("## **Бюджет** [громади](https://x.ua) `2025`")).attr("id") == ["бюджет-громади-2025"]
    assert slugify("  Розділ   II — Ґрунти  ") == "розділ-ii-ґрунти"


def test_heading_ids_render_unescaped_only_as_slugs():
    (out,) = Tags(render('# a"><script>')).attr("id")
    assert out == "ascript"


# --- Units -------------------------------------------------------------------------


def test_render_units_kinds_and_wrappers():
    text = "# Рішення\n\nВИРІШИЛА:\n\n- перше\n- друге\n\n> Цитата\n\n| a |\n|---|\n| 1 |\n\n1. Пункт\n\n---"
    got = render_all(text)
    assert [u.kind for u in got] == [
        "heading", "paragraph", "list", "quote", "table", "point", "other"
    ]  # fmt: skip
    assert [u.pid for u in got] == [p.pid for p in units(text)]


def test_points_show_labels_not_typed_numbers_and_have_no_ol():
    paras = [Paragraph("a", "Вступ."), Paragraph("b", "7. Текст пункту.")]
    (intro, point) = render_units(paras, point_labels={"b": "3"})
    assert intro.label is None and intro.kind == "paragraph"
    assert point.label == "3"
    assert point.kind == "point"
    assert point.html == "<p>Текст пункту.</p>\n"  # the page prints the label


def test_points_are_renumbered_when_one_is_inserted():
    before = render_all("ВИРІШИЛА:\n1. Перше.\n2. Друге.")
    after = render_all("ВИРІШИЛА:\n1. Перше.\n1. Нове.\n2. Друге.")
    assert [u.label for u in before] == [None, "1", "2"]
    assert [u.label for u in after] == [None, "1", "2", "3"]
    assert after[-1].html == before[-1].html == "<p>Друге.</p>\n"


def test_sub_points_keep_nested_blocks_without_ol():
    (_, sub) = render_all("1) Пункт\n2.1. Підпункт:\n   - так\n   - ні")
    assert sub.label == "1.1"
    assert sub.html.startswith("<p>Підпункт:</p>")
    tags = Tags(sub.html).names()
    assert tags.count("li") == 2 and "ul" in tags and "ol" not in tags


def test_point_continuation_lines_stay_in_the_point():
    (u,) = render_all("3.  Перший рядок\n    другий рядок")
    assert u.html == "<p>Перший рядок\nдругий рядок</p>\n"


def test_point_without_label_falls_back_to_its_typed_number():
    (u,) = render_units([Paragraph("x", "5. Текст")], point_labels={})
    assert u.label == "5" and "<ol" not in u.html


def test_unit_heading_ids_unique_across_units_and_never_a_wrapper_id():
    paras = [
        Paragraph("a", "# Бюджет"),
        Paragraph("b", "# Бюджет"),
        Paragraph("c", "# P a"),
    ]
    ids = [Tags(u.html).attr("id")[0] for u in render_units(paras, point_labels={})]
    assert ids == ["бюджет", "бюджет-2", "p-a-2"]


def test_reference_links_resolve_across_units():
    (u, _) = render_all("Див. [закон][1].\n\n[1]: https://zakon.rada.gov.ua")
    assert Tags(u.html).attr("href") == ["https://zakon.rada.gov.ua"]


def test_a_unit_that_defines_a_reference_also_uses_one_defined_after_it():
    # Such a unit is split into blocks before the later units' references are known; its links
    # are resolved once they all are, and the first definition of a label wins, as in CommonMark.
    text = "[1]: https://zakon.rada.gov.ua\nДив. [кодекс][2] і [закон][1].\n\n[2]: https://kodeks.ua\n[1]: https://pizno.ua"
    units = render_all(text)
    assert Tags(units[0].html).attr("href") == ["https://kodeks.ua", "https://zakon.rada.gov.ua"]
    assert units[1].html == ""


def test_units_are_as_safe_as_documents():
    unit = Paragraph("x", "3. <script>x</script> [a](javascript:1)")
    (u,) = render_units([unit], point_labels={})
    assert Tags(u.html).names() == ["p"]


# --- Plain text ----------------------------------------------------------------------


def test_plain_text_strips_markup_and_keeps_paragraph_breaks():
    src = (
        "# Заголовок\n\nТекст **жирний** [посилання](https://x.ua) `код`\nрядок\n\n"
        "1. перше\n2. друге\n\n- a\n- b\n\n> цитата\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n![схема](https://x.ua/a.png)\n\n<b>сирий</b>"
    )
    assert plain_text(src) == (
        "Заголовок\n\nТекст жирний посилання код рядок\n\n"
        "1. перше\n2. друге\n\n- a\n- b\n\nцитата\n\n"
        "a\tb\n1\t2\n\nсхема\n\n<b>сирий</b>"
    )


def test_plain_text_lists_keep_nesting_and_empty_items():
    assert plain_text("- a\n  - b\n- c\n\n1.\n2. z") == "- a\n  - b\n- c\n\n1.\n2. z"


def test_plain_text_of_empty_text():
    assert plain_text("") == ""
    assert render("") == ""


def test_markdown_module_imports_no_database_or_web_framework():
    code = (
        "import sys, deliberation.text.markdown\n"
        "print(sorted(m for m in ('sqlalchemy', 'sqlmodel', 'starlette') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_excerpt_units_have_headings_one_level_lower_without_ids_and_are_cached_apart():
    paragraphs = [Paragraph("a", "# Про бюджет"), Paragraph("b", "1. Пункт **перший**")]
    page = render_units(paragraphs, point_labels={"b": "1"})
    excerpt = render_units(paragraphs, point_labels={"b": "1"}, excerpt=True)
    assert page[0].html == '<h2 id="про-бюджет">Про бюджет</h2>\n'
    assert excerpt[0].html == "<h3>Про бюджет</h3>\n"
    assert excerpt[1].html == page[1].html and excerpt[1].label == "1"


def test_a_text_being_written_renders_unit_by_unit_numbered_or_as_typed():
    from deliberation.text.units import render_text_units

    numbered = render_text_units("Вступ\n\n3. Перший\n7. Другий")
    typed = render_text_units("Вступ\n\n3. Перший\n7. Другий", numbered=False)
    assert [u.label for u in numbered] == [None, "1", "2"]
    assert [u.label for u in typed] == [None, "3", "7"]
