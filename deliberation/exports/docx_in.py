"""Starting a draft from a Word file: .docx to the site's Markdown with mammoth, then a new document.

mammoth reads the document's structure (heading styles, Word lists, bold and italics) rather than
its looks, which is what a draft needs. Its Markdown writer is cautious, so ``tidy_markdown``
finishes the job:

- images are dropped (``convert_image`` returns nothing): a draft's text has none, and a data URI
  would bloat every revision;
- the ``<a id="…"></a>`` anchors it writes for bookmarks and footnotes are removed, so the stored
  text holds no HTML at all;
- its backslash before nearly every punctuation mark (``обʼєкт\\.``, ``будь\\-який``) is kept only
  where the character would otherwise start markup: ``*``, ``_``, backticks and brackets always,
  ``#``, ``-``, ``+`` at the start of a line; a line typed as "1. …" (numbering typed by hand, as in
  many council documents) becomes a numbered point, while "2026. рік" stays text;
- ``__bold__`` becomes ``**bold**``, which also works inside a word;
- a nested numbered list becomes dotted points ("2.1."), the site's form for sub-points, so every
  point keeps its own paragraph id and number.

The file is checked before mammoth sees it: a .docx name, at most ``MAX_BYTES``, a ZIP with a
Word body, and no more than ``MAX_UNPACKED_BYTES`` once unpacked (a small ZIP can unpack to
gigabytes), counting the bytes actually inflated, not only the sizes the ZIP declares. mammoth then
runs in a child process (``docx_convert``) capped in CPU time, memory and wall-clock time, at most
``MAX_CONVERSIONS`` at once: a file built to be slow costs that process, never the server or the
other visitors. 20 MB of WordprocessingML is several times what the 400,000 characters of a draft
need. Nothing is written unless the whole conversion succeeded.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import threading
import zipfile
from collections.abc import Mapping
from pathlib import Path

from sqlmodel import Session

from ..accounts.models import User
from ..drafting import actions, rules
from ..drafting.models import Document, DocumentKind
from ..errors import DomainError, ValidationError, require
from ..i18n import N_
from ..validation import Checker, bounded, clean_line
from ..workshops.models import Membership, Workshop
from . import docx_convert

__all__ = ["MAX_BYTES", "MAX_UNPACKED_BYTES", "check_import_document", "docx_to_markdown", "tidy_markdown"]

MAX_BYTES = 2 * 1024 * 1024
MAX_UNPACKED_BYTES = docx_convert.MAX_UNPACKED_BYTES
CPU_SECONDS = docx_convert.CPU_SECONDS
MEMORY_BYTES = docx_convert.ADDRESS_SPACE_BYTES
WALL_SECONDS = 30  # more than the CPU limit: a busy machine gives the child less than a whole core
MAX_CONVERSIONS = 2  # children at once; a third import waits up to QUEUE_SECONDS, then is asked to retry
QUEUE_SECONDS = 10
_CONVERSIONS = threading.BoundedSemaphore(MAX_CONVERSIONS)
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])

_ANCHOR = re.compile(r'<a id="[^"<>]*"></a>')
_ESCAPE = re.compile(r"\\(.)")
_ALWAYS_ESCAPED = set("\\`*_[]")
_LINE_START_ESCAPED = set("#-+")
# A point numbered by hand: "1\. ", "2\.1\. ", "3\) " (at most three digits, so a year is not one).
_TYPED_POINT = re.compile(r"^(\d{1,3}(?:\\\.\d{1,3})*)\\([.)])(?=\s)")
_ORDERED_ITEM = re.compile(r"^(\t*)(\d+)\. (.*)$")


def _refused(code: str, message: str) -> DomainError:
    return DomainError(code, message, field="file")


def docx_to_markdown(data: bytes, *, filename: str = "", max_bytes: int = MAX_BYTES) -> str:
    """The text of a .docx as Markdown for a draft; DomainError (field "file") when it cannot be one."""
    if not filename.lower().endswith(".docx"):
        raise _refused("not_docx", N_("Please choose a Word document saved as .docx."))
    if len(data) > max_bytes:
        raise DomainError(
            "file_too_large",
            N_("The file is larger than %(limit)s MB. Please send a smaller one."),
            field="file",
            limit=max(1, max_bytes // (1024 * 1024)),
        )
    _check_package(data)
    text = tidy_markdown(_convert_in_child(data))
    if not text.strip():
        raise _refused("empty_docx", N_("This Word document has no text."))
    return text


def _unreadable() -> DomainError:
    return _refused(
        "unreadable_docx",
        N_(
            "This file could not be read as a Word document. Please open it in "
            "Word or LibreOffice, save it again as .docx and retry."
        ),
    )


def _too_large() -> DomainError:
    return DomainError(
        "docx_unpacks_too_large",
        N_(
            "Unpacked, this Word document is larger than %(limit)s MB of text "
            "and formatting. Please split it, or save it without images and "
            "tracked changes, and retry."
        ),
        field="file",
        limit=MAX_UNPACKED_BYTES // (1024 * 1024),
    )


def _check_package(data: bytes) -> None:
    """The cheap checks on the ZIP's directory, in this process; the child checks the real sizes again."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            members = package.infolist()
    except (zipfile.BadZipFile, ValueError):
        raise _unreadable() from None
    if not any(m.filename == "word/document.xml" for m in members):
        raise _unreadable()
    if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
        raise _too_large()


