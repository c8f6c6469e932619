"""The attachment: what its bytes really are, and the name it may be served under.

A file's name and the browser's content type are the sender's to choose, so neither decides
anything. The bytes do: a PDF starts with ``%PDF-``; a Word document is a ZIP package with
``[Content_Types].xml`` and ``word/document.xml``. The ZIP is opened here only to read its
directory and to inflate each member through a counted read, so a small ZIP that would unpack to
gigabytes (a "zip bomb" aimed at whoever opens it) is refused after ``MAX_UNPACKED_BYTES``, as the
Word import refuses it (``exports/docx_convert``); nothing here parses the XML.

The upload was already refused above ``MAX_ATTACHMENT_BYTES`` (plus the form's margin) from its
Content-Length and again while streaming, before any handler ran (``web/forms.py``); the bytes are
read once more here with a bound, never whole past it.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

from ..errors import DomainError
from ..i18n import N_
from .models import MAX_FILENAME_CHARS, AttachmentKind

MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_ZIP_MEMBERS = 2000
_CHUNK = 64 * 1024
_SUFFIX = {AttachmentKind.PDF: ".pdf", AttachmentKind.DOCX: ".docx"}
CONTENT_TYPES = {
    AttachmentKind.PDF: "application/pdf",
    AttachmentKind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
# Letters (any script), digits, and a few separators survive; everything else becomes "_".
_UNSAFE = re.compile(r"[^\w.\- ]+")


@dataclass(frozen=True)
class CheckedFile:
    kind: AttachmentKind
    filename: str
    data: bytes
    sha256: str


def _refused(code: str, message: str, **params) -> DomainError:
    return DomainError(code, message, field="attachment", **params)


def too_large() -> DomainError:
    return _refused(
        "attachment_too_large",
        N_("The file is larger than %(limit)s MB. Please attach a smaller one."),
        limit=MAX_ATTACHMENT_BYTES // (1024 * 1024),
    )


def wrong_type() -> DomainError:
    return _refused("attachment_type", N_("Please attach a PDF document or a Word document saved as .docx."))


def read_bounded(stream: BinaryIO) -> bytes:
    """The upload's bytes, reading at most one byte past the limit (it may be spooled to disk)."""
    stream.seek(0)
    data = stream.read(MAX_ATTACHMENT_BYTES + 1)
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise too_large()
    return data


def kind_of(data: bytes) -> AttachmentKind:
    """What ``data`` is, judged by its bytes alone; DomainError when it is neither a PDF nor a .docx."""
    if data.startswith(b"%PDF-"):
        return AttachmentKind.PDF
    if data.startswith(b"PK\x03\x04"):
        _check_docx(data)
        return AttachmentKind.DOCX
    raise wrong_type()


def _check_docx(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            members = package.infolist()
            names = {member.filename for member in members}
            if "word/document.xml" not in names or "[Content_Types].xml" not in names:
                raise wrong_type()
            if len(members) > MAX_ZIP_MEMBERS or sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
                raise _unpacks_too_large()
            # The declared sizes may lie: count what actually inflates.
            total = 0
            for member in members:
                with package.open(member) as stream:
                    while chunk := stream.read(_CHUNK):
                        total += len(chunk)
                        if total > MAX_UNPACKED_BYTES:
                            raise _unpacks_too_large()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, KeyError, EOFError, NotImplementedError, OSError):
        # OSError: zlib.error is one; NotImplementedError: a compression method zipfile lacks.
        raise wrong_type() from None


def _unpacks_too_large() -> DomainError:
    return _refused(
        "attachment_unpacks_too_large",
        N_("Unpacked, this Word document is larger than %(limit)s MB. Please save it without images and retry."),
        limit=MAX_UNPACKED_BYTES // (1024 * 1024),
    )


def safe_filename(sent: str, kind: AttachmentKind) -> str:
    """The sender's file name as it may go into a Content-Disposition header and a page: no path,
    no control or quoting characters, NFC, bounded, and the suffix of what the bytes are."""
    name = unicodedata.normalize("NFC", sent).replace("\\", "/").rsplit("/", 1)[-1]
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = _UNSAFE.sub("_", stem).strip(" ._-")[: MAX_FILENAME_CHARS - 8] or "attachment"
    return stem + _SUFFIX[kind]


def check_upload(stream: BinaryIO, sent_name: str) -> CheckedFile:
    data = read_bounded(stream)
    if not data:
        raise _refused("attachment_empty", N_("The attached file is empty."))
    kind = kind_of(data)
    return CheckedFile(kind, safe_filename(sent_name, kind), data, hashlib.sha256(data).hexdigest())
