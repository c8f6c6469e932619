"""The comparative table's rows, and mammoth's Markdown tidied into the form drafts are stored in."""

from __future__ import annotations

import io
import struct
import zlib

import docx
import pytest

from deliberation.errors import DomainError
from deliberation.exports.docx_in import docx_to_markdown, tidy_markdown
from deliberation.exports.docx_out import table_docx
from deliberation.exports.structure import units_of
from deliberation.exports.table import Gap, Row, comparative_table

OLD = ["a", "b", "c", "d"]


def _units(*texts, ids):
    return units_of("\n\n".join(texts), ids)


def test_rows_are_aligned_by_paragraph_id_so_an_inserted_point_shifts_nothing():
    old = _units("Рада вирішила:", "1. Перше.", "2. Друге.", "3. Третє.", ids=OLD)
    new = _units(
        "Рада вирішила:", "1. Перше.", "2. Нове друге.", "3. Друге.", "4. Третє.", ids=["a", "b", "x", "c", "d"]
    )
    table = comparative_table(old, new)
    assert [type(item).__name__ for item in table.items] == ["Gap", "Row", "Gap"]
    (row,) = table.rows
    assert (row.change, row.old, row.new_label) == ("added", (), "2")
    # "Друге" and "Третє" kept their ids and words; only their numbers moved, so they are not rows.
    assert table.unchanged == 4


def test_a_changed_paragraph_marks_the_words_removed_and_added():
    old = _units("1. Провести інформаційну кампанію.", ids=["a"])
    new = _units("1. Провести широку кампанію.", ids=["a"])
    (row,) = comparative_table(old, new).rows
    assert row.change == "changed" and (row.old_label, row.new_label) == ("1", "1")
    assert ("delete", "інформаційну") in [(s.kind, s.text) for s in row.old]
    assert ("insert", "широку") in [(s.kind, s.text) for s in row.new]
    assert "".join(s.text for s in row.old) == "Провести інформаційну кампанію."
    assert "".join(s.text for s in row.new) == "Провести широку кампанію."


def test_a_removed_paragraph_stays_where_it_was():
    old = _units("Перший.", "Другий.", "Третій.", ids=["a", "b", "c"])
    new = _units("Перший.", "Третій.", ids=["a", "c"])
    items = comparative_table(old, new).items
    assert items[0] == Gap(1) and items[2] == Gap(1)
    assert isinstance(items[1], Row) and items[1].change == "removed" and items[1].new == ()


def test_only_formatting_changed_is_no_change_of_wording():
    table = comparative_table(_units("Рада **вирішила**:", ids=["a"]), _units("Рада вирішила:", ids=["a"]))
    assert table.rows == () and table.unchanged == 1


def test_table_docx_strikes_removed_words_and_bolds_added_ones():
    old = _units("1. Провести інформаційну кампанію.", "2. Без змін.", ids=["a", "b"])
    new = _units("1. Провести широку кампанію.", "2. Без змін.", ids=["a", "b"])
    raw = table_docx(
        comparative_table(old, new),
        title="Про бюджет",
        caption="Версія 1 і версія 2",
        old_heading="Чинна редакція",
        new_heading="Запропонована редакція",
        header="Майстерня",
    )
    (grid,) = docx.Document(io.BytesIO(raw)).tables
    assert len(grid.columns) == 2
    assert [cell.text for cell in grid.rows[0].cells] == ["Чинна редакція", "Запропонована редакція"]
    left, right = grid.rows[1].cells
    assert [run.text for run in left.paragraphs[0].runs if run.font.strike] == ["інформаційну"]
    assert [run.text for run in right.paragraphs[0].runs if run.bold] == ["широку"]


# --- mammoth's Markdown -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, stored",
    [
        ("водогін \\(див\\. додаток\\!\\)\\.", "водогін (див. додаток!)."),
        ("будь\\-який обʼєкт", "будь-який обʼєкт"),
        ("a\\_b і \\*зірка\\*", "a\\_b і \\*зірка\\*"),
        ("\\# не заголовок", "\\# не заголовок"),
        ("\\- не пункт", "\\- не пункт"),
        ("2026\\. рік почався", "2026\\. рік почався"),
        ("1\\. Пункт, набраний вручну\\.", "1. Пункт, набраний вручну."),
        ("2\\.1\\. Підпункт", "2.1. Підпункт"),
        ("Громада __просить__ і п__рос__ить", "Громада **просить** і п**рос**ить"),
        ('<a id="_Toc1"></a>Розділ з закладкою', "Розділ з закладкою"),
        (
            "1. Перше\n2. Друге\n\t1. Вкладене\n\t2. Ще одне\n3. Третє",
            "1. Перше\n2. Друге\n2.1. Вкладене\n2.2. Ще одне\n3. Третє",
        ),
    ],
)
def test_mammoth_markdown_is_tidied(raw, stored):
    assert tidy_markdown(raw) == stored + "\n"


def test_a_file_that_is_not_a_docx_is_refused_with_a_reason():
    with pytest.raises(DomainError) as refused:
        docx_to_markdown(b"plain text", filename="notes.txt")
    assert refused.value.code == "not_docx" and refused.value.field == "file"
    with pytest.raises(DomainError) as refused:
        docx_to_markdown(b"PK\x03\x04 not really a zip", filename="notes.docx")
    assert refused.value.code == "unreadable_docx"


def test_a_file_over_the_limit_is_refused_before_it_is_read():
    with pytest.raises(DomainError) as refused:
        docx_to_markdown(b"x" * 2000, filename="big.docx", max_bytes=1000)
    assert refused.value.code == "file_too_large"


def test_images_are_dropped():
    document = docx.Document()
    document.add_paragraph("Текст до малюнка.")
    document.add_picture(io.BytesIO(_one_pixel_png()))
    raw = io.BytesIO()
    document.save(raw)
    text = docx_to_markdown(raw.getvalue(), filename="з малюнком.docx")
    assert text == "Текст до малюнка.\n"


def _one_pixel_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )
