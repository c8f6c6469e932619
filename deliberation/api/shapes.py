"""The JSON shapes of the API as pydantic models: the serializers fill them, the OpenAPI document
describes them (``openapi.py`` derives its component schemas from these classes).

Every model forbids fields it does not name, so a response can only carry what the document
publishes: nothing undocumented, and so nothing private, leaves the API. Validation is strict
(no coercion), so a value leaves exactly as the serializer gave it: a resolution's record keeps
the very strings and numbers its hash covers. The order of the fields is the order of the keys
in the JSON.

The class names are the names of the schemas in the document; the descriptions are English
reference text for programmers, like the code.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict
from pydantic.json_schema import SkipJsonSchema

from ..drafting import models as drafting
from ..forums import models as forums
from ..taxonomy import SECTORS, THEMES
from ..voting import enums as voting
from ..workshops import models as workshops
from .params import ID_MAX, YEAR_MAX, YEAR_MIN

if TYPE_CHECKING:  # to mypy a code is a string; pydantic checks it against the choices and lists them
    DocumentKind = str
    ForumStatus = str
    Sector = str
    Theme = str
    Threshold = str
    QuorumBase = str
    WorkshopKind = str
else:
    # The stored strings themselves, so the OpenAPI document lists plain values.
    DocumentKind = Literal[tuple(m.value for m in drafting.DocumentKind)]
    ForumStatus = Literal[tuple(m.value for m in forums.ForumStatus)]
    Sector = Literal[tuple(SECTORS)]
    Theme = Literal[tuple(THEMES)]
    Threshold = Literal[tuple(m.value for m in voting.Threshold)]
    QuorumBase = Literal[tuple(m.value for m in voting.QuorumBase)]
    WorkshopKind = Literal[tuple(m.value for m in workshops.WorkshopKind)]

Id = Annotated[int, Field(ge=1, le=ID_MAX)]
Year = Annotated[int, Field(ge=YEAR_MIN, le=YEAR_MAX)]
Count = Annotated[int, Field(ge=0)]
Hash = Annotated[str, Field(pattern="^[0-9a-f]{64}$")]
# Addresses are checked by nothing here (they are ours) and published as URIs; pydantic's URL types
# would rewrite them (a trailing slash, another percent-encoding), and the JSON must not change.
Uri = Annotated[str, Field(json_schema_extra={"format": "uri"})]
Fraction = Annotated[str, Field(pattern="^[0-9]+/[0-9]+$")]
Number = Annotated[Fraction, Field(description="year/n, e.g. 2026/3")]


def _without_default(schema: JsonDict) -> None:
    del schema["default"]


class Shape(BaseModel):
    """A JSON object the API sends (a subclass is described by its own docstring, never by this one)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, serialize_by_alias=True)


class ErrorDetail(Shape):
    code: str = Field(
        description="Stable, for programs: invalid_parameter, repeated_parameter, invalid_cursor, not_found, ..."
    )
    message: str = Field(description="For people, in the site's language")
    # Absent, never null, when no parameter is at fault: a string when present, and optional.
    parameter: str | SkipJsonSchema[None] = Field(
        default=None,
        description="The query parameter at fault",
        exclude_if=lambda value: value is None,
        json_schema_extra=_without_default,
    )


class Error(Shape):
    error: ErrorDetail


class ForumRef(Shape):
    id: Id
    title: str = Field(description="As it was at adoption")


class ResolutionSummary(Shape):
    number: Number
    year: Year = Field(description="Year of adoption, in Kyiv time")
    n: int = Field(ge=1, description="Count within the year")
    sequence: int = Field(ge=1, description="Position in the hash chain")
    title: str
    kind: DocumentKind
    adopted_at: str = Field(
        pattern="Z$", json_schema_extra={"format": "date-time"}, description="UTC, to the second, as the hash covers it"
    )
    forum: ForumRef
    workshop_id: Id
    sectors: list[Sector]
    themes: list[Theme]
    hash: Hash = Field(description="SHA-256 of the canonical record (see Resolution)")
    previous_hash: Hash | None = Field(description="The previous resolution's hash; null for the first")
    url: Uri = Field(description="The public page")
    api_url: Uri = Field(description="This resolution in the API")


class Paragraph(Shape):
    id: str = Field(description="Stable id: #p-{id} on the public page")
    label: str | None = Field(description="Point number, e.g. 3 or 3.2; null if none")
    text: str = Field(description="The unit's Markdown as in text, a point with its typed marker")


class Rule(Shape):
    threshold: Threshold
    condition: str
    quorum_share: Fraction
    quorum_base: QuorumBase
    secret: bool


class Tally(Shape):
    for_: Count = Field(alias="for")
    against: Count
    abstain: Count
    registered: Count
    present: Count
    participants: Count
    quorum_reached: bool
    hand_counted: bool


class Contributor(Shape):
    id: Id
    name: str


class Revision(Shape):
    document_id: Id
    number: int = Field(ge=1)


class Resolution(ResolutionSummary):
    """A resolution never changes. Its hash is the SHA-256 of the RFC 8785 JSON of number, title, kind,
    text, adopted_at, forum, rule, tally, contributors, revision and previous_hash, exactly as given here."""

    text: str = Field(description="The adopted text (Markdown), NFC with LF line endings")
    paragraphs: list[Paragraph]
    rule: Rule
    tally: Tally
    contributors: list[Contributor]
    revision: Revision


class ResolutionRef(Shape):
    number: Number
    title: str
    url: Uri
    api_url: Uri


class PageLinks(Shape):
    self: Uri
    next: Uri | None


class Page(Shape):
    """One page of resolutions, newest first"""

    items: list[ResolutionSummary]
    next_cursor: str | None = Field(description="null on the last page")
    chain_head: Hash | None = Field(
        description="The hash of the newest resolution of the whole chain (whatever the filters): keep it, and "
        "`deliberation verify --expect HASH` later shows whether the chain still leads to it. A resolution's own "
        "hash was the head at its adoption."
    )
    links: PageLinks


class ForumSummary(Shape):
    id: Id
    title: str
    theme: str
    description: str
    status: ForumStatus
    starts_on: date
    ends_on: date
    place: str
    is_online: bool
    resolution_count: Count
    url: Uri = Field(description="The public page")
    api_url: Uri


class Forum(ForumSummary):
    resolutions: list[ResolutionRef] = Field(description="Newest first")


class ForumList(Shape):
    items: list[ForumSummary]


class Workshop(Shape):
    id: Id
    kind: WorkshopKind
    title: str
    topic: str
    description: str
    starts_on: date | None
    ends_on: date | None
    place: str
    is_online: bool
    resolution_count: Count
    resolutions: list[ResolutionRef] = Field(description="Newest first")
    url: Uri = Field(description="The public page")
    api_url: Uri


class WorkshopList(Shape):
    items: list[Workshop]


class Index(Shape):
    openapi: Uri
    resolutions: Uri
    forums: Uri
    workshops: Uri
