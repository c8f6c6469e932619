"""How a resolution's reports add up, by hromada, raion and oblast. Pure: plain values in and out.

A hromada can be reported by several members; what it counts as is its newest report (the latest
word on the council's work wins, whoever wrote it). A raion or an oblast counts once under every
status one of its hromadas has: an oblast where one hromada carried a decision out and another is
blocked is both "an oblast where it was carried out" and "an oblast where it is blocked", which is
what a coordinator asking «where did it work, where is it stuck» wants to know.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from .models import ReportStatus


@dataclass(frozen=True)
class Reported:
    """One visible report, with its hromada's place in the codifier."""

    resolution_id: int
    hromada_code: str
    raion_code: str | None
    oblast_code: str
    status: ReportStatus
    updated_at: datetime
    report_id: int


@dataclass
class Counts:
    """How many hromadas, raions and oblasts stand at each status."""

    hromadas: dict[ReportStatus, int] = field(default_factory=lambda: dict.fromkeys(ReportStatus, 0))
    raions: dict[ReportStatus, int] = field(default_factory=lambda: dict.fromkeys(ReportStatus, 0))
    oblasts: dict[ReportStatus, int] = field(default_factory=lambda: dict.fromkeys(ReportStatus, 0))

    @property
    def reported_hromadas(self) -> int:
        return sum(self.hromadas.values())


def hromada_statuses(reports: Iterable[Reported]) -> dict[tuple[int, str], Reported]:
    """Each (resolution, hromada) with the report it counts as: the newest (ties: the later id)."""
    newest: dict[tuple[int, str], Reported] = {}
    for report in reports:
        key = (report.resolution_id, report.hromada_code)
        held = newest.get(key)
        if held is None or (report.updated_at, report.report_id) > (held.updated_at, held.report_id):
            newest[key] = report
    return newest


def tally(reports: Iterable[Reported]) -> dict[int, Counts]:
    """Counts per resolution id."""
    out: dict[int, Counts] = {}
    raions: dict[int, set[tuple[str, ReportStatus]]] = {}
    oblasts: dict[int, set[tuple[str, ReportStatus]]] = {}
    for (resolution_id, _), report in hromada_statuses(reports).items():
        counts = out.setdefault(resolution_id, Counts())
        counts.hromadas[report.status] += 1
        if report.raion_code:
            raions.setdefault(resolution_id, set()).add((report.raion_code, report.status))
        oblasts.setdefault(resolution_id, set()).add((report.oblast_code, report.status))
    for resolution_id, pairs in raions.items():
        for _, status in pairs:
            out[resolution_id].raions[status] += 1
    for resolution_id, pairs in oblasts.items():
        for _, status in pairs:
            out[resolution_id].oblasts[status] += 1
    return out
