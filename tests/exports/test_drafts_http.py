"""A draft's comparative table for members, and starting a draft from a .docx."""

from __future__ import annotations

import io

import docx
import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from deliberation.drafting.models import Document
from deliberation.drafting.queries import get_document_view
from deliberation.testing import csrf_token, sign_in

# --- The comparative table of two versions ----------------------------------------------------------


def test_members_get_the_table_of_two_versions_with_both_columns_and_marks(client, draft, people):
    sign_in(client, people["guest"].email)  # any member of the network reads drafts
    response = client.get(f"/documents/{draft.id}/compare/table?from=1&to=2")
    assert response.status_code == 200 and response.template.name == "exports/table.html"
    page = response.text
    headings = response.context["words"]
    assert page.count('<th scope="col">') == 2
    assert headings["old_heading"] in page and headings["new_heading"] in page
    assert (
        '<del><span class="visually-hidden" lang="uk">' in page
        and '<ins><span class="visually-hidden" lang="uk">' in page
    )
    assert f"/documents/{draft.id}/compare/table.docx?from=1&amp;to=2" in page


def test_the_compare_page_links_to_its_table(client, draft, people):
    sign_in(client, people["member"].email)
    page = client.get(f"/documents/{draft.id}/compare?from=1&to=2").text
    assert f"/documents/{draft.id}/compare/table?from=1&amp;to=2" in page


@pytest.mark.parametrize("suffix", ["", ".docx"])
def test_the_public_never_sees_a_drafts_table(app, draft, suffix):
    with TestClient(app) as anonymous:
        response = anonymous.get(f"/documents/{draft.id}/compare/table{suffix}?from=1&to=2", follow_redirects=False)
    assert response.status_code == 303 and "/login" in response.headers["location"]


def test_the_table_docx_of_two_versions_has_two_columns_and_the_changed_rows(client, draft, people):
    sign_in(client, people["member"].email)
    response = client.get(f"/documents/{draft.id}/compare/table.docx?from=1&to=2")
    assert response.status_code == 200
    assert response.headers["content-disposition"] == f'attachment; filename="document-{draft.id}-1-2-table.docx"'
    assert response.headers["cache-control"] == "private, no-store"
    (grid,) = docx.Document(io.BytesIO(response.content)).tables
    assert len(grid.columns) == 2
    rows = [[cell.text for cell in row.cells] for row in grid.rows]
    changed = [row for row in rows if "інформаційну" in row[0]]
    assert len(changed) == 1 and "широку" in changed[0][1]
    struck = [run.text for row in grid.rows for run in row.cells[0].paragraphs[0].runs if run.font.strike]
    assert struck  # the words that went are struck through


def test_an_unknown_version_is_404(client, draft, people):
    sign_in(client, people["member"].email)
    assert client.get(f"/documents/{draft.id}/compare/table?from=1&to=9").status_code == 404


# --- Import ------------------------------------------------------------------------------------------


def _word_file() -> bytes:
    document = docx.Document()
    document.add_heading("Про ремонт водогону", level=1)
    paragraph = document.add_paragraph("Громада села Іванівка ")
    paragraph.add_run("терміново").bold = True
    paragraph.add_run(" просить відремонтувати водогін (будь-який обʼєкт мережі).")
    document.add_heading("Пропозиції", level=2)
    document.add_paragraph("Замінити труби на вулиці Шевченка.", style="List Number")
    document.add_paragraph("Передбачити кошти в бюджеті.", style="List Number")
    raw = io.BytesIO()
    document.save(raw)
    return raw.getvalue()


TITLE = "Петиція про водогін"


def _upload(client, workshop, name, content, *, kind="petition", title=TITLE, content_type="application/octet-stream"):
    """Send the import form with one file, a petition titled TITLE unless told otherwise."""
    token = csrf_token(client, f"/workshops/{workshop.id}/documents/import")
    return client.post(
        f"/workshops/{workshop.id}/documents/import",
        data={"csrf_token": token, "kind": kind, "title": title},
        files={"file": (name, content, content_type)},
        follow_redirects=False,
    )


