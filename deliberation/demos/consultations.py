"""Two consultations for the demo network: one answered by the expert guild, one waiting in the queue.

Made through the domain code, like the rest of the demo, so the audit log, the statuses and the
events are what a real network would have.
"""

from __future__ import annotations

import io

from sqlmodel import Session, select
from starlette.datastructures import Headers, UploadFile

from ..accounts.models import User
from ..consultations import actions
from ..db import saved_id

# The smallest document a PDF reader opens: one empty page, its cross-reference table exact.
_PDF_OBJECTS = [
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
]


def demo_pdf() -> bytes:
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n")
    for number, body in enumerate(_PDF_OBJECTS, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(_PDF_OBJECTS) + 1))
    out.writelines(b"%010d 00000 n \n" % offset for offset in offsets)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(_PDF_OBJECTS) + 1, xref))
    return out.getvalue()


def _user(db: Session, email: str) -> User:
    return db.exec(select(User).where(User.email == email)).one()


def load_consultations(db: Session) -> None:
    coordinator = _user(db, "coordinator@demo.example")
    expert = _user(db, "expert@demo.example")
    asker = _user(db, "member@demo.example")
    deputy = _user(db, "deputy2@demo.example")
    pdf = UploadFile(
        io.BytesIO(demo_pdf()),
        filename="Проєкт рішення про громадський бюджет.pdf",
        headers=Headers({"content-type": "application/pdf"}),
    )
    answered = actions.check_request_consultation(
        db,
        actor=asker,
        data={
            "subject": "Чи можна подавати проєкти громадського бюджету від старостинських округів?",
            "question": (
                "Готуємо зміни до положення про громадський бюджет Гадяцької громади. Депутати пропонують, "
                "щоб проєкти подавали лише мешканці старостинських округів, а не міста.\n\n"
                "- Чи не суперечить це рівному праву мешканців на участь?\n"
                "- Як краще сформулювати квоти для сіл?\n\n"
                "Проєкт рішення додаю."
            ),
            "region": "poltava",
            "attachment": pdf,
        },
    )
    actions.check_assign_consultation(
        db, consultation=answered, actor=coordinator, data={"assignee_id": str(saved_id(expert))}
    )
    actions.check_post_message(
        db,
        consultation=answered,
        actor=expert,
        data={
            "body": (
                "Обмежувати право подавати проєкти місцем проживання в межах громади не варто: усі мешканці "
                "громади мають рівне право на участь.\n\n"
                "Замість цього закладіть **окремий кошик для старостинських округів**, наприклад 40 % "
                "бюджету участі, і голосування за проєкти округу лише його мешканцями."
            )
        },
    )
    actions.check_request_consultation(
        db,
        actor=deputy,
        data={
            "subject": "Громадські слухання щодо бюджету: обов’язкові чи за ініціативою?",
            "question": (
                "У статуті Вознесенської громади громадські слухання скликає лише голова. Чи можемо ми як "
                "депутати запропонувати зміни, щоб слухання щодо проєкту бюджету були обов’язковими щороку?"
            ),
            "region": "mykolaiv",
        },
    )
