"""A resolution in Akoma Ntoso 3.0 (OASIS LegalDocML), valid against the official schema.

Which document type. A draft council decision is written as an act of a local authority: a
preamble ending in «вирішила:» and numbered points that become articles, so it is an ``<act
name="councilDecision">`` with a ``<body>`` of ``<article>`` elements. Every other kind (petitions,
appeals, declarations, manifestos, memoranda, plans, expert opinions) is no legislative act; the
schema's ``<doc name="…">`` is meant for exactly those, with a ``<mainBody>`` in which numbered
points are ``<point>`` elements and paragraphs are plain ``<p>``.

Mapping. The text's units (the same units and numbers as the site, ``structure``) are placed so:
a first heading repeating the title is the ``<preface>``'s ``<longTitle>``; paragraphs before the
first point or heading form the ``<preamble>`` (a last one ending in ":" is the enacting formula);
a heading opens an ``<hcontainer name="section">`` holding what follows it up to the next heading;
points nest by their number ("2.1" inside "2"), a point with sub-points keeping its own words as
``<intro>``; where the schema wants only hierarchy (an act's body, inside a section) a paragraph
is an ``<hcontainer name="paragraph">`` with ``<content>``. Bold, italics, links and line breaks
keep their AKN elements; lists inside a paragraph become one ``<p>`` per item, tables ``<table>``.

Identification. FRBR URIs follow the AKN naming convention: the work
``/akn/ua/{act|doc}/{name}/deliberation/{date of adoption}/{year}-{n}``, its Ukrainian expression
``…/ukr@{date}``, the manifestation ``….akn``. The forum is the work's author (a
``TLCOrganization``), the network's software the source of the metadata (``#deliberation``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from lxml import etree

from .source import ResolutionSource
from .structure import Line, Run, Unit

__all__ = ["AKN_NS", "DOC_NAMES", "resolution_akn"]

AKN_NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
_A = f"{{{AKN_NS}}}"

#: ``name`` of the document element per kind; only a council decision is an act.
DOC_NAMES = {
    "council_decision": "councilDecision",
    "petition": "petition",
    "manifesto": "manifesto",
    "memorandum": "memorandum",
    "declaration": "declaration",
    "appeal": "appeal",
    "activity_plan": "activityPlan",
    "action_plan": "actionPlan",
    "expert_opinion": "expertOpinion",
}
_ACTS = frozenset({"council_decision"})


def _el(parent, tag: str, text: str | None = None, **attrs) -> etree._Element:
    element = etree.SubElement(parent, _A + tag, {k.rstrip("_"): v for k, v in attrs.items()})
    if text is not None:
        element.text = text
    return element


def resolution_akn(source: ResolutionSource, *, page: str = "") -> bytes:
    """The resolution as an Akoma Ntoso XML document (UTF-8, with an XML declaration).

    ``page`` is the address of the resolution's page, given as an alias of the work.
    """
    is_act = source.kind in _ACTS
    doc_type = "act" if is_act else "doc"
    name = DOC_NAMES.get(source.kind, "document")
    root = etree.Element(_A + "akomaNtoso", nsmap={None: AKN_NS})
    document = _el(root, doc_type, name=name)
    _meta(document, source, doc_type=doc_type, name=name, page=page)
    units = list(source.body_units)
    title_heading = source.units[0] if len(units) < len(source.units) else None
    _preface(document, source, title_heading)
    preamble, body = _split_preamble(units)
    if preamble:
        _preamble(document, preamble)
    main = _el(document, "body" if is_act else "mainBody")
    _Body(is_act).build(main, body)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# --- Metadata -------------------------------------------------------------------------------------


def _meta(document, source: ResolutionSource, *, doc_type: str, name: str, page: str) -> None:
    date = source.adopted_on
    work = f"/akn/ua/{doc_type}/{name}/deliberation/{date}/{source.year}-{source.n}"
    expression = f"{work}/ukr@{date}"
    meta = _el(document, "meta")
    ident = _el(meta, "identification", source="#deliberation")
    frbr = _el(ident, "FRBRWork")
    _el(frbr, "FRBRthis", value=f"{work}/!main")
    _el(frbr, "FRBRuri", value=work)
    if page:
        _el(frbr, "FRBRalias", value=page, name="page")
    _el(frbr, "FRBRdate", date=date, name="adoption")
    _el(frbr, "FRBRauthor", href="#forum")
    _el(frbr, "FRBRcountry", value="ua")
    _el(frbr, "FRBRnumber", value=source.number)
    _el(frbr, "FRBRname", value=source.title)
    frbr = _el(ident, "FRBRExpression")
    _el(frbr, "FRBRthis", value=f"{expression}/!main")
    _el(frbr, "FRBRuri", value=expression)
    _el(frbr, "FRBRdate", date=date, name="adoption")
    _el(frbr, "FRBRauthor", href="#forum")
    _el(frbr, "FRBRlanguage", language="ukr")
    frbr = _el(ident, "FRBRManifestation")
    _el(frbr, "FRBRthis", value=f"{expression}/!main.xml")
    _el(frbr, "FRBRuri", value=f"{expression}.akn")
    _el(frbr, "FRBRdate", date=date, name="adoption")
    _el(frbr, "FRBRauthor", href="#deliberation")
    lifecycle = _el(meta, "lifecycle", source="#deliberation")
    _el(lifecycle, "eventRef", eId=f"e_{date}", date=date, source="#original", type="generation", refersTo="#adoption")
    references = _el(meta, "references", source="#deliberation")
    _el(references, "original", eId="original", href=expression, showAs=source.title)
    _el(
        references,
        "TLCOrganization",
        eId="deliberation",
        href="/ontology/organization/ua/deliberation",
        showAs="Deliberation",
    )
    _el(
        references,
        "TLCOrganization",
        eId="forum",
        href=f"/ontology/organization/ua/deliberation.forum.{source.forum['id']}",
        showAs=source.forum["title"],
    )
    _el(references, "TLCEvent", eId="adoption", href="/ontology/event/ua/deliberation.adoption", showAs="Adoption")
    proprietary = _el(meta, "proprietary", source="#deliberation")
    # The hash chain is this network's own guarantee: kept beside the AKN metadata, in our namespace.
    extra = etree.SubElement(
        proprietary, "{urn:deliberation:resolution}record", nsmap={"delib": "urn:deliberation:resolution"}
    )
    extra.set("hash", source.hash)
    if source.previous_hash:
        extra.set("previousHash", source.previous_hash)
    extra.set("revision", str(source.record["revision"]["number"]))


def _preface(document, source: ResolutionSource, title_heading: Unit | None) -> None:
    preface = _el(document, "preface")
    number = _el(preface, "p", class_="number")
    _el(number, "docNumber", source.number)
    long_title = _el(preface, "longTitle")
    p = _el(long_title, "p")
    _el(p, "docTitle", title_heading.text if title_heading is not None else source.title)


def _split_preamble(units: list[Unit]) -> tuple[list[Unit], list[Unit]]:
    """Paragraphs before the first point or heading are the preamble, when a body follows them."""
    for i, unit in enumerate(units):
        if unit.kind in ("point", "heading"):
            return units[:i], units[i:]
    return [], units


def _preamble(document, units: Sequence[Unit]) -> None:
    preamble = _el(document, "preamble")
    *recitals, last = units
    for unit in recitals:
        _blocks(preamble, unit.lines)
    if last.kind == "paragraph" and last.text.rstrip().endswith(":"):
        _blocks(_el(preamble, "formula", name="enactingFormula"), last.lines)
    else:
        _blocks(preamble, last.lines)


# --- The body -------------------------------------------------------------------------------------


class _Body:
    """Builds the body in one pass, keeping every eId unique (the strict schema checks it)."""

    def __init__(self, is_act: bool) -> None:
        self.is_act = is_act
        self.point_tag, self.point_prefix = ("article", "art") if is_act else ("point", "point")
        self.containers = 0

    def build(self, main, units: Sequence[Unit]) -> None:
        section = None
        parents: list[tuple[etree._Element, Unit]] = []  # open points, outermost first
        for unit in units:
            if unit.kind == "heading":
                self.containers += 1
                section = _el(main, "hcontainer", eId=f"hcontainer_{self.containers}", name="section")
                _append_inline(_el(section, "heading"), _first_runs(unit))
                parents = []
                continue
            container = section if section is not None else main
            if unit.kind == "point":
                while parents and parents[-1][1].depth >= unit.depth:
                    parents.pop()
                parent = parents[-1][0] if parents else container
                parents.append((self._point(parent, unit, nested=bool(parents)), unit))
                continue
            parents = []
            if container is main and not self.is_act:
                _blocks(main, unit.lines)  # a doc's main body takes paragraphs as they are
            else:
                self.containers += 1
                paragraph = _el(container, "hcontainer", eId=f"hcontainer_{self.containers}", name="paragraph")
                _blocks(_el(paragraph, "content"), unit.lines)
        self._finish(main)

    def _point(self, parent, unit: Unit, *, nested: bool) -> etree._Element:
        label = unit.label or ""
        if nested:
            # A parent that gets its first sub-point turns its own words into the intro.
            content = parent.find(_A + "content")
            if content is not None:
                content.tag = _A + "intro"
            top, _, rest = label.partition(".")
            eid = f"{self.point_prefix}_{top}" + "".join(f"__point_{part}" for part in rest.split(".") if part)
            tag = "point"
        else:
            eid, tag = f"{self.point_prefix}_{label.replace('.', '-')}", self.point_tag
        point = _el(parent, tag, eId=eid)
        _el(point, "num", f"{label}.")
        _blocks(_el(point, "content"), unit.lines)
        return point

    def _finish(self, main) -> None:
        # The schema wants every section to hold something, and a body to hold at least one element.
        for section in main.iter(_A + "hcontainer"):
            if len(section) == 1 and section[0].tag == _A + "heading":
                _el(_el(section, "content"), "p")
        if len(main) == 0:
            self.containers += 1
            _el(_el(_el(main, "hcontainer", eId=f"hcontainer_{self.containers}", name="paragraph"), "content"), "p")


def _first_runs(unit: Unit) -> tuple[Run, ...]:
    lines = unit.lines
    return lines[0].runs if lines else ()


def _blocks(parent, lines: Iterable[Line]) -> None:
    """Lines as ``<p>`` (a list item with its marker), table rows as one ``<table>``."""
    table = None
    wrote = False
    for line in lines:
        if line.cells:
            if table is None:
                table = _el(parent, "table")
            row = _el(table, "tr")
            for cell in line.cells:
                _append_inline(_el(_el(row, "th" if line.is_header else "td"), "p"), cell)
            wrote = True
            continue
        table = None
        p = _el(parent, "p")
        runs = ((Run(f"{line.marker} "),) if line.marker else ()) + line.runs
        _append_inline(p, runs)
        wrote = True
    if not wrote:
        _el(parent, "p")


def _append_inline(parent, runs: Sequence[Run]) -> None:
    for run in runs:
        for k, piece in enumerate(run.text.split("\n")):
            if k:
                etree.SubElement(parent, _A + "eol")
            if piece:
                _append_run(parent, run, piece)


def _append_run(parent, run: Run, text: str) -> None:
    target = parent
    if run.href:
        target = etree.SubElement(target, _A + "a", href=run.href)
    if run.bold:
        target = etree.SubElement(target, _A + "b")
    if run.italic:
        target = etree.SubElement(target, _A + "i")
    if target is parent:
        _add_text(parent, text)
    else:
        target.text = text


def _add_text(parent, text: str) -> None:
    if len(parent):
        last = parent[-1]
        last.tail = (last.tail or "") + text
    else:
        parent.text = (parent.text or "") + text
