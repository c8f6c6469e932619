"""Word documents (python-docx): a resolution, and a comparative table.

Pages follow ДСТУ 4163-2020 for official documents: A4, margins 30 mm left, 10 mm right, 20 mm top
and bottom. Points are numbered with the number the site shows, typed as text ("3." and a tab with
a hanging indent) rather than with Word's list numbering: Word and LibreOffice continue or restart
automatic lists by their own rules, and "пункт 3" must be point 3 in every copy of the text.

The bytes are reproducible: python-docx stamps the file with the time of saving, so the ZIP
entries and the document properties are set to the time of adoption instead, and two processes
(or two workers) give the same file, with the same ETag, for the same resolution.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from datetime import UTC, datetime

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph as DocxParagraph

from ..i18n import gettext, ngettext
from .source import ResolutionSource
from .structure import Line, Run, Unit
from .table import ComparativeTable, Gap, Row

__all__ = ["resolution_docx", "table_docx"]

FONT = "Times New Roman"
_LINK_COLOUR = RGBColor(0x0B, 0x5C, 0xAD)
# python-docx writes no time of its own once these are set; 1980 is the earliest a ZIP entry holds.
_EPOCH = datetime(1980, 1, 1, tzinfo=UTC)


def resolution_docx(source: ResolutionSource) -> bytes:
    """The resolution: page header with number and date, title, text, vote record, authors, hash."""
    doc = _new_document(
        header=f"{source.heading()} · {source.date_label()}",
        title=source.title,
        author=source.forum["title"],
        moment=source.adopted_at,
    )
    kicker = doc.add_paragraph()
    kicker.add_run(source.heading()).bold = True
    kicker.add_run(f" · {source.kind_label()}")
    doc.add_heading(source.title, level=0)
    facts = doc.add_paragraph()
    facts.add_run(f"{gettext('Adopted')}: ").bold = True
    facts.add_run(source.date_label())
    facts.add_run().add_break()
    facts.add_run(f"{gettext('Forum')}: ").bold = True
    facts.add_run(source.forum["title"])
    for unit in source.body_units:
        _add_unit(doc, unit)
    _vote_record(doc, source)
    return _reproducible(doc, source.adopted_at)


def _vote_record(doc, source: ResolutionSource) -> None:
    doc.add_heading(gettext("The vote"), level=1)
    doc.add_paragraph(source.result_words())
    doc.add_heading(gettext("Rule"), level=2)
    for sentence in source.rule_words():
        doc.add_paragraph(sentence, style="List Bullet")
    doc.add_heading(gettext("Tally"), level=2)
    rows = source.tally_rows()
    table = doc.add_table(rows=len(rows), cols=2)
    table.style = "Table Grid"
    for row, (label, value) in zip(table.rows, rows, strict=True):
        row.cells[0].text, row.cells[1].text = label, value
    doc.add_paragraph(
        gettext("The quorum was reached.") if source.tally["quorum_reached"] else gettext("The quorum was not reached.")
    )
    doc.add_heading(gettext("Who wrote the text"), level=1)
    names = source.contributor_names()
    for name in names:
        doc.add_paragraph(name, style="List Bullet")
    if not names:
        doc.add_paragraph(gettext("No authors are recorded."))
    doc.add_heading(gettext("How to verify"), level=1)
    for label, value in (
        (gettext("SHA-256 hash"), source.hash),
        (gettext("Previous resolution's hash"), source.previous_hash or gettext("none: this is the first resolution")),
    ):
        paragraph = doc.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        _code(paragraph.add_run(value))


def _add_unit(doc, unit: Unit) -> None:
    lines = unit.lines
    if unit.kind == "heading":
        doc.add_heading(unit.text, level=min(max(unit.level, 1), 9))
    elif unit.kind == "point":
        first, *rest = lines or (Line(()),)
        paragraph = doc.add_paragraph()
        _hang(paragraph, depth=unit.depth, width=Cm(0.6 + 0.25 * len(unit.label or "")))
        paragraph.add_run(f"{unit.label}.\t")
        _add_runs(paragraph, first.runs)
        for line in rest:
            _add_line(doc, line, base_depth=unit.depth)
    elif unit.kind == "table":
        _add_table(doc, lines)
    else:
        for line in lines:
            paragraph = _add_line(doc, line, base_depth=0)
            if unit.kind == "quote":
                paragraph.paragraph_format.left_indent = Cm(1)
                for run in paragraph.runs:
                    run.italic = True


def _add_line(doc, line: Line, *, base_depth: int) -> DocxParagraph:
    paragraph = doc.add_paragraph()
    depth = base_depth + line.depth
    if line.marker:
        _hang(paragraph, depth=depth, width=Cm(0.8))
        paragraph.add_run(f"{line.marker}\t")
    elif depth:
        paragraph.paragraph_format.left_indent = Cm(1.0 * depth)
    _add_runs(paragraph, line.runs)
    if line.is_code:
        for run in paragraph.runs:
            _code(run)
    return paragraph


def _add_table(doc, lines: Sequence[Line]) -> None:
    rows = [line for line in lines if line.cells]
    if not rows:
        return
    columns = max(len(line.cells) for line in rows)
    table = doc.add_table(rows=len(rows), cols=columns)
    table.style = "Table Grid"
    for docx_row, line in zip(table.rows, rows, strict=True):
        for cell, runs in zip(docx_row.cells, line.cells, strict=False):
            _add_runs(cell.paragraphs[0], runs, bold=line.is_header)
        if line.is_header:
            _repeat_as_header(docx_row)


def _hang(paragraph: DocxParagraph, *, depth: int, width) -> None:
    """A hanging indent: the number at the margin of its level, the text (and its wrapped lines) after a tab."""
    left = Cm(1.0 * (depth - 1)) + width
    fmt = paragraph.paragraph_format
    fmt.left_indent = left
    fmt.first_line_indent = -width
    fmt.tab_stops.add_tab_stop(left)


def _add_runs(paragraph: DocxParagraph, runs: Sequence[Run], *, bold: bool = False) -> None:
    for run in runs:
        if run.href and run.href.startswith(("http:", "https:", "mailto:")):
            _hyperlink(paragraph, run)
            continue
        for k, piece in enumerate(run.text.split("\n")):
            if k:
                paragraph.add_run().add_break()
            if piece:
                docx_run = paragraph.add_run(piece)
                docx_run.bold = run.bold or bold or None
                docx_run.italic = run.italic or None
                if run.code:
                    _code(docx_run)


def _hyperlink(paragraph: DocxParagraph, run: Run) -> None:
    """A real link (python-docx has no API for one): a w:hyperlink around a run, to an external target."""
    assert run.href is not None  # called for linked runs only
    rel_id = paragraph.part.relate_to(run.href, RT.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel_id)
    docx_run = paragraph.add_run(run.text)
    docx_run.underline = True
    docx_run.font.color.rgb = _LINK_COLOUR
    docx_run.bold = run.bold or None
    docx_run.italic = run.italic or None
    link.append(docx_run._r)
    paragraph._p.append(link)


def _code(run) -> None:
    run.font.name = "Courier New"
    run.font.size = Pt(10)


def _repeat_as_header(row) -> None:
    """Mark a table row as the header row Word repeats at the top of every page."""
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(marker)


def _new_document(*, header: str, title: str, author: str, moment: datetime, landscape: bool = False):
    doc = Document()
    section = doc.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    else:
        section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin, section.right_margin = Mm(30), Mm(10)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(12)
    # The text is Ukrainian whatever the reader's Word is set to: spelling and hyphenation follow.
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "uk-UA")
    normal.element.get_or_add_rPr().append(language)
    section.header.is_linked_to_previous = False
    section.header.paragraphs[0].text = header
    _page_number(section.footer.paragraphs[0])
    properties = doc.core_properties
    properties.title, properties.author, properties.last_modified_by = title, author, author
    properties.created = properties.modified = _utc(moment).replace(tzinfo=None)
    properties.revision = 1
    properties.language = "uk-UA"
    return doc


def _utc(moment: datetime) -> datetime:
    # Word keeps UTC without a zone, and a ZIP entry's time has none either.
    return moment.astimezone(UTC)


def _page_number(paragraph: DocxParagraph) -> None:
    """A PAGE field: Word and LibreOffice print each page's number in the footer."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _reproducible(doc, moment: datetime) -> bytes:
    """The saved file with every ZIP entry stamped ``moment``, so the same input gives the same bytes."""
    raw = io.BytesIO()
    doc.save(raw)
    stamp = max(_utc(moment), _EPOCH).timetuple()[:6]
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(raw.getvalue())) as source,
        zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            entry = zipfile.ZipInfo(item.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(item.filename))
    return out.getvalue()


