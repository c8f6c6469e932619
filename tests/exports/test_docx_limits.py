"""A Word file built to be slow or huge costs a child process with limits, never the server."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest

from deliberation.errors import DomainError
from deliberation.exports import docx_convert, docx_in
from deliberation.exports.docx_in import MAX_UNPACKED_BYTES, docx_to_markdown


def _word(paragraphs: int, text: str = "Громада затверджує положення.") -> bytes:
    document = docx.Document()
    for _ in range(paragraphs):
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _with_member(data: bytes, name: str, content: bytes) -> bytes:
    """``data`` with ``name`` replaced by ``content``, deflated (zeros pack a thousandfold)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            if member.filename != name:
                target.writestr(member.filename, source.read(member))
        target.writestr(name, content)
    return out.getvalue()


def _many_paragraphs(n: int, text: str = "Пункт.") -> bytes:
    """A Word file of ``n`` paragraphs, written straight as XML (python-docx is slow at this)."""
    body = "".join(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>" for _ in range(n))
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w='
        f'"http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>'
    )
    return _with_member(_word(1), "word/document.xml", xml.encode())


def test_a_small_file_that_unpacks_past_the_limit_is_refused_with_the_reason():
    bomb = _with_member(_word(1), "word/document.xml", b"<" + b" " * (41 * 1024 * 1024))
    assert len(bomb) < 200_000
    with pytest.raises(DomainError) as refused:
        docx_to_markdown(bomb, filename="бомба.docx")
    assert refused.value.code == "docx_unpacks_too_large" and refused.value.field == "file"


def test_the_unpacked_limit_counts_every_member_and_is_what_the_text_limit_needs():
    assert MAX_UNPACKED_BYTES == 20 * 1024 * 1024
    padded = _with_member(_word(1), "customXml/item9.xml", b" " * (MAX_UNPACKED_BYTES + 1))
    with pytest.raises(DomainError) as refused:
        docx_to_markdown(padded, filename="padded.docx")
    assert refused.value.code == "docx_unpacks_too_large"


def test_the_child_counts_inflated_bytes_whatever_the_zip_declares():
    data = _word(3)
    assert docx_convert.bounded_copy(data)  # within the limit: copied
    with pytest.raises(docx_convert.TooLarge):
        docx_convert.bounded_copy(data, limit=1000)


def test_images_do_not_count_against_the_texts_room():
    data = _with_member(_word(2), "word/media/image1.png", b"\x89PNG" + b"\0" * (MAX_UNPACKED_BYTES // 2))
    copied = zipfile.ZipFile(io.BytesIO(docx_convert.bounded_copy(data)))
    assert copied.read("word/media/image1.png") == b""


def test_a_conversion_over_its_cpu_time_is_ended_and_explained(monkeypatch):
    slow = _many_paragraphs(30_000)  # several seconds of mammoth's CPU time
    monkeypatch.setattr(docx_in, "CPU_SECONDS", 1)
    with pytest.raises(DomainError) as refused:
        docx_to_markdown(slow, filename="повільний.docx")
    assert refused.value.code == "docx_too_complex"


def test_a_conversion_over_its_memory_is_ended_and_explained(monkeypatch):
    monkeypatch.setattr(docx_in, "MEMORY_BYTES", 64 * 1024 * 1024)
    long_paragraphs = _many_paragraphs(3000, "Громада затверджує. " * 50)  # 5.6 MB of XML
    with pytest.raises(DomainError) as refused:
        docx_to_markdown(long_paragraphs, filename="великий.docx")
    assert refused.value.code == "docx_too_complex"


def test_an_ordinary_file_still_converts_in_the_child():
    assert docx_to_markdown(_word(3, "Перший пункт рішення."), filename="рішення.docx") == (
        "Перший пункт рішення.\n\nПерший пункт рішення.\n\nПерший пункт рішення.\n"
    )


def test_the_conversion_child_runs_at_the_lowest_priority_so_pages_go_first():
    import subprocess
    import sys

    niceness = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os; from deliberation.exports import docx_convert as c; c.limit_self(); print(os.nice(0))",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert int(niceness) == 19
