"""A small bar chart of how a resolution is carried out, drawn on the server as SVG.

No script and no style: the bars are ``<rect>``s with presentation attributes (a strict CSP allows
them), the chart names itself with ``<title>`` and ``<desc>``, and every figure it shows is also
in the text table beside it, for screen readers and for print.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..i18n import N_, gettext
from .models import ReportStatus
from .tally import Counts

WIDTH = 300
BAR = 18
#: Where bars start (after their label) and how long the longest is.
BAR_X = 130
BAR_MAX = 130
#: Colours with at least 3:1 contrast against white (WCAG 1.4.11 for graphics), in status order.
COLOURS = {
    ReportStatus.CARRIED_OUT: "#1d6b34",
    ReportStatus.IN_PROGRESS: "#0b57a4",
    ReportStatus.BLOCKED: "#a4161a",
    ReportStatus.NOT_STARTED: "#6b7280",
}
SHOWN = (ReportStatus.CARRIED_OUT, ReportStatus.IN_PROGRESS, ReportStatus.BLOCKED, ReportStatus.NOT_STARTED)


@dataclass(frozen=True)
class Bar:
    status: ReportStatus
    count: int
    y: int
    width: int
    colour: str


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    desc: str
    bars: list[Bar]
    height: int
    width: int = WIDTH


def progress_chart(counts: Counts, *, key: str) -> Chart:
    """One bar per status, the hromadas at it, scaled to the largest."""
    largest = max(counts.hromadas.values(), default=0) or 1
    bars = [
        Bar(
            status,
            counts.hromadas[status],
            i * (BAR + 6),
            round(BAR_MAX * counts.hromadas[status] / largest),
            COLOURS[status],
        )
        for i, status in enumerate(SHOWN)
    ]
    desc = "; ".join(f"{s.label}: {counts.hromadas[s]}" for s in SHOWN)
    return Chart(
        key=key,
        title=gettext(N_("Hromadas by how far they carried it out")),
        desc=desc,
        bars=bars,
        height=len(SHOWN) * (BAR + 6),
    )
