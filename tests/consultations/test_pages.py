"""Consultation pages over HTTP: the multipart request form, the attachment as served, the queue."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from deliberation.consultations.files import MAX_ATTACHMENT_BYTES, MAX_UNPACKED_BYTES
from deliberation.consultations.models import Consultation, ConsultationAttachment
from deliberation.testing import csrf_token, sign_in

from .helpers import PDF, docx_bytes, make_consultation, make_parties, request_form


@pytest.fixture
def parties(db):
    found = make_parties(db)
    db.commit()
    return found


def _ask(client, *, files=None, **fields):
    data = {**request_form(**fields), "csrf_token": csrf_token(client, "/consultations/new")}
    return client.post("/consultations/new", data=data, files=files, follow_redirects=False)


def test_a_member_asks_with_a_pdf_and_finds_it_on_the_consultations_page(client, db, parties):
    sign_in(client, parties.requester.email)
    response = _ask(client, files={"attachment": ("Проєкт: рішення*.pdf", PDF, "text/html")})
    assert response.status_code == 303
    page = client.get(response.headers["location"])
    assert "Статут громади" in page.text and "Проєкт_ рішення.pdf" in page.text
    download = client.get(re.search(r'href="([^"]+/attachment)"', page.text).group(1))
    assert download.content == PDF
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["x-content-type-options"] == "nosniff"
    assert download.headers["cache-control"] == "no-store"
    disposition = download.headers["content-disposition"]
    assert re.fullmatch(r"attachment; filename=\"[\w.-]+\"; filename\*=UTF-8''[A-Za-z0-9%._-]+", disposition)
    listing = client.get("/consultations")
    assert "Статут громади" in listing.text


def test_the_question_is_markdown_without_raw_html(client, db, parties):
    make_consultation(db, parties, question="**Важливо**: <script>alert(1)</script> [посилання](javascript:alert(1))")
    db.commit()
    sign_in(client, parties.requester.email)
    consultation = db.exec(select(Consultation)).one()
    page = client.get(f"/consultations/{consultation.id}").text
    assert "<strong>Важливо</strong>" in page and "<script>alert" not in page and 'href="javascript' not in page


@pytest.mark.parametrize(
    "name,data,code",
    [
        ("page.pdf", b"<html><script>alert(1)</script></html>", "attachment_type"),
        ("draft.docx", b"PK\x03\x04not really a zip", "attachment_type"),
        ("draft.docx", docx_bytes(extra={"word/media/huge.bin": b"\0" * (MAX_UNPACKED_BYTES + 1)}), "unpacks"),
        ("empty.pdf", b"", "empty"),
    ],
    ids=["html-named-pdf", "broken-zip", "zip-bomb", "empty"],
)
def test_a_file_that_is_not_a_pdf_or_a_safe_docx_is_refused_and_nothing_written(client, db, parties, name, data, code):
    sign_in(client, parties.requester.email)
    response = _ask(client, files={"attachment": (name, data, "application/pdf")})
    assert response.status_code == 422
    assert 'id="e-attachment"' in response.text
    assert "Статут громади" in response.text  # what was typed comes back
    assert db.exec(select(Consultation)).all() == []


def test_a_docx_is_recognised_by_its_bytes_whatever_its_name(client, db, parties):
    sign_in(client, parties.requester.email)
    response = _ask(client, files={"attachment": ("scan.pdf", docx_bytes(), "application/pdf")})
    assert response.status_code == 303
    stored = db.exec(select(ConsultationAttachment)).one()
    assert stored.kind == "docx" and stored.filename == "scan.docx"


def test_an_attachment_over_the_limit_is_refused_from_its_length_before_any_handler(client, db, parties):
    sign_in(client, parties.requester.email)
    response = _ask(client, files={"attachment": ("big.pdf", b"%PDF-" + b"0" * (MAX_ATTACHMENT_BYTES + 200_000), "x")})
    assert response.status_code == 413
    assert db.exec(select(Consultation)).all() == []


def test_an_attachment_just_over_the_limit_is_refused_by_the_check(client, db, parties):
    sign_in(client, parties.requester.email)
    response = _ask(client, files={"attachment": ("big.pdf", b"%PDF-" + b"0" * MAX_ATTACHMENT_BYTES, "x")})
    assert response.status_code == 422 and 'id="e-attachment"' in response.text
    assert db.exec(select(Consultation)).all() == []


def test_the_form_without_a_csrf_token_is_refused(client, db, parties):
    sign_in(client, parties.requester.email)
    response = client.post("/consultations/new", data=request_form(), files={"attachment": ("a.pdf", PDF, "x")})
    assert response.status_code == 403
    assert db.exec(select(Consultation)).all() == []


def test_the_queue_filters_by_status_and_region(client, db, parties):
    make_consultation(db, parties, subject="Питання з Полтавщини", region="poltava")
    make_consultation(db, parties, subject="Питання зі Львівщини", region="lviv", answered=True)
    db.commit()
    sign_in(client, parties.coordinator.email)
    assert "Питання з Полтавщини" in client.get("/consultations/queue").text
    answered = client.get("/consultations/queue?status=answered").text
    assert "Питання зі Львівщини" in answered and "Питання з Полтавщини" not in answered
    poltava = client.get("/consultations/queue?region=poltava").text
    assert "Питання з Полтавщини" in poltava and "Питання зі Львівщини" not in poltava
    assert client.get("/consultations/queue?status=bogus").status_code == 400


def test_the_assignee_sees_it_among_their_consultations_and_answers(client, db, parties):
    consultation = make_consultation(db, parties, assigned=True)
    db.commit()
    sign_in(client, parties.expert.email)
    assert "Статут громади" in client.get("/consultations").text
    token = csrf_token(client, f"/consultations/{consultation.id}")
    empty = client.post(f"/consultations/{consultation.id}/messages", data={"body": " ", "csrf_token": token})
    assert empty.status_code == 422
    sent = client.post(
        f"/consultations/{consultation.id}/messages",
        data={"body": "Відповідь експертки.", "csrf_token": token},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    db.refresh(consultation)
    assert consultation.status == "answered"


def test_the_assign_form_lists_only_coordinators_and_the_guild_without_the_requester(client, db, parties):
    consultation = make_consultation(db, parties)
    db.commit()
    sign_in(client, parties.coordinator.email)
    form = client.get(f"/consultations/{consultation.id}/assign").text
    offered = set(map(int, re.findall(r'<option value="(\d+)"', form)))
    assert offered == {parties.coordinator.id, parties.expert.id}


def test_a_docx_that_lies_about_its_sizes_is_refused():
    """A package whose directory declares a tiny member that inflates past the limit: the declared
    sum passes, the inflate does not (zipfile stops at the declared size and the CRC fails)."""
    from deliberation.consultations import files
    from deliberation.errors import DomainError

    real = MAX_UNPACKED_BYTES + 10
    data = docx_bytes(extra={"word/big.xml": b"a" * real})
    lied = data.replace(real.to_bytes(4, "little"), (10).to_bytes(4, "little"))
    assert lied != data
    with pytest.raises(DomainError) as refused:
        files.kind_of(lied)
    assert refused.value.code == "attachment_type"


def test_the_consultation_page_costs_the_same_queries_however_long_the_thread(client, db, parties, connection):
    from deliberation.consultations import actions
    from deliberation.testing import counted_queries

    consultation = make_consultation(db, parties, answered=True)
    db.commit()
    sign_in(client, parties.requester.email)
    path = f"/consultations/{consultation.id}"
    client.get(path)
    with counted_queries(connection) as short:
        client.get(path)
    for n in range(6):
        author = parties.requester if n % 2 else parties.expert
        actions.check_post_message(db, consultation=consultation, actor=author, data={"body": f"Повідомлення {n}"})
    db.commit()
    with counted_queries(connection) as long:
        page = client.get(path)
    assert "Повідомлення 5" in page.text
    assert len(long) == len(short)


def test_an_attachment_sent_without_a_length_is_refused_while_it_streams(client, db, parties):
    sign_in(client, parties.requester.email)
    token = csrf_token(client, "/consultations/new")

    def body():
        for _ in range(7):  # 7 MB in 1 MB pieces, past the 5 MB limit and its margin
            yield b"0" * (1024 * 1024)

    response = client.post(
        "/consultations/new",
        content=body(),
        headers={"content-type": "multipart/form-data; boundary=xyz", "x-csrf-token": token},
    )
    assert "content-length" not in {k.lower() for k in response.request.headers}
    assert response.status_code == 413
    assert db.exec(select(Consultation)).all() == []
