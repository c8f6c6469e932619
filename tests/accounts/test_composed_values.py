"""Values that come from outside a form (a host platform, a Word heading) are cleaned and fit their columns."""

from __future__ import annotations

import io

import docx

from deliberation.accounts.actions import HostIdentity, do_sync_host_user
from deliberation.exports.docx_in import _first_heading, docx_to_markdown
from deliberation.validation import bounded


def test_a_host_identity_with_control_characters_and_a_long_name_is_stored_clean(db):
    identity = HostIdentity(
        external_id="ext\x00-42", display_name="Олена\u202e " + "Я" * 300 + "\x00", email="Olena\x00@Example.org"
    )
    user = do_sync_host_user(db, identity=identity)
    db.flush()  # PostgreSQL refuses a NUL or an over-long value here
    assert user.external_id == "ext-42" and user.email == "olena@example.org"
    assert len(user.display_name) == 120 and user.display_name.startswith("Олена Я") and user.display_name.endswith("…")
    assert do_sync_host_user(db, identity=identity).id == user.id  # the same person next time


def test_a_title_taken_from_a_long_word_heading_fits_its_column():
    document = docx.Document()
    document.add_heading("Про\u200b затвердження " + "положення " * 60, level=1)
    document.add_paragraph("Текст.")
    raw = io.BytesIO()
    document.save(raw)
    title = _first_heading(docx_to_markdown(raw.getvalue(), filename="рішення.docx"))
    assert len(title) == 300 and title.startswith("Про затвердження положення") and title.endswith("…")


def test_bounded_cuts_only_what_is_too_long():
    assert bounded("Бюджет", 300) == "Бюджет"
    assert bounded("а" * 301, 300) == "а" * 299 + "…"
