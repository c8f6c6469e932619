"""The renderers on their own: Markdown, plain text, DOCX, JSON and Akoma Ntoso from a resolution's record."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import time
import zipfile
from pathlib import Path

import docx
import jsonschema_rs
import pytest
from lxml import etree

from deliberation.exports import akn, docx_out, json_out
from deliberation.exports.text import WIDTH, resolution_markdown, resolution_text
from deliberation.i18n import gettext
from deliberation.resolutions.record import FIELDS, resolution_hash

from .conftest import ADOPTED, POINTS
from .sources import fake_source

XSD = Path(__import__("cobalt").__file__).parent / "xsd" / "akomantoso30.xsd"
LINKS = {"html": "/resolutions/2026/3", "md": "/resolutions/2026/3.md"}


@pytest.fixture(scope="module")
def akn_schema():
    return etree.XMLSchema(etree.parse(str(XSD)))


# --- Markdown and plain text ---------------------------------------------------------------------


def test_markdown_has_the_header_then_the_text_exactly_as_stored():
    source = fake_source()
    markdown = resolution_markdown(source)
    header, _, text = markdown.partition("\n---\n\n")
    for fact in ("2026/3", "Про громадський бюджет", "Форум громад", source.date_label(), "31", source.hash):
        assert fact in header
    assert text == ADOPTED + "\n"


def test_markdown_header_escapes_markup_in_a_title():
    source = fake_source(title="Про *зірочки* і [дужки]")
    header = resolution_markdown(source).partition("\n---\n")[0]
    assert r"Про \*зірочки\* і \[дужки\]" in header


def test_plain_text_drops_markup_and_keeps_the_numbers_the_site_shows():
    # The author typed "1." for every point; the site (and the export) number them 1, 2, 3.
    typed = "Рада\n\n**вирішила:**\n\n1. Перше.\n1. Друге.\n1. Третє [тут](https://example.org)."
    text = resolution_text(fake_source(text=typed))
    body = text.partition("-" * WIDTH)[2]
    assert "**" not in body and "](" not in body
    assert "вирішила:" in body
    assert "\n1. Перше." in body and "\n2. Друге." in body and "\n3. Третє тут." in body


def test_plain_text_wraps_long_points_under_their_text_and_never_splits_a_word():
    long_point = "2. " + " ".join(["будь-який обʼєкт громадського бюджету"] * 6)
    text = resolution_text(fake_source(text=f"Рада вирішила:\n\n1. Коротко.\n{long_point}"))
    lines = text.split("\n")
    start = lines.index(next(line for line in lines if line.startswith("2. ")))
    point = lines[start : lines.index("", start)]
    assert len(point) > 1
    assert all(len(line) <= WIDTH for line in point)
    assert all(line.startswith("   ") for line in point[1:])
    assert "будь-\n" not in text and "обʼ\n" not in text


# --- DOCX ----------------------------------------------------------------------------------------


def test_docx_has_the_header_title_headings_points_vote_and_hash():
    source = fake_source(text="# Про громадський бюджет\n\n## Преамбула\n\n" + ADOPTED.partition("\n\n")[2])
    document = docx.Document(io.BytesIO(docx_out.resolution_docx(source)))
    header = document.sections[0].header.paragraphs[0].text
    assert "2026/3" in header and source.date_label() in header
    paragraphs = document.paragraphs
    assert [p.text for p in paragraphs if p.style.name == "Title"] == [source.title]
    assert "Преамбула" in [p.text for p in paragraphs if p.style.name == "Heading 2"]
    texts = [p.text for p in paragraphs]
    for number, point in enumerate(POINTS, start=1):
        assert f"{number}.\t{point}" in texts
    assert any(source.hash in text for text in texts)
    tally = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert [gettext("Registered delegates"), "60"] in tally


def test_docx_keeps_bold_and_italic_and_makes_links_real():
    source = fake_source(text="Рада **вирішила:**\n\n1. Діяти *негайно*, див. [сайт](https://example.org/budget).")
    raw = docx_out.resolution_docx(source)
    document = docx.Document(io.BytesIO(raw))
    runs = [run for p in document.paragraphs for run in p.runs]
    assert any(run.text == "вирішила:" and run.bold for run in runs)
    assert any(run.text == "негайно" and run.italic for run in runs)
    with zipfile.ZipFile(io.BytesIO(raw)) as package:
        assert "https://example.org/budget" in package.read("word/_rels/document.xml.rels").decode()


def test_docx_of_the_same_resolution_is_the_same_bytes():
    source = fake_source()
    assert docx_out.resolution_docx(source) == docx_out.resolution_docx(fake_source())


def test_docx_converts_to_pdf_with_libreoffice(tmp_path):
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        pytest.skip(
            "LibreOffice (soffice) is not installed, so the DOCX is not converted to PDF; "
            "apt-get install libreoffice-writer-nogui to run this check"
        )
    path = tmp_path / "resolution-2026-3.docx"
    path.write_bytes(docx_out.resolution_docx(fake_source()))
    # A profile of its own, so a LibreOffice already running for someone else is never reused.
    profile = (tmp_path / "profile").as_uri()
    started = time.monotonic()
    subprocess.run(
        [
            office,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    pdf = tmp_path / "resolution-2026-3.pdf"
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF"), f"no PDF after {time.monotonic() - started:.1f} s"


# --- JSON ----------------------------------------------------------------------------------------


def test_json_is_valid_against_its_schema():
    for kind, previous in (("council_decision", None), ("petition", "a" * 64)):
        data = json.loads(json_out.resolution_json(fake_source(kind=kind, previous_hash=previous), links=LINKS))
        jsonschema_rs.validator_for(json_out.RESOLUTION_JSON_SCHEMA).validate(data)


def test_json_hash_can_be_recomputed_from_the_file_alone():
    data = json.loads(json_out.resolution_json(fake_source(), links=LINKS))
    assert resolution_hash({name: data[name] for name in FIELDS}) == data["hash"]


def test_json_lists_each_paragraph_with_its_anchor_and_number():
    source = fake_source()
    data = json.loads(json_out.resolution_json(source, links=LINKS))
    points = [p for p in data["paragraphs"] if p["kind"] == "point"]
    assert [(p["label"], p["text"]) for p in points] == [(str(i), text) for i, text in enumerate(POINTS, start=1)]
    first = data["paragraphs"][0]
    assert first["anchor"] == f"/resolutions/2026/3#p-{first['id']}"
    assert data["links"]["md"] == "/resolutions/2026/3.md"


def test_json_schema_refuses_an_object_without_the_hash():
    data = json.loads(json_out.resolution_json(fake_source(), links=LINKS))
    del data["hash"]
    assert not jsonschema_rs.validator_for(json_out.RESOLUTION_JSON_SCHEMA).is_valid(data)


# --- Akoma Ntoso ---------------------------------------------------------------------------------

NS = {"a": akn.AKN_NS}


def test_council_decision_is_an_act_valid_against_the_strict_schema(akn_schema):
    root = etree.fromstring(akn.resolution_akn(fake_source(), page="/resolutions/2026/3"))
    akn_schema.assertValid(root)
    act = root.find("a:act", NS)
    assert act is not None and act.get("name") == "councilDecision"
    work = act.find("a:meta/a:identification/a:FRBRWork", NS)
    assert work.find("a:FRBRcountry", NS).get("value") == "ua"
    assert work.find("a:FRBRdate", NS).attrib == {"date": "2026-03-14", "name": "adoption"}
    assert act.find("a:meta/a:identification/a:FRBRExpression/a:FRBRlanguage", NS).get("language") == "ukr"
    assert act.find("a:meta/a:lifecycle/a:eventRef", NS).get("date") == "2026-03-14"
    forum = act.find("a:meta/a:references/a:TLCOrganization[@eId='forum']", NS)
    assert forum.get("showAs") == "Форум громад"
    assert "Відповідно до статті 26" in "".join(act.find("a:preamble", NS).itertext())
    articles = act.findall("a:body/a:article", NS)
    assert [a.get("eId") for a in articles] == ["art_1", "art_2", "art_3", "art_4"]
    assert [a.findtext("a:num", namespaces=NS) for a in articles] == ["1.", "2.", "3.", "4."]
    assert ["".join(a.find("a:content", NS).itertext()).strip() for a in articles] == POINTS


@pytest.mark.parametrize("kind", ["petition", "appeal", "declaration", "memorandum"])
def test_other_kinds_are_docs_valid_against_the_strict_schema(akn_schema, kind):
    text = (
        "# Петиція\n\n## Що ми просимо\n\nВідремонтувати водогін.\n\n## Пропозиції\n\n1. Перше.\n"
        "2. Друге\n2.1. Підпункт.\n\n## Порожній розділ\n\n| А | Б |\n| --- | --- |\n| 1 | 2 |"
    )
    root = etree.fromstring(akn.resolution_akn(fake_source(kind=kind, text=text)))
    akn_schema.assertValid(root)
    doc = root.find("a:doc", NS)
    assert doc.get("name") == akn.DOC_NAMES[kind]
    assert doc.find("a:mainBody//a:point[@eId='point_2__point_1']", NS).findtext("a:num", namespaces=NS) == "2.1."


@pytest.mark.parametrize("text", ["Лише один абзац.", "1. Лише пункт.", "## Лише заголовок"])
def test_texts_of_any_shape_stay_valid(akn_schema, text):
    for kind in ("council_decision", "petition"):
        akn_schema.assertValid(etree.fromstring(akn.resolution_akn(fake_source(kind=kind, text=text))))
