"""Jinja2 set-up: host templates first, ours second; gettext, dates and URLs as template helpers."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup
from starlette.requests import Request
from starlette.templating import Jinja2Templates

from .. import i18n
from ..accounts.models import Occupation, RegistrationMode
from ..accounts.regions import REGIONS
from ..discussion.models import AmendmentKind, AmendmentStatus, AnchorStatus, StanceKind
from ..drafting.actions import check_preview_text
from ..drafting.models import DocumentKind, DocumentStatus, RevisionOrigin
from ..errors import ValidationError
from ..forums.models import AgendaKind, AgendaOutcome, AgendaStatus, ForumStatus, SpeakerStatus
from ..moderation.rules import can_report
from ..proposals.models import PollMode, ProposalKind, ProposalStatus
from ..reports.models import ReportStatus
from ..settings import LOCALES
from ..taxonomy import SECTORS, THEMES
from ..text.changes import Excerpt, ShownRow, group_changes, render_changes
from ..text.clashes import clashes
from ..text.diff import Op, render_inline_html
from ..text.merge import Chunk, Conflict
from ..text.paragraphs import split_units
from ..text.units import RenderedUnit, render_text_units
from ..validation import PASSWORD_MIN_LENGTH
from ..voting import models as voting
from ..workshops.models import MembershipStatus, WorkshopKind

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def _asset_dir(name: str) -> Path:
    """``templates/`` and ``static/`` sit beside the package in a checkout, inside it when installed."""
    checkout = PACKAGE_DIR.parent / name
    return checkout if checkout.is_dir() else PACKAGE_DIR / f"_{name}"


TEMPLATE_DIR = _asset_dir("templates")
STATIC_DIR = _asset_dir("static")


def static_version() -> str:
    """A short hash of the static files, so browsers may cache them for a year and still update."""
    digest = hashlib.sha256()
    for path in sorted(STATIC_DIR.rglob("*")):
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def url_for(request: Request, name: str, /, **params: Any) -> str:
    """A path under wherever the app is mounted, built from our own router.

    A mounted app sees the host's router in ``scope["router"]``, so Starlette's ``url_for`` would
    need the host's mount name; our router plus the scope's root path needs nothing from the host.
    """
    router = request.scope["app"].router
    try:
        path = _path_cache(router)(name, tuple(sorted(params.items())))
    except TypeError:  # a parameter that cannot be a cache key (none of ours); ask the router itself
        path = str(router.url_path_for(name, **params))
    return request.scope.get("root_path", "") + path


def _path_cache(router: Any) -> Callable[[str, tuple[tuple[str, Any], ...]], str]:
    """The router's answers, remembered: Starlette tries every route in turn and raises for each one
    that does not match, about 70 µs a link, and a long document has several links a paragraph.
    The routes do not change once the app is built, so an answer never goes stale."""
    cached: Callable[[str, tuple[tuple[str, Any], ...]], str] | None = getattr(router, "_delib_path_cache", None)
    if cached is not None:
        return cached

    @functools.lru_cache(maxsize=4096)
    def cache(name: str, items: tuple[tuple[str, Any], ...]) -> str:
        return str(router.url_path_for(name, **dict(items)))

    router._delib_path_cache = cache
    return cache


def _install_gettext(env: jinja2.Environment) -> None:
    """``_()``, ``ngettext()`` and ``{% trans %}`` in the current locale, as Jinja's "new style":
    the message is translated, then its ``%(name)s`` variables are filled in, escaped.

    Jinja's own new-style callables take the template context, and a call that takes the context
    from inside a loop copies the whole context first: a document of 2,000 paragraphs made 6,000
    copies for its three translated labels a paragraph, a third of the page's time. Our
    environment always escapes (``autoescape=True``, no template turns it off), so these need no
    context: they mark the translation safe and let ``Markup`` escape the variables, as Jinja's do.
    """

    def translations() -> Any:
        return i18n.translations(i18n.get_locale())

    def gettext(message: str, /, **variables: Any) -> Markup:
        return Markup(translations().gettext(message)) % variables

    def ngettext(singular: str, plural: str, num: int, /, **variables: Any) -> Markup:
        variables.setdefault("num", num)
        return Markup(translations().ngettext(singular, plural, num)) % variables

    def pgettext(context: str, message: str, /, **variables: Any) -> Markup:
        return Markup(translations().pgettext(context, message)) % variables

    # The extension's own installation sets how ``{% trans %}`` compiles (new style, trimmed);
    # the globals it installed are then replaced by ours.
    # jinja2.ext.i18n adds this method to the environment; Environment's type does not declare it.
    env.install_gettext_callables(gettext, ngettext, newstyle=True, pgettext=pgettext)  # type: ignore[attr-defined]
    env.globals.update(_=gettext, gettext=gettext, ngettext=ngettext, pgettext=pgettext)


def make_templates(extra_dirs: tuple[Path, ...] = ()) -> Jinja2Templates:
    loader = jinja2.ChoiceLoader(
        [jinja2.FileSystemLoader([str(d) for d in extra_dirs]), jinja2.FileSystemLoader(str(TEMPLATE_DIR))]
    )
    env = jinja2.Environment(
        loader=loader,
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.policies["ext.i18n.trimmed"] = True
    _install_gettext(env)
    env.filters.update(
        date=i18n.format_date,
        datetime=i18n.format_datetime,
        time=i18n.format_time,
        daterange=i18n.format_range,
        number=i18n.format_number,
        paragraphs=_paragraphs,
        bdi=bdi,
    )
    env.globals.update(
        url=_url_global,
        static=_static_global,
        LOCALES=LOCALES,
        locale_name=i18n.locale_display_name,
        content_lang=content_lang,
        REGIONS=REGIONS,
        PASSWORD_MIN_LENGTH=PASSWORD_MIN_LENGTH,
        SECTORS=SECTORS,
        THEMES=THEMES,
        # Anything a member reads may carry a "Report" link; one rule decides where it shows.
        can_report=can_report,
        # The closed sets, for their labels (``DocumentStatus(document.status).label``) and options.
        **{
            enum.__name__: enum
            for enum in (
                WorkshopKind,
                MembershipStatus,
                Occupation,
                RegistrationMode,
                ForumStatus,
                AgendaKind,
                AgendaStatus,
                AgendaOutcome,
                SpeakerStatus,
                DocumentKind,
                DocumentStatus,
                ReportStatus,
                RevisionOrigin,
                AmendmentKind,
                AmendmentStatus,
                StanceKind,
                AnchorStatus,
                voting.VoteMode,
                voting.VoteStatus,
                voting.VoteSubject,
                voting.Threshold,
                voting.QuorumBase,
                voting.Reason,
                voting.Choice,
                ProposalKind,
                ProposalStatus,
                PollMode,
            )
        },
        VOTE_CHOICES=tuple(voting.Choice),
    )
    return Jinja2Templates(env=env)


@jinja2.pass_context
def _url_global(context, name: str, **params: Any) -> str:
    return url_for(context["request"], name, **params)


@jinja2.pass_context
def _static_global(context, path: str) -> str:
    request = context["request"]
    version = request.scope["app"].state.delib.static_version
    return url_for(request, "static", path=path) + f"?v={version}"


def content_lang(lang: str | None = None) -> Markup:
    """The ``lang`` attribute for an element holding people's text (see i18n.CONTENT_LANGUAGE):
    ``<div{{ content_lang() }}>``. Screen readers then read a Ukrainian title in the English
    interface with Ukrainian pronunciation, and browsers hyphenate and spell-check it as Ukrainian."""
    return Markup(i18n.content_lang_attr(lang))


def bdi(text: object, lang: str | None = None) -> Markup:
    """User text (a name, a title) isolated from what surrounds it, escaped: a right-to-left name or a
    direction character left in old data cannot reorder the words after it; marked with its language
    when the interface speaks another. Not for attributes or <title>."""
    return Markup("<bdi%s>%s</bdi>") % (content_lang(lang), text)


def _paragraphs(text: str) -> Markup:
    """Plain text with blank-line paragraphs, escaped, in the content language; for descriptions
    and comments, which are not Markdown."""
    parts = [p.strip() for p in (text or "").split("\n\n") if p.strip()]
    lang = content_lang()
    return Markup("".join(f"<p{lang}>{Markup.escape(p)}</p>" for p in parts))


def inline_diff_html(ops: list[Op]) -> str:
    """A word diff as HTML, its hidden "added:"/"removed:" labels in the reader's language and
    marked so: the text around them is the document's (see i18n.CONTENT_LANGUAGE)."""
    return render_inline_html(
        ops, ins_label=i18n.gettext("added:"), del_label=i18n.gettext("removed:"), label_lang=i18n.get_locale()
    )