def _documents(db) -> list[Document]:
    db.expire_all()
    return list(db.exec(select(Document)).all())


def test_the_new_document_page_offers_the_import(client, people):
    sign_in(client, people["facilitator"].email)
    page = client.get(f"/workshops/{people['workshop'].id}/documents/new").text
    assert f'href="/workshops/{people["workshop"].id}/documents/import"' in page


def test_the_import_form_is_multipart_with_a_labelled_file_field(client, people):
    sign_in(client, people["member"].email)
    page = client.get(f"/workshops/{people['workshop'].id}/documents/import").text
    assert 'enctype="multipart/form-data"' in page
    assert '<label for="f-file">' in page and 'id="f-file" name="file" type="file"' in page


def test_a_member_starts_a_draft_from_a_docx_with_headings_points_and_bold(client, db, people):
    sign_in(client, people["member"].email)
    response = _upload(client, people["workshop"], "петиція.docx", _word_file())
    assert response.status_code == 303
    (document,) = _documents(db)
    view = get_document_view(db, document_id=document.id)
    assert response.headers["location"] == f"/documents/{document.id}"
    assert (document.kind, document.title) == ("petition", TITLE)
    assert document.created_by == people["member"].id
    assert view.revision.body == (
        "# Про ремонт водогону\n\n"
        "Громада села Іванівка **терміново** просить відремонтувати водогін (будь-який обʼєкт мережі).\n\n"
        "## Пропозиції\n\n"
        "1. Замінити труби на вулиці Шевченка.\n"
        "2. Передбачити кошти в бюджеті."
    )
    # Each point is a paragraph of its own, with its own id, as if typed on the site.
    assert len(view.revision.paragraph_ids) == 5
    page = client.get(f"/documents/{document.id}").text
    assert "<strong>терміново</strong>" in page


def test_without_a_title_the_first_heading_is_used(client, db, people):
    sign_in(client, people["member"].email)
    response = _upload(client, people["workshop"], "x.docx", _word_file(), title="")
    assert response.status_code == 303
    assert [d.title for d in _documents(db)] == ["Про ремонт водогону"]


@pytest.mark.parametrize(
    "name, content, code",
    [
        ("нотатки.txt", b"just text", "not_docx"),
        ("зламаний.docx", b"PK\x03\x04 this is no zip", "unreadable_docx"),
    ],
)
def test_a_file_that_is_not_a_docx_is_refused_and_nothing_is_written(client, db, people, name, content, code):
    sign_in(client, people["member"].email)
    response = _upload(client, people["workshop"], name, content)
    assert response.status_code == 422
    assert response.context["errors"]["file"].code == code
    assert response.context["errors"]["file"].message() in response.text
    assert _documents(db) == []


def test_a_file_over_2_mb_is_refused_in_the_form_and_nothing_is_written(client, db, people):
    sign_in(client, people["member"].email)
    big = _word_file() + b"\0" * (2 * 1024 * 1024)
    response = _upload(client, people["workshop"], "великий.docx", big)
    # The body limit of the import leaves room for a whole 2 MB file, so the form says why, keeping the title.
    assert response.status_code == 422
    assert "2 МБ" in response.text or "2 MB" in response.text
    assert TITLE in response.text
    assert _documents(db) == []


def test_the_refusal_speaks_the_readers_language(app, db, people):
    with TestClient(app, cookies={"delib_lang": "en"}) as english:
        sign_in(english, people["member"].email)
        response = _upload(
            english, people["workshop"], "notes.txt", b"text", title="Petition", content_type="text/plain"
        )
    assert "Please choose a Word document saved as .docx." in response.text


def test_every_problem_is_reported_at_once(client, db, people):
    sign_in(client, people["member"].email)
    response = _upload(client, people["workshop"], "a.txt", b"x", kind="", title="", content_type="text/plain")
    assert response.status_code == 422
    assert set(response.context["errors"]) == {"file", "kind", "title"}


def test_only_members_of_the_workshop_may_import(client, db, people):
    sign_in(client, people["guest"].email)
    response = _upload(client, people["workshop"], "x.docx", _word_file())
    assert response.status_code == 403
    assert _documents(db) == []
