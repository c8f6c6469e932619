"""Consultations for tests: a small PDF, a small .docx, and a consultation in each state."""

from __future__ import annotations

import io
import zipfile
from types import SimpleNamespace

from starlette.datastructures import Headers, UploadFile

from deliberation.consultations import actions
from deliberation.testing import make_user, make_workshop

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def docx_bytes(body: bytes = b"<w:document/>", extra: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", b"<Types/>")
        package.writestr("word/document.xml", body)
        for name, data in (extra or {}).items():
            package.writestr(name, data)
    return out.getvalue()


def upload(data: bytes, filename: str) -> UploadFile:
    return UploadFile(io.BytesIO(data), filename=filename, headers=Headers({"content-type": "application/pdf"}))


def request_form(**fields) -> dict:
    return {
        "subject": "Статут громади і громадські слухання",
        "question": "Чи можна закріпити в статуті громади обовʼязкові громадські слухання щодо бюджету?",
        "region": "poltava",
        **fields,
    }


def make_parties(db) -> SimpleNamespace:
    """A requester, a coordinator, an expert of the guild, and outsiders: a member and a facilitator."""
    coordinator = make_user(db, coordinator=True)
    requester, expert, member, facilitator = (make_user(db) for _ in range(4))
    make_workshop(db, creator=coordinator, kind="experts", members=(expert,))
    make_workshop(db, creator=coordinator, facilitators=(facilitator,))
    return SimpleNamespace(
        coordinator=coordinator, requester=requester, expert=expert, member=member, facilitator=facilitator
    )


def make_consultation(db, parties, *, assigned: bool = False, answered: bool = False, **fields):
    form = request_form(**fields)
    consultation = actions.check_request_consultation(db, actor=parties.requester, data=form)
    if assigned or answered:
        actions.check_assign_consultation(
            db, consultation=consultation, actor=parties.coordinator, data={"assignee_id": str(parties.expert.id)}
        )
    if answered:
        actions.check_post_message(
            db, consultation=consultation, actor=parties.expert, data={"body": "Так, статут це дозволяє."}
        )
    return consultation
