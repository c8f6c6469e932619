"""Reporting on an adopted resolution, updating a report (a new version), hiding one."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from urllib.parse import urlsplit

from sqlmodel import Session

from .. import events
from ..accounts.models import User
from ..audit import hiding
from ..audit.actions import record
from ..dates import local
from ..db import saved_id, utcnow
from ..errors import Conflict, require
from ..i18n import N_
from ..notifications.actions import notify, shortened
from ..notifications.models import NotificationKind
from ..places import queries as place_queries
from ..resolutions.models import Resolution, address
from ..rows import flush_or_refuse
from ..validation import Checker, read_text
from . import queries, rules
from .models import Report, ReportStatus, ReportVersion

ACCOUNT_MAX = 4000
LINKS_MAX = 5
LINK_MAX = 500
#: The network did not exist before; a date before it is a typo.
EARLIEST = date(2000, 1, 1)


def _links(check: Checker, name: str = "links") -> list[str]:
    """One http(s) address a line, at most ``LINKS_MAX``: anything else («javascript:», a bare
    word, a 5,000-character line) is refused by name rather than stored and defused later."""
    raw = check.text(name, max_length=LINKS_MAX * (LINK_MAX + 2), required=False, multiline=True)
    links = [line.strip() for line in raw.splitlines() if line.strip()]
    if len(links) > LINKS_MAX:
        check.fail(name, "too_many_links", N_("Please give at most five links."))
    for link in links:
        parts = urlsplit(link)
        if len(link) > LINK_MAX or parts.scheme not in ("http", "https") or not parts.hostname or " " in link:
            check.fail(name, "bad_link", N_("Each line must be one web address starting with http:// or https://."))
    return list(dict.fromkeys(links))


def _fields(check: Checker) -> tuple[str, str, date | None, list[str]]:
    """The fields both forms share; the status is a member once ``check.done()`` passed."""
    status = check.choice("status", ReportStatus)
    account = check.text("account", max_length=ACCOUNT_MAX, multiline=True)
    done_on = check.date("done_on")
    if done_on is not None and not EARLIEST <= done_on <= local(utcnow()).date():
        check.fail("done_on", "bad_day", N_("Please give a day that has already come."))
    links = _links(check)
    return status, account, done_on, links


def check_submit_report(db: Session, *, resolution: Resolution, actor: User, data: Mapping) -> Report:
    """A member's report for a hromada; a second one for the same hromada updates the first."""
    require(rules.can_report(actor))
    check = Checker(data)
    hromada = place_queries.get_hromada(db, str(data.get("hromada", "") or "")[:19])
    if hromada is None:
        check.fail("hromada", "no_hromada", N_("Please choose the hromada from the list."))
    status, account, done_on, links = _fields(check)
    check.done()
    assert hromada is not None and done_on is not None
    held = queries.get_own_report(
        db, resolution_id=saved_id(resolution), author_id=saved_id(actor), hromada_code=hromada.code
    )
    if held is not None:
        return _update(
            db, report=held, actor=actor, status=ReportStatus(status), account=account, done_on=done_on, links=links
        )
    report = Report(
        resolution_id=saved_id(resolution),
        author_id=saved_id(actor),
        hromada_code=hromada.code,
        status=ReportStatus(status),
        account=account,
        done_on=done_on,
        links=links,
    )
    # Two submissions at once for the same hromada: the unique key lets one in.
    flush_or_refuse(
        db, Conflict("report_exists", N_("Your report for this hromada was just saved; please reload.")), report
    )
    _version(db, report)
    record(
        db,
        actor_id=actor.id,
        action="report.submitted",
        obj=report,
        resolution_id=report.resolution_id,
        number=resolution.number,
    )
    _announce(db, report, actor)
    return report


def check_update_report(db: Session, *, report: Report, actor: User, data: Mapping) -> Report:
    require(rules.can_update_report(actor, report))
    check = Checker(data)
    status, account, done_on, links = _fields(check)
    check.done()
    assert done_on is not None
    return _update(
        db, report=report, actor=actor, status=ReportStatus(status), account=account, done_on=done_on, links=links
    )


def _update(
    db: Session, *, report: Report, actor: User, status: ReportStatus, account: str, done_on: date, links: list[str]
) -> Report:
    require(rules.can_update_report(actor, report))
    if (report.status, report.account, report.done_on, report.links) == (status, account, done_on, links):
        return report  # nothing new to say: no version, no event
    report.status, report.account, report.done_on, report.links = status, account, done_on, links
    report.version += 1
    report.updated_at = utcnow()
    db.add(report)
    db.flush()
    _version(db, report)
    record(db, actor_id=actor.id, action="report.updated", obj=report, version=report.version)
    _announce(db, report, actor)
    return report


def _announce(db: Session, report: Report, actor: User) -> None:
    """Hosts hear a first report and every new version of it alike (``report submitted``)."""
    events.queue(
        db,
        events.report_submitted,
        report_id=report.id,
        resolution_id=report.resolution_id,
        hromada_code=report.hromada_code,
        status=str(report.status),
        version=report.version,
        author_id=actor.id,
    )


def _version(db: Session, report: Report) -> None:
    db.add(
        ReportVersion(
            report_id=saved_id(report),
            number=report.version,
            status=report.status,
            account=report.account,
            done_on=report.done_on,
            links=list(report.links),
            created_at=report.updated_at,
        )
    )
    db.flush()


def check_hide_report(db: Session, *, report: Report, actor: User, data: Mapping) -> Report:
    """Hidden, never deleted: coordinators still see it with the reason; it leaves every public
    page and every count, and the audit log keeps who and why."""
    require(rules.can_hide_report(actor, report))
    reason = read_text(data, "reason", max_length=500)
    hiding.hide(db, report, actor_id=actor.id, what="report", reason=reason)
    events.queue(db, events.report_hidden, report_id=report.id, resolution_id=report.resolution_id, actor_id=actor.id)
    _tell_author_hidden(db, report, actor)
    return report


def _tell_author_hidden(db: Session, report: Report, actor: User) -> None:
    """The author hears it with the reason: the report is gone from every page they can see."""
    resolution = db.get(Resolution, report.resolution_id)
    assert resolution is not None  # a foreign key
    notify(
        db,
        kind=NotificationKind.REPORT_HIDDEN,
        actor_id=saved_id(actor),
        recipients=[report.author_id],
        details={
            "report_id": report.id,
            "resolution": resolution.number,
            **address(resolution.number),
            "title": resolution.title,
            "reason": shortened(report.hidden_reason),
        },
    )


def check_restore_report(db: Session, *, report: Report, actor: User, data: Mapping) -> Report:
    """Shown again, on every page and in every count; the audit log keeps who hid it and why, and
    who showed it again and why."""
    require(rules.can_restore_report(actor, report))
    reason = read_text(data, "reason", max_length=500)
    hiding.show_again(db, report, actor_id=actor.id, what="report", reason=reason)
    events.queue(db, events.report_restored, report_id=report.id, resolution_id=report.resolution_id, actor_id=actor.id)
    return report
