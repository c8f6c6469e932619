"""What happened in each version of a text, in words: «Враховано поправку № 7 (авторка — Марія
Савчук)», "Amendment No. 7 by Maria Savchuk accepted", «Відновлено версію 3», not «(7): «#1»».

A version says how it came to be (``Revision.origin``) and what it links to (``source_number``:
the version restored, or the one an edit started from); for an accepted amendment the caller
passes the amendment's number and author, and the vote that adopted it if a forum did.

The author's name stays in the nominative: Ukrainian would put it in the genitive after
«поправку» («поправку Марії Савчук»), and surnames decline by rules a dictionary does not hold
(«Савчук» declines for a man and not for a woman), so a wrong ending is likely. «(автор — …)»
needs no ending at all, only the noun's gender, which ``name_is_feminine`` reads from the first
name (the same reading the audit log uses for its verbs).
"""

from __future__ import annotations

from markupsafe import Markup

from ..i18n import content_lang_attr, get_locale, gettext, pgettext
from ..text.morphology import name_is_feminine
from .models import RevisionOrigin


def _said(template: str, **values: object) -> Markup:
    return Markup.escape(template) % values


def _name(name: str) -> Markup:
    return Markup("<bdi%s>%s</bdi>") % (Markup(content_lang_attr()), name)


def revision_words(
    *,
    origin: str,
    source_number: int | None,
    amendment_number: int | None = None,
    amendment_author: str | None = None,
    vote_number: int | None = None,
) -> Markup:
    """One sentence, in the current language, escaped, saying how a version came to be."""
    if origin == RevisionOrigin.AMENDMENT:
        return _amendment_words(amendment_number, amendment_author, vote_number)
    if origin == RevisionOrigin.CREATE:
        return _said(gettext("First version"))
    if origin == RevisionOrigin.RESTORE and source_number:
        return _said(gettext("Version %(n)s restored"), n=source_number)
    if origin == RevisionOrigin.MERGE and source_number:
        return _said(
            gettext("Changes made to version %(n)s and combined with changes saved in the meantime"), n=source_number
        )
    if origin == RevisionOrigin.RESOLVE:
        return _said(gettext("Changes made, with clashing passages settled by hand"))
    if origin == RevisionOrigin.EDIT:
        return _said(gettext("Changes made"))
    return _said(RevisionOrigin(origin).label)


def _amendment_words(number: int | None, author: str | None, vote: int | None) -> Markup:
    if number is None or not author:
        return _said(gettext("An amendment accepted"))
    # The gender of «автор»/«авторка» only matters in Ukrainian; other catalogs say the same twice.
    feminine = get_locale() == "uk" and name_is_feminine(author)
    if vote is not None:
        template = (
            pgettext(
                "the amendment's author is a woman", "Amendment No. %(n)s by %(name)s adopted by vote No. %(vote)s"
            )
            if feminine
            else gettext("Amendment No. %(n)s by %(name)s adopted by vote No. %(vote)s")
        )
    else:
        template = (
            pgettext("the amendment's author is a woman", "Amendment No. %(n)s by %(name)s accepted")
            if feminine
            else gettext("Amendment No. %(n)s by %(name)s accepted")
        )
    return _said(template, n=number, name=_name(author), vote=vote)
