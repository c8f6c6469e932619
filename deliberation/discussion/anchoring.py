"""Keeping comments attached to their passages as the text changes.

Where each comment's passage is in the newest revision is stored on the comment and re-placed
when a revision is saved, in the save's transaction (``refresh_saved_anchors`` hears it): one query finds
the comments placed on an older revision, one statement writes their new places. Pages only read
stored positions; a GET never writes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import bindparam, update
from sqlmodel import Session, col, select

from ..db import table_of
from ..drafting.models import Document, Revision
from ..drafting.queries import paragraphs_of
from ..hooks import RevisionSaved
from ..text.anchors import Anchor, reanchor
from ..text.paragraphs import Paragraph
from .models import AnchorStatus, Comment


def place(
    anchor: Mapping[str, Any] | None, paragraphs: list[Paragraph]
) -> tuple[str | None, AnchorStatus | None, int | None, int | None]:
    """(pid, status, start, end) of a stored anchor in these paragraphs."""
    if anchor is None:
        return None, None, None, None
    if not anchor.get("exact"):
        # A comment on a whole paragraph (picked without selecting): it follows the paragraph's id.
        found = any(p.pid == anchor["pid"] for p in paragraphs)
        return anchor["pid"], AnchorStatus.EXACT if found else AnchorStatus.OUTDATED, None, None
    result = reanchor(
        Anchor(
            pid=anchor["pid"],
            exact=anchor["exact"],
            prefix=anchor.get("prefix", ""),
            suffix=anchor.get("suffix", ""),
            start=anchor.get("start", 0),
        ),
        paragraphs,
    )
    if result.status == AnchorStatus.OUTDATED:
        return anchor["pid"], AnchorStatus.OUTDATED, None, None
    return result.pid, AnchorStatus(result.status), result.start, result.end


def refresh_anchors(db: Session, *, document: Document, head: Revision) -> int:
    """Re-place every comment anchored on an older revision; returns how many moved on."""
    stale = db.exec(
        select(Comment.id, Comment.anchor).where(
            col(Comment.document_id) == document.id,
            col(Comment.anchor).is_not(None),
            col(Comment.anchor_revision) < head.number,
        )
    ).all()
    if not stale:
        return 0
    paragraphs = paragraphs_of(head)
    rows = []
    for comment_id, anchor in stale:
        pid, status, start, end = place(anchor, paragraphs)
        rows.append({"cid": comment_id, "pid": pid, "status": status, "start": start, "end": end, "rev": head.number})
    table = table_of(Comment)
    # Core executemany: one statement for all of them, whatever their number.
    db.connection().execute(
        update(table)
        .where(table.c.id == bindparam("cid"))
        .values(
            anchor_pid=bindparam("pid"),
            anchor_status=bindparam("status"),
            anchor_start=bindparam("start"),
            anchor_end=bindparam("end"),
            anchor_revision=bindparam("rev"),
        ),
        rows,
    )
    return len(rows)


def refresh_saved_anchors(db: Session, saved: RevisionSaved) -> None:
    """Comments follow their passages into the new version with the save, so that pages only read
    stored places: a page that re-placed them would write while serving a read."""
    document, head = db.get(Document, saved.document_id), db.get(Revision, saved.revision_id)
    # The hook runs in the save's transaction, right after the save flushed both rows.
    assert document is not None and head is not None
    refresh_anchors(db, document=document, head=head)
