"""Reading documents and revisions in a fixed number of queries, whatever the history's length."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from threading import Lock

from sqlalchemy.orm import defer
from sqlmodel import Session, col, func, select

from ..accounts.models import User
from ..text.diff import word_diff
from ..text.paragraphs import Paragraph, split_units
from ..workshops.models import Workshop
from .models import Document, Revision

HISTORY_PAGE_SIZE = 50


@dataclass(frozen=True)
class DocumentView:
    document: Document
    workshop: Workshop
    revision: Revision
    author: User


@dataclass(frozen=True)
class HistoryEntry:
    revision: Revision
    author: User


@dataclass(frozen=True)
class HistoryPage:
    entries: list[HistoryEntry]
    page: int
    pages: int
    total: int


def paragraphs_of(revision: Revision) -> list[Paragraph]:
    """The revision's paragraph units with their stable ids."""
    units = split_units(revision.body)
    return [Paragraph(pid, text) for pid, text in zip(revision.paragraph_ids, units, strict=True)]


def get_document(db: Session, document_id: int) -> Document | None:
    return db.get(Document, document_id)


def get_document_view(db: Session, *, document_id: int, number: int | None = None) -> DocumentView | None:
    """A document with one of its revisions (the newest by default), its author and workshop."""
    document_row = db.exec(
        select(Document, Workshop)
        .join(Workshop, col(Workshop.id) == Document.workshop_id)
        .where(col(Document.id) == document_id)
    ).first()
    if document_row is None:
        return None
    document, workshop = document_row
    row = db.exec(
        select(Revision, User)
        .join(User, col(User.id) == Revision.author_id)
        .where(
            Revision.document_id == document_id,
            Revision.number == (number if number is not None else document.head_number),
        )
    ).first()
    if row is None:
        return None
    return DocumentView(document=document, workshop=workshop, revision=row[0], author=row[1])


def get_revision(db: Session, *, document_id: int, number: int) -> Revision | None:
    return db.exec(select(Revision).where(Revision.document_id == document_id, Revision.number == number)).first()


def get_revisions(db: Session, *, document_id: int, numbers: list[int]) -> dict[int, Revision]:
    rows = db.exec(
        select(Revision).where(col(Revision.document_id) == document_id, col(Revision.number).in_(numbers))
    ).all()
    return {r.number: r for r in rows}


# A list of revisions shows no text: their bodies stay in the database. SQLModel types a column as
# its value, which ``defer`` does not take, so the mapped attributes are looked up by name.
_WITHOUT_TEXTS = [defer(getattr(Revision, name)) for name in ("body", "attribution", "paragraph_ids")]


def list_history(db: Session, *, document_id: int, page: int = 1) -> HistoryPage:
    """Newest first, a page at a time, without loading the texts."""
    total = db.exec(select(func.count()).select_from(Revision).where(Revision.document_id == document_id)).one()
    pages = max(1, -(-total // HISTORY_PAGE_SIZE))
    page = min(max(1, page), pages)
    rows = db.exec(
        select(Revision, User)
        .join(User, col(User.id) == Revision.author_id)
        .where(Revision.document_id == document_id)
        .options(*_WITHOUT_TEXTS)
        .order_by(col(Revision.number).desc())
        .offset((page - 1) * HISTORY_PAGE_SIZE)
        .limit(HISTORY_PAGE_SIZE)
    ).all()
    return HistoryPage([HistoryEntry(r, u) for r, u in rows], page, pages, total)


def list_revision_authors(db: Session, *, document_id: int, numbers: set[int]) -> dict[int, tuple[Revision, User]]:
    """The revisions (without texts) and authors behind a set of revision numbers, in one query."""
    if not numbers:
        return {}
    rows = db.exec(
        select(Revision, User)
        .join(User, col(User.id) == Revision.author_id)
        .where(col(Revision.document_id) == document_id, col(Revision.number).in_(sorted(numbers)))
        .options(*_WITHOUT_TEXTS)
    ).all()
    return {r.number: (r, u) for r, u in rows}


def list_workshop_documents(db: Session, *, workshop_id: int) -> list[Document]:
    return list(
        db.exec(
            select(Document).where(col(Document.workshop_id) == workshop_id).order_by(col(Document.updated_at).desc())
        ).all()
    )


class _DiffCache:
    """Word diffs between stored revisions, computed once per process.

    Revisions never change, so a diff is keyed by the two texts' hashes: the same pair of texts
    never needs diffing twice, whichever document or database it came from.
    """

    def __init__(self, size: int = 256) -> None:
        self._items: OrderedDict[tuple[str, str], list] = OrderedDict()
        self._size = size
        self._lock = Lock()

    def diff(self, old: Revision, new: Revision) -> list[tuple[int, str]]:
        key = (old.body_sha256, new.body_sha256)
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        ops = word_diff(old.body, new.body)
        with self._lock:
            self._items[key] = ops
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return ops

    def __len__(self) -> int:
        return len(self._items)


diff_cache = _DiffCache()