# --- The comparative table ---------------------------------------------------------------------


def table_docx(
    table: ComparativeTable,
    *,
    title: str,
    caption: str,
    old_heading: str,
    new_heading: str,
    header: str,
    moment: datetime | None = None,
) -> bytes:
    """A landscape page with the two-column table: deleted words struck through in the old column,
    inserted words in bold in the new one, as printed comparative tables mark them."""
    moment = moment or _EPOCH
    doc = _new_document(header=header, title=title, author=header, moment=moment, landscape=True)
    doc.add_heading(gettext("Comparative table"), level=1)
    doc.add_paragraph(title).runs[0].bold = True
    doc.add_paragraph(caption)
    if not table.rows:
        doc.add_paragraph(gettext("The two versions have the same wording."))
        return _reproducible(doc, moment)
    grid = doc.add_table(rows=1, cols=2)
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    head = grid.rows[0]
    for cell, text in zip(head.cells, (old_heading, new_heading), strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    _repeat_as_header(head)
    for item in table.items:
        cells = grid.add_row().cells
        if isinstance(item, Gap):
            merged = cells[0].merge(cells[1])
            note = merged.paragraphs[0].add_run(
                ngettext("(%(num)s paragraph without changes)", "(%(num)s paragraphs without changes)", item.count)
            )
            note.italic = True
            continue
        _table_side(cells[0].paragraphs[0], item, old=True)
        _table_side(cells[1].paragraphs[0], item, old=False)
    return _reproducible(doc, moment)


def _table_side(paragraph: DocxParagraph, row: Row, *, old: bool) -> None:
    label, segments, heading = (
        (row.old_label, row.old, row.old_is_heading) if old else (row.new_label, row.new, row.new_is_heading)
    )
    if not segments:
        paragraph.add_run(gettext("(no such provision)") if old else gettext("(removed)")).italic = True
        return
    if label:
        paragraph.add_run(f"{label}. ")
    for segment in segments:
        run = paragraph.add_run(segment.text)
        if segment.kind == "delete":
            run.font.strike = True
        elif segment.kind == "insert":
            run.bold = True
        if heading:
            run.bold = True