def _convert_in_child(data: bytes) -> str:
    if not _CONVERSIONS.acquire(timeout=QUEUE_SECONDS):
        raise _refused("docx_busy", N_("Other Word documents are being converted right now. Please retry in a minute."))
    try:
        done = subprocess.run(
            [sys.executable, "-m", "deliberation.exports.docx_convert", str(CPU_SECONDS), str(MEMORY_BYTES)],
            input=data,
            capture_output=True,
            timeout=WALL_SECONDS,
            check=False,
            env=os.environ
            | {"PYTHONPATH": os.pathsep.join(filter(None, [_PACKAGE_ROOT, os.environ.get("PYTHONPATH")]))},
        )
    except subprocess.TimeoutExpired:  # run() has killed the child
        raise _too_complex() from None
    finally:
        _CONVERSIONS.release()
    if done.returncode == 0:
        return done.stdout.decode("utf-8", "replace")
    if done.returncode == docx_convert.EXIT_UNREADABLE:
        raise _unreadable()
    if done.returncode == docx_convert.EXIT_TOO_LARGE:
        raise _too_large()
    raise _too_complex()  # killed by its CPU limit, or out of memory


def _too_complex() -> DomainError:
    return _refused(
        "docx_too_complex",
        N_(
            "Converting this Word document took more time or memory than any one "
            "file may use. Please split it, or save it without images and tracked "
            "changes, and retry."
        ),
    )


def tidy_markdown(markdown: str) -> str:
    """mammoth's Markdown in the form the site stores (see the module docstring)."""
    text = _ANCHOR.sub("", markdown).replace("\r\n", "\n")
    lines = [_unescape(_strong(line)) for line in text.split("\n")]
    text = "\n".join(_dotted_points(lines))
    text = re.sub(r"[ \t]+$", lambda m: m.group() if m.group() == "  " else "", text, flags=re.M)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def _strong(line: str) -> str:
    """``__`` that mammoth wrote for bold (a literal underscore arrives escaped) becomes ``**``."""
    out, i = [], 0
    while i < len(line):
        if line[i] == "\\" and i + 1 < len(line):
            out.append(line[i : i + 2])
            i += 2
        elif line.startswith("__", i):
            out.append("**")
            i += 2
        else:
            out.append(line[i])
            i += 1
    return "".join(out)


def _unescape(line: str) -> str:
    typed = _TYPED_POINT.match(line.lstrip("\t"))
    indent = line[: len(line) - len(line.lstrip("\t"))]
    if typed:
        marker = typed.group(1).replace("\\.", ".") + typed.group(2)
        line = indent + marker + line[len(indent) + typed.end() :]
    lead = len(line) - len(line.lstrip(" \t"))

    def keep_or_drop(match: re.Match) -> str:
        char = match.group(1)
        if char in _ALWAYS_ESCAPED or (char in _LINE_START_ESCAPED and match.start() == lead):
            return match.group()
        if char in ".)" and re.fullmatch(r"\s*\d+", line[: match.start()]):
            return match.group()  # "2026\. рік" at the start of a line must not become a list
        return char

    return _ESCAPE.sub(keep_or_drop, line)


def _dotted_points(lines: list[str]) -> list[str]:
    """Nested numbered items ("\\t1. …" under "2. …") as dotted points ("2.1. …")."""
    out: list[str] = []
    numbers: list[int] = []
    for line in lines:
        item = _ORDERED_ITEM.match(line)
        if item is None:
            if line.strip() and not line.startswith(("\t", " ")):
                numbers = []  # a paragraph between lists: the next list starts afresh
            out.append(line)
            continue
        depth, n = len(item.group(1)), int(item.group(2))
        numbers = (numbers + [1] * depth)[:depth] + [n]
        out.append(f"{'.'.join(map(str, numbers))}. {item.group(3)}" if depth else line)
    return out


def check_import_document(
    db: Session, *, workshop: Workshop, actor: User, membership: Membership | None, data: Mapping
) -> Document:
    """A new document from the uploaded ``file`` (a .docx), with ``kind`` and ``title`` from the form.

    Without a title the file's first heading is used. Every problem (with the file, the kind or
    the title) is reported at once, and nothing is written unless the document is created.
    """
    require(rules.can_create_document(actor, membership))
    upload = data.get("file")
    body, file_error = "", None
    if upload is None or isinstance(upload, str) or not getattr(upload, "filename", ""):
        file_error = DomainError("required", N_("Please choose a Word document saved as .docx."), field="file")
    else:
        try:
            body = docx_to_markdown(_read(upload), filename=upload.filename)
        except DomainError as error:
            file_error = error
    title = str(data.get("title") or "").strip() or _first_heading(body)
    fields = {key: value for key, value in data.items() if key != "file"} | {"title": title, "body": body}
    if file_error is not None:
        # Report the kind and title too, without creating anything.
        check = Checker(fields)
        check.errors["file"] = file_error
        check.choice("kind", DocumentKind)
        check.text("title", max_length=300, min_length=3)
        raise ValidationError(check.errors)
    return actions.check_create_document(db, workshop=workshop, actor=actor, membership=membership, data=fields)


def _read(upload) -> bytes:
    """The uploaded bytes, reading at most one byte past the limit (the file may be spooled to disk)."""
    upload.file.seek(0)
    return upload.file.read(MAX_BYTES + 1)


def _first_heading(markdown: str) -> str:
    match = re.search(r"^#{1,6} +(.+?) *#* *$", markdown, flags=re.M)
    return bounded(clean_line(match.group(1).replace("\\", "")), 300) if match else ""
