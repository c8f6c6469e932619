"""Reports on carrying out a resolution: they add up by hromada, raion and oblast from the codifier,
keep their history, and a hidden one vanishes from every public page and count."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from deliberation.audit.models import AuditEntry
from deliberation.errors import Conflict, Forbidden, ValidationError
from deliberation.reports import actions, queries
from deliberation.reports.models import Report, ReportStatus, ReportVersion
from deliberation.testing import counted_queries

TODAY = date.today().isoformat()


def _report(db, world, member, place, state, **fields):
    data = {"hromada": place.code, "status": state, "account": "Рада ухвалила положення.", "done_on": TODAY}
    return actions.check_submit_report(db, resolution=world.resolution, actor=member, data={**data, **fields})


def test_reports_add_up_by_hromada_raion_and_oblast_from_the_codifier(db, world):
    m = world.members
    _report(db, world, m[0], world.a, "carried_out")
    _report(db, world, m[1], world.b, "carried_out")
    _report(db, world, m[2], world.a2, "blocked")
    _report(db, world, m[3], world.c, "in_progress")
    counts = queries.list_resolution_reports(db, world.resolution.id).counts
    done, blocked, going = ReportStatus.CARRIED_OUT, ReportStatus.BLOCKED, ReportStatus.IN_PROGRESS
    assert (counts.hromadas[done], counts.raions[done], counts.oblasts[done]) == (2, 2, 1)
    assert (counts.hromadas[blocked], counts.raions[blocked], counts.oblasts[blocked]) == (1, 1, 1)
    assert (counts.hromadas[going], counts.raions[going], counts.oblasts[going]) == (1, 1, 1)
    groups = queries.list_resolution_reports(db, world.resolution.id).groups
    assert [g.oblast.code for g in groups] == [world.a.oblast_code, world.c.oblast_code]
    assert sorted(h.hromada.code for h in groups[0].hromadas) == sorted([world.a.code, world.a2.code, world.b.code])
    [progress] = [p for p in queries.network_progress(db) if p.resolution.id == world.resolution.id]
    assert progress.counts.hromadas == counts.hromadas and progress.counts.oblasts == counts.oblasts


def test_a_hromada_reported_twice_counts_once_by_its_newest_report(db, world):
    _report(db, world, world.members[0], world.a, "blocked")
    _report(db, world, world.members[1], world.a, "carried_out")
    counts = queries.list_resolution_reports(db, world.resolution.id).counts
    assert counts.hromadas[ReportStatus.CARRIED_OUT] == 1 and counts.hromadas[ReportStatus.BLOCKED] == 0


def test_reporting_again_for_the_same_hromada_adds_a_version_and_keeps_the_earlier_claim(db, world):
    member = world.members[0]
    first = _report(db, world, member, world.a, "blocked", account="Рада відклала розгляд.")
    again = _report(db, world, member, world.a, "carried_out", account="Рада ухвалила з другої спроби.")
    assert again.id == first.id and again.version == 2
    versions = db.exec(select(ReportVersion).where(ReportVersion.report_id == first.id)).all()
    assert [(v.number, v.status, v.account) for v in sorted(versions, key=lambda v: v.number)] == [
        (1, ReportStatus.BLOCKED, "Рада відклала розгляд."),
        (2, ReportStatus.CARRIED_OUT, "Рада ухвалила з другої спроби."),
    ]
    same = _report(db, world, member, world.a, "carried_out", account="Рада ухвалила з другої спроби.")
    assert same.version == 2  # nothing new: no version


def test_the_database_refuses_to_rewrite_a_reports_history(db, world):
    report = _report(db, world, world.members[0], world.a, "blocked")
    db.commit()
    with pytest.raises(DBAPIError):
        db.execute(
            text("UPDATE delib_report_version SET account = 'переписано' WHERE report_id = :id"), {"id": report.id}
        )
    db.rollback()


def test_only_its_author_updates_a_report(db, world):
    report = _report(db, world, world.members[0], world.a, "blocked")
    data = {"status": "carried_out", "account": "Чужий текст.", "done_on": TODAY}
    for stranger in (world.members[1], world.coordinator):
        with pytest.raises(Forbidden):
            actions.check_update_report(db, report=report, actor=stranger, data=data)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("hromada", "UA05000000000010236"),  # an oblast, not a hromada
        ("hromada", "' OR 1=1 --"),
        ("status", "done"),
        ("account", "x" * 4001),
        ("account", ""),
        ("done_on", (date.today() + timedelta(days=2)).isoformat()),
        ("done_on", "31.12.2026"),
        ("links", "javascript:alert(1)"),
        ("links", "https://ok.example\n" * 6),
        ("links", "https://" + "a" * 600 + ".example"),
        ("links", "ftp://files.example/decision.pdf"),
    ],
)
def test_bad_input_is_refused_by_field_and_nothing_is_written(db, world, field, value):
    with pytest.raises(ValidationError) as refused:
        _report(db, world, world.members[0], world.a, "carried_out", **{field: value})
    assert field in refused.value.errors
    assert db.exec(select(Report)).all() == []


def test_a_hidden_report_leaves_the_counts_and_is_seen_only_by_coordinators(db, world):
    kept = _report(db, world, world.members[0], world.a, "carried_out")
    hidden = _report(db, world, world.members[1], world.c, "carried_out")
    actions.check_hide_report(db, report=hidden, actor=world.coordinator, data={"reason": "Неправдиві відомості."})
    public = queries.list_resolution_reports(db, world.resolution.id)
    assert [v.report.id for g in public.groups for h in g.hromadas for v in h.reports] == [kept.id]
    assert public.counts.oblasts[ReportStatus.CARRIED_OUT] == 1
    moderated = queries.list_resolution_reports(db, world.resolution.id, include_hidden=True)
    assert {v.report.id for g in moderated.groups for h in g.hromadas for v in h.reports} == {kept.id, hidden.id}
    assert moderated.counts.hromadas[ReportStatus.CARRIED_OUT] == 1  # hidden never counts
    entry = db.exec(select(AuditEntry).where(AuditEntry.action == "report.hidden")).one()
    assert entry.object_id == hidden.id and entry.details["reason"] == "Неправдиві відомості."
    with pytest.raises(Forbidden):
        actions.check_hide_report(db, report=kept, actor=world.members[0], data={"reason": "Не подобається."})


def test_two_first_reports_at_once_for_one_hromada_make_one_report(db, world, monkeypatch):
    """The second request read "no report yet" before the first committed: the unique key decides."""
    member = world.members[0]
    first = _report(db, world, member, world.a, "in_progress")
    monkeypatch.setattr(queries, "get_own_report", lambda *args, **kwargs: None)
    with pytest.raises(Conflict):
        _report(db, world, member, world.a, "carried_out")
    assert db.exec(select(Report)).all() == [first]
    assert first.version == 1


def test_the_reports_page_costs_the_same_queries_with_one_report_as_with_four(db, world, connection):
    _report(db, world, world.members[0], world.a, "carried_out")
    db.flush()
    db.expire_all()
    with counted_queries(connection) as one:
        queries.list_resolution_reports(db, world.resolution.id)
        queries.network_progress(db)
    for member, place in zip(world.members[1:], (world.a2, world.b, world.c), strict=True):
        _report(db, world, member, place, "blocked")
    _report(db, world, world.members[0], world.a, "blocked")  # a second version of the first
    db.flush()
    db.expire_all()
    with counted_queries(connection) as four:
        queries.list_resolution_reports(db, world.resolution.id)
        queries.network_progress(db)
    assert len(four) == len(one)
