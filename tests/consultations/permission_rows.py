"""The consultations' rows of the permission table (tests/web/test_permissions.py) and their world.

A consultation is its requester's, its assignee's and the coordinators': the table's member and
facilitator are neither requester nor assignee, so to them it does not exist (404).
"""

from __future__ import annotations

from deliberation.consultations import actions
from deliberation.testing import make_user, make_workshop

from .helpers import PDF, request_form, upload

_LOGIN_THEN_404 = dict(anonymous="login", member=404, facilitator=404, coordinator=200)
_POST_THEN_404 = dict(anonymous=401, member=404, facilitator=404, coordinator=303)

ROWS = [
    (
        "consultations",
        "GET",
        "/consultations",
        None,
        dict(anonymous="login", member=200, facilitator=200, coordinator=200),
    ),
    (
        "consultation_queue",
        "GET",
        "/consultations/queue",
        None,
        dict(anonymous="login", member=403, facilitator=403, coordinator=200),
    ),
    (
        "consultation_new",
        "GET",
        "/consultations/new",
        None,
        dict(anonymous="login", member=200, facilitator=200, coordinator=200),
    ),
    (
        "consultation_new",
        "POST",
        "/consultations/new",
        request_form(),
        dict(anonymous=401, member=303, facilitator=303, coordinator=303),
    ),
    ("consultation", "GET", "/consultations/{consultation}", None, _LOGIN_THEN_404),
    ("consultation_attachment", "GET", "/consultations/{consultation}/attachment", None, _LOGIN_THEN_404),
    ("consultation_assign", "GET", "/consultations/{consultation}/assign", None, _LOGIN_THEN_404),
    (
        "consultation_assign",
        "POST",
        "/consultations/{consultation}/assign",
        {"assignee_id": "{coordinator}"},
        _POST_THEN_404,
    ),
    (
        "consultation_message",
        "POST",
        "/consultations/{consultation}/messages",
        {"body": "Дякую, уточню в раді."},
        _POST_THEN_404,
    ),
    ("consultation_close", "POST", "/consultations/{consultation}/close", {}, _POST_THEN_404),
    ("consultation_reopen", "POST", "/consultations/{closed_consultation}/reopen", {}, _POST_THEN_404),
]


def consultation_world(db, *, coordinator) -> dict:
    """A consultation assigned to an expert of the guild, with a PDF, and a closed one."""
    requester, expert = make_user(db), make_user(db)
    make_workshop(db, creator=coordinator, kind="experts", members=(expert,))
    found = {}
    for name in ("consultation", "closed_consultation"):
        form = request_form(attachment=upload(PDF, "проєкт.pdf"))
        consultation = actions.check_request_consultation(db, actor=requester, data=form)
        actions.check_assign_consultation(
            db, consultation=consultation, actor=coordinator, data={"assignee_id": str(expert.id)}
        )
        found[name] = consultation
    actions.do_close_consultation(db, consultation=found["closed_consultation"], actor=requester)
    return found
