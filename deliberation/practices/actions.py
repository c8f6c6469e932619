"""Offering a carried-out report as a practice (and the hromada to the register), hiding one."""

from __future__ import annotations

from collections.abc import Mapping

from sqlmodel import Session, col, select

from .. import events
from ..accounts.models import User
from ..audit import hiding
from ..audit.actions import record
from ..db import saved_id, utcnow
from ..errors import Conflict, require
from ..i18n import N_
from ..places import queries as place_queries
from ..reports.models import Report
from ..rows import flush_or_refuse
from ..taxonomy import SECTORS, THEMES
from ..text.lemmas import lemma_text
from ..validation import Checker, read_text
from . import rules
from .models import ExperienceOffer, Practice

SUMMARY_MAX = 4000


def searchable(title: str, summary: str) -> str:
    """What a search matches: the same lemmas the search index holds for a text."""
    return lemma_text(f"{title}\n\n{summary}")


def check_offer_practice(db: Session, *, report: Report, actor: User, data: Mapping) -> Practice:
    require(rules.can_offer_practice(actor, report))
    check = Checker(data)
    title = check.text("title", max_length=200)
    summary = check.text("summary", max_length=SUMMARY_MAX, multiline=True)
    sector = check.choice("sector", SECTORS)
    theme = check.choice("theme", THEMES)
    shares = check.flag("share")
    contact = check.text("contact", max_length=300, required=shares)
    check.done()
    hromada = place_queries.get_place(db, report.hromada_code)
    assert hromada is not None  # a foreign key
    practice = Practice(
        report_id=saved_id(report),
        resolution_id=report.resolution_id,
        author_id=saved_id(actor),
        hromada_code=hromada.code,
        oblast_code=hromada.oblast_code,
        title=title,
        summary=summary,
        sector=sector,
        theme=theme,
        lemmas=searchable(title, summary),
    )
    # One practice a report: a second submission (a double click, two tabs) finds the first.
    flush_or_refuse(db, Conflict("practice_exists", N_("This report is already offered as a practice.")), practice)
    if shares:
        _offer_experience(db, hromada_code=hromada.code, actor=actor, contact=contact)
    record(db, actor_id=actor.id, action="practice.offered", obj=practice, report_id=report.id)
    events.queue(
        db,
        events.practice_offered,
        practice_id=practice.id,
        report_id=report.id,
        resolution_id=report.resolution_id,
        hromada_code=hromada.code,
        sector=sector,
        theme=theme,
        shares_experience=shares,
        author_id=actor.id,
    )
    return practice


def _offer_experience(db: Session, *, hromada_code: str, actor: User, contact: str) -> None:
    offer = db.exec(
        select(ExperienceOffer).where(
            col(ExperienceOffer.hromada_code) == hromada_code, col(ExperienceOffer.user_id) == actor.id
        )
    ).first()
    if offer is None:
        offer = ExperienceOffer(hromada_code=hromada_code, user_id=saved_id(actor), contact=contact)
    else:
        offer.contact, offer.updated_at = contact, utcnow()
    db.add(offer)
    db.flush()


def check_hide_practice(db: Session, *, practice: Practice, actor: User, data: Mapping) -> Practice:
    """Hidden, never deleted: it leaves the library, its search and the register's counts."""
    require(rules.can_hide_practice(actor, practice))
    reason = read_text(data, "reason", max_length=500)
    hiding.hide(db, practice, actor_id=actor.id, what="practice", reason=reason)
    events.queue(db, events.practice_hidden, practice_id=practice.id, actor_id=actor.id)
    return practice


def check_restore_practice(db: Session, *, practice: Practice, actor: User, data: Mapping) -> Practice:
    """Back in the library, its search and the register's counts (unless its report is hidden); the
    audit log keeps who hid it and why, and who showed it again and why."""
    require(rules.can_restore_practice(actor, practice))
    reason = read_text(data, "reason", max_length=500)
    hiding.show_again(db, practice, actor_id=actor.id, what="practice", reason=reason)
    events.queue(db, events.practice_restored, practice_id=practice.id, actor_id=actor.id)
    return practice
