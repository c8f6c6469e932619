"""Keeping the search index current, and rebuilding it. Flushes, never commits.

Every change that alters what a search would find writes the index in the same transaction:
a new revision, a status change, an adoption. The capabilities below announce those
(``deliberation.hooks``) and the handlers at the end of this module hear them. A rolled-back
change leaves the index as it was, and a search never shows text that is no longer there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import TypeVar

from sqlalchemy import and_, delete, func, insert, text, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from ..db import is_sqlite, utcnow
from ..drafting.models import Document, DocumentStatus, Revision
from ..hooks import DocumentStatusChanged, ResolutionRecorded, RevisionSaved
from ..resolutions.models import Resolution
from ..text.lemmas import lemma_text
from .models import FTS_TABLE, SearchEntry, SearchKind

#: Rows lemmatised and written per flush when rebuilding; bounds memory, not correctness.
REINDEX_BATCH = 100
_Id = TypeVar("_Id")

Progress = Callable[[int, int], None]


def _searchable(title: str, body: str) -> str:
    return lemma_text(f"{title}\n\n{body}")


def _entry_of(db: Session, kind: str, object_id: int) -> SearchEntry | None:
    return db.exec(
        select(SearchEntry).where(col(SearchEntry.kind) == kind, col(SearchEntry.object_id) == object_id)
    ).first()


def _write(db: Session, entry: SearchEntry | None, row: dict) -> SearchEntry:
    """Store ``row`` (made by ``_row``, as a rebuild's are) in ``entry``, or in a new one if None."""
    status = DocumentStatus(row["status"])
    if entry is None:
        entry = SearchEntry(
            kind=SearchKind(row["kind"]),
            object_id=row["object_id"],
            visibility=row["visibility"],
            status=status,
            title=row["title"],
            lemmas=row["lemmas"],
        )
    # Written only when it changed: the triggers rebuild the backend's index on a write of it.
    if entry.lemmas != row["lemmas"]:
        entry.lemmas = row["lemmas"]
    entry.workshop_id, entry.revision_number, entry.status = row["workshop_id"], row["revision_number"], status
    entry.title, entry.updated_at = row["title"], row["updated_at"]
    db.add(entry)
    db.flush()
    return entry


def _resolution_row(resolution) -> dict:
    """The entry of an adopted text, from a ``Resolution`` or a row of the same columns: one
    mapping for indexing it when recorded and for a rebuild."""
    return _row(
        kind="resolution",
        object_id=resolution.id,
        workshop_id=resolution.workshop_id,
        revision_number=resolution.revision_number,
        status=DocumentStatus.ADOPTED,
        title=resolution.title,
        body=resolution.text,
        updated_at=resolution.adopted_at,
    )


def _join_head_revision(query):
    """``query`` over documents, joined to each one's head revision: the text a search finds."""
    return query.join(
        Revision,
        and_(col(Revision.document_id) == col(Document.id), col(Revision.number) == col(Document.head_number)),
    )


def index_resolution(db: Session, resolution: Resolution) -> SearchEntry:
    """Index an adopted text for everyone; it never changes again."""
    assert resolution.id is not None  # indexed once recorded
    return _write(db, _entry_of(db, "resolution", resolution.id), _resolution_row(resolution))


def index_document(db: Session, document: Document, revision: Revision) -> SearchEntry | None:
    """Index ``revision`` as the text of ``document``, for members; ``revision`` should be its head.

    An older revision than the one indexed is ignored: a late call must never bring back words
    that were since removed.
    """
    assert document.id is not None  # indexed once saved
    entry = _entry_of(db, "document", document.id)
    if entry is not None and entry.revision_number is not None and revision.number < entry.revision_number:
        return None
    return _write(
        db,
        entry,
        _row(
            kind="document",
            object_id=document.id,
            workshop_id=document.workshop_id,
            revision_number=revision.number,
            status=document.status,
            title=revision.title,
            body=revision.body,
            updated_at=document.updated_at or utcnow(),
        ),
    )


def index_document_status(db: Session, document: Document) -> None:
    """Record a document's new status (its text did not change, so its lemmas stay)."""
    db.execute(
        update(SearchEntry)
        .where(col(SearchEntry.kind) == SearchKind.DOCUMENT, col(SearchEntry.object_id) == document.id)
        .values(status=document.status, updated_at=document.updated_at or utcnow())
    )


def unindex_document(db: Session, document_id: int) -> None:
    db.execute(
        delete(SearchEntry).where(
            col(SearchEntry.kind) == SearchKind.DOCUMENT, col(SearchEntry.object_id) == document_id
        )
    )


# --- what the capabilities below announce (deliberation.wiring registers these) ---------------


def index_saved_revision(db: Session, saved: RevisionSaved) -> None:
    """A search never finds words the text no longer has."""
    document, revision = db.get(Document, saved.document_id), db.get(Revision, saved.revision_id)
    assert document is not None and revision is not None  # announced in the transaction that saved them
    index_document(db, document, revision)


def index_status_change(db: Session, changed: DocumentStatusChanged) -> None:
    document = db.get(Document, changed.document_id)
    assert document is not None  # announced in the transaction that changed it
    index_document_status(db, document)


def index_recorded_resolution(db: Session, recorded: ResolutionRecorded) -> None:
    """The resolution is public from this commit on."""
    resolution = db.get(Resolution, recorded.resolution_id)
    assert resolution is not None  # announced in the transaction that recorded it
    index_resolution(db, resolution)


def _batches(ids: Sequence[_Id]) -> Iterable[Sequence[_Id]]:
    for start in range(0, len(ids), REINDEX_BATCH):
        yield ids[start : start + REINDEX_BATCH]


def reindex(db: Session, *, progress: Progress | None = None) -> int:
    """Rebuild the whole index from the resolutions and the documents' head revisions.

    ``progress(done, total)`` hears once at 0 and after each batch. Returns how many texts were
    indexed. Runs in the caller's transaction: until that commits, searches see the old index.
    Rows are read and written as plain rows, never as objects, so the session holds no texts and
    the caller's objects are left alone.
    """
    report = progress or (lambda done, total: None)
    resolution_ids = list(db.exec(select(col(Resolution.id)).order_by(col(Resolution.id))).all())
    document_ids = list(db.exec(select(col(Document.id)).order_by(col(Document.id))).all())
    total, done = len(resolution_ids) + len(document_ids), 0
    if is_sqlite(db):
        # Emptied on its own first: rows that lost their entry (a restore, a hand edit) go too.
        db.execute(text(f"DELETE FROM {FTS_TABLE}"))
    db.execute(delete(SearchEntry))
    report(done, total)
    for ids, rows_of in ((resolution_ids, _resolution_rows), (document_ids, _document_rows)):
        for batch in _batches(ids):
            _insert(db, rows_of(db, batch))
            done += len(batch)
            report(done, total)
    return total


def _row(
    *,
    kind: str,
    object_id: int,
    workshop_id: int | None,
    revision_number: int | None,
    status: str,
    title: str,
    body: str,
    updated_at: datetime,
) -> dict:
    return dict(
        kind=kind,
        object_id=object_id,
        visibility=SearchKind(kind).visibility,
        workshop_id=workshop_id,
        revision_number=revision_number,
        status=status,
        title=title,
        lemmas=_searchable(title, body),
        updated_at=updated_at,
    )


def _resolution_rows(db: Session, ids: Sequence[int | None]) -> list[dict]:
    """A rebuild's entries for the resolutions ``ids``, read as plain rows."""
    rows = db.execute(
        sa_select(
            col(Resolution.id),
            col(Resolution.workshop_id),
            col(Resolution.revision_number),
            col(Resolution.title),
            col(Resolution.text),
            col(Resolution.adopted_at),
        ).where(col(Resolution.id).in_(ids))
    ).all()
    return [_resolution_row(r) for r in rows]


def _document_rows(db: Session, ids: Sequence[int | None]) -> list[dict]:
    """A rebuild's entries for the documents ``ids`` at their head revisions, read as plain rows."""
    query = sa_select(
        col(Document.id),
        col(Document.workshop_id),
        col(Document.status),
        col(Document.updated_at),
        col(Revision.number),
        col(Revision.title),
        col(Revision.body),
    )
    rows = db.execute(_join_head_revision(query).where(col(Document.id).in_(ids))).all()
    return [
        _row(
            kind="document",
            object_id=r.id,
            workshop_id=r.workshop_id,
            revision_number=r.number,
            status=r.status,
            title=r.title,
            body=r.body,
            updated_at=r.updated_at,
        )
        for r in rows
    ]


def _insert(db: Session, rows: list[dict]) -> None:
    if rows:
        db.execute(insert(SearchEntry), rows)


#: Entries compared with a fresh lemmatisation by ``stale_entries``: enough to catch a changed
#: lemmatiser (almost every text of a few sentences changes), few enough for every upgrade.
STALE_SAMPLE = 50


def stale_entries(db: Session, *, sample: int = STALE_SAMPLE) -> int:
    """How many texts the index misses or holds in another form than today's lemmatiser makes.

    Counts texts without an entry, then compares up to ``sample`` entries, spread over the
    table, with their text lemmatised now. A new lemmatiser (this one added every candidate
    lemma of a word), a new dictionary release in the lock file, or texts written before the
    index existed all show here; 0 means a rebuild would change nothing that was looked at.
    """
    texts = (
        db.execute(select(func.count()).select_from(Resolution)).scalar_one()
        + db.execute(select(func.count()).select_from(Document)).scalar_one()
    )
    entries = db.execute(select(func.count()).select_from(SearchEntry)).scalar_one()
    missing = max(0, texts - entries)
    ids = list(db.exec(select(col(SearchEntry.id)).order_by(col(SearchEntry.id))).all())
    step = max(1, len(ids) // max(1, sample))
    chosen = ids[::step][:sample]
    if not chosen:
        return missing
    rows = db.execute(
        select(col(SearchEntry.kind), col(SearchEntry.object_id), col(SearchEntry.lemmas)).where(
            col(SearchEntry.id).in_(chosen)
        )
    ).all()
    current = _current_lemmas(db, rows)
    return missing + sum(1 for row in rows if current.get((row.kind, row.object_id)) != row.lemmas)


def _current_lemmas(db: Session, rows) -> dict[tuple[str, int], str]:
    """What the index should hold today for the texts behind ``rows``; a text gone is absent."""
    out: dict[tuple[str, int], str] = {}
    resolution_ids = [row.object_id for row in rows if row.kind == SearchKind.RESOLUTION]
    document_ids = [row.object_id for row in rows if row.kind == SearchKind.DOCUMENT]
    if resolution_ids:
        for rid, title, body in db.execute(
            select(col(Resolution.id), col(Resolution.title), col(Resolution.text)).where(
                col(Resolution.id).in_(resolution_ids)
            )
        ):
            out[("resolution", rid)] = _searchable(title, body)
    if document_ids:
        for did, title, body in db.execute(
            _join_head_revision(select(col(Document.id), col(Revision.title), col(Revision.body))).where(
                col(Document.id).in_(document_ids)
            )
        ):
            out[("document", did)] = _searchable(title, body)
    return out


def reindex_if_stale(db: Session, *, progress: Progress | None = None) -> int | None:
    """Rebuild the index when ``stale_entries`` finds it out of date; how many texts were indexed,
    or None when it was current. For the upgrade path (``deliberation migrate``), after the
    schema is at head."""
    if not stale_entries(db):
        return None
    return reindex(db, progress=progress)
