"""Pages issue the same number of SQL queries with 5 and with 500 revisions."""

from __future__ import annotations

import pytest

from deliberation.drafting.models import Revision
from deliberation.testing import counted_queries as counted
from deliberation.testing import make_document, sign_in


def _grow(db, document, total: int) -> None:
    """Copies of the first revision, inserted directly: the page must not care how many there are."""
    from sqlmodel import select

    template = db.exec(select(Revision).where(Revision.document_id == document.id, Revision.number == 1)).one()
    for number in range(2, total + 1):
        db.add(
            Revision(
                document_id=document.id,
                number=number,
                parent_number=number - 1,
                author_id=template.author_id,
                summary=f"правка {number}",
                origin="edit",
                title=template.title,
                body=template.body,
                body_sha256=template.body_sha256,
                paragraph_ids=template.paragraph_ids,
                attribution=template.attribution,
            )
        )
    document.head_number = total
    db.add(document)
    db.commit()


@pytest.fixture
def reader(client, db, team):
    sign_in(client, team["petro"].email)
    return client


def _queries_for(reader, connection, db, team, total: int, path: str) -> int:
    document = make_document(db, workshop=team["workshop"], author=team["olena"])
    _grow(db, document, total)
    url = path.format(id=document.id)
    reader.get(url)  # warm the session and caches
    with counted(connection) as statements:
        response = reader.get(url)
    assert response.status_code == 200
    return len(statements)


@pytest.mark.parametrize(
    "path",
    [
        "/documents/{id}",
        "/documents/{id}/history",
        "/documents/{id}/attribution",
        "/documents/{id}/compare?from=1&to=4",
    ],
)
def test_page_query_count_does_not_grow_with_history(reader, connection, db, team, path):
    few = _queries_for(reader, connection, db, team, 5, path)
    many = _queries_for(reader, connection, db, team, 500, path)
    assert few > 0 and few == many, f"{path}: {few} queries with 5 revisions, {many} with 500"