def _change_labels() -> dict[str, str]:
    return {"ins_label": i18n.gettext("added:"), "del_label": i18n.gettext("removed:"), "label_lang": i18n.get_locale()}


def change_rows(before: str, after: str, *, numbered: bool = True) -> list[ShownRow]:
    """Every paragraph from ``before`` to ``after``, rendered, changes marked (``group_changes``
    cuts them into excerpts); the hidden labels in the reader's language."""
    return render_changes(split_units(before), split_units(after), numbered=numbered, **_change_labels())


@dataclass(frozen=True)
class ClashView:
    """A conflict for a page: the agreed paragraphs before it, then each side's paragraphs with the
    words it changed since the common version marked."""

    conflict: Conflict
    before: list[RenderedUnit]
    mine: list[Excerpt[ShownRow]]
    theirs: list[Excerpt[ShownRow]]


def clash_views(chunks: Sequence[Chunk]) -> tuple[list[ClashView], list[RenderedUnit]]:
    """Each conflict of a merge rendered in whole paragraphs, and the agreed text after the last."""
    found, rest = clashes(chunks)
    views = [
        ClashView(
            clash.conflict,
            render_text_units(clash.before, numbered=False),
            group_changes(change_rows(clash.base, clash.mine, numbered=False), context=None),
            group_changes(change_rows(clash.base, clash.theirs, numbered=False), context=None),
        )
        for clash in found
    ]
    return views, render_text_units(rest, numbered=False)


#: What the editing pages get when no preview was asked for.
NO_PREVIEW: dict = {"preview": None, "preview_error": ""}


def preview_context(form, name: str) -> dict:
    """The ``preview`` (rendered units) of a form's text field, or why it cannot be shown."""
    try:
        text = check_preview_text(form, name=name)
    except ValidationError as error:
        return {"preview": [], "preview_error": error.errors[name].message()}
    return {"preview": render_text_units(text), "preview_error": ""}
