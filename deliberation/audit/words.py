"""The audit log in words: one sentence per kind of entry, in the reader's language.

«Петро Гнатюк подав бюлетень у голосуванні № 2», not ``ballot.cast {'voter_id': 7}``. A sentence
names objects by their number only, so reading the log needs no query beyond the log's own, and
it says no more than the entry: a secret ballot's entry holds no choice, and its sentence names none.

Ukrainian past-tense verbs agree with the person: each Ukrainian sentence starts with the person
and a masculine past-tense verb (optionally after «не»), ending in «-в» or «-вся», and a woman's
name turns that verb feminine («подав» → «подала», «зареєструвався» → «зареєструвалася»).
tests/test_audit_words.py checks every such verb against the dictionary.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from markupsafe import Markup

from ..i18n import N_, get_locale, gettext
from ..text.morphology import name_is_feminine

_PERSON = "%(who)s"

#: A reported thing the coordinators left as it was, by what it is (``moderation.models.Subject``).
_KEPT = {
    "comment": N_("%(who)s left comment no. %(id)s as it was and closed the reports about it"),
}

#: action → the sentence, or a function of the entry's details choosing one.
SENTENCES: dict[str, str | Callable[[Mapping[str, Any]], str]] = {
    "agenda.accepted": N_("%(who)s accepted item no. %(id)s onto the agenda of forum no. %(forum)s"),
    "agenda.added": N_("%(who)s added item no. %(id)s to the agenda of forum no. %(forum)s"),
    "agenda.current_cleared": N_("%(who)s ended the consideration of the current item at forum no. %(id)s"),
    "agenda.current_set": N_("%(who)s took up item no. %(item)s at forum no. %(id)s"),
    "agenda.moved": N_("%(who)s moved item no. %(id)s on the agenda of forum no. %(forum)s"),
    "agenda.returned": N_("%(who)s returned item no. %(id)s of forum no. %(forum)s to its authors"),
    "agenda.submitted": N_("%(who)s submitted document no. %(document)s to forum no. %(forum)s"),
    "amendment.accepted": N_("%(who)s accepted amendment no. %(id)s"),
    "amendment.rejected": N_("%(who)s did not accept amendment no. %(id)s"),
    "amendment.edited": N_("%(who)s changed amendment no. %(id)s"),
    "amendment.lapsed": N_("Amendment no. %(id)s lapsed: amendment no. %(adopted)s was adopted instead"),
    "amendment.proposed": N_("%(who)s proposed amendment no. %(id)s to document no. %(document)s"),
    "amendment.stance": lambda d: (
        N_("%(who)s supported amendment no. %(id)s")
        if d.get("stance") == "support"
        else N_("%(who)s did not support amendment no. %(id)s")
    ),
    "amendment.withdrawn": N_("%(who)s withdrew amendment no. %(id)s"),
    "ballot.cast": N_("%(who)s cast a ballot in vote no. %(id)s"),
    "ballot.changed": N_("%(who)s changed their ballot in vote no. %(id)s"),
    "checkin.code_refused": N_("%(who)s typed a wrong check-in code at forum no. %(forum)s"),
    "checkin.code_renewed": N_("%(who)s renewed the check-in code of forum no. %(id)s"),
    "checkin.started": N_("%(who)s opened the check-in of forum no. %(id)s"),
    "checkin.stopped": N_("%(who)s closed the check-in of forum no. %(id)s"),
    "comment.edited": N_("%(who)s changed comment no. %(id)s"),
    "comment.hidden": N_("%(who)s hid comment no. %(id)s"),
    "comment.posted": N_("%(who)s commented on document no. %(document)s"),
    "comment.resolved": N_("%(who)s marked comment no. %(id)s as resolved"),
    "comment.reopened": N_("%(who)s reopened comment no. %(id)s"),
    "comment.restored": N_("%(who)s showed hidden comment no. %(id)s again"),
    "consultation.assigned": N_("%(who)s assigned consultation no. %(id)s to member no. %(user)s"),
    "consultation.closed": N_("%(who)s closed consultation no. %(id)s"),
    "consultation.message_posted": N_("%(who)s wrote in consultation no. %(id)s"),
    "consultation.reopened": N_("%(who)s reopened consultation no. %(id)s"),
    "consultation.requested": N_("%(who)s asked for consultation no. %(id)s"),
    "delegate.checked_in": N_("%(who)s checked in at forum no. %(forum)s"),
    "delegate.presence_marked": N_("%(who)s marked the presence of delegate no. %(id)s at forum no. %(forum)s"),
    "delegate.registered": N_("%(who)s added delegate no. %(id)s to forum no. %(forum)s"),
    "delegate.unregistered": N_("%(who)s removed delegate no. %(id)s from forum no. %(forum)s"),
    "document.created": N_("%(who)s created document no. %(id)s"),
    "document.followed": N_("%(who)s followed document no. %(id)s"),
    "document.unfollowed": N_("%(who)s stopped following document no. %(id)s"),
    "document.returned_after_vote": N_("%(who)s returned document no. %(id)s for more work after vote no. %(vote)s"),
    "document.revised": N_("%(who)s made version %(number)s of document no. %(id)s"),
    "document.status_set": N_("%(who)s set the status of document no. %(id)s: %(status)s"),
    "document.tagged": N_("%(who)s changed the sectors and themes of document no. %(id)s"),
    "facilitator.appointed": N_("%(who)s appointed member no. %(user)s a facilitator of workshop no. %(workshop)s"),
    "facilitator.removed": N_("%(who)s removed member no. %(user)s as a facilitator of workshop no. %(workshop)s"),
    "flag.created": N_("%(who)s sent report no. %(id)s to the moderators"),
    "flags.kept": lambda d: _KEPT.get(d.get("subject", ""), _KEPT["comment"]),
    "forum.created": N_("%(who)s created forum no. %(id)s"),
    "forum.status_set": N_("%(who)s set the status of forum no. %(id)s: %(status)s"),
    "forum.updated": N_("%(who)s changed the details of forum no. %(id)s"),
    "invitation.created": N_("%(who)s created invitation no. %(id)s"),
    "membership.approved": N_("%(who)s approved request no. %(id)s to join workshop no. %(workshop)s"),
    "membership.declined": N_("%(who)s declined request no. %(id)s to join workshop no. %(workshop)s"),
    "membership.left": N_("%(who)s left workshop no. %(workshop)s"),
    "membership.requested": N_("%(who)s asked to join workshop no. %(workshop)s"),
    "notifications.preferences_set": N_("%(who)s changed their notification settings"),
    "poll.answer_changed": N_("%(who)s changed their answer in poll no. %(id)s"),
    "poll.answered": N_("%(who)s answered poll no. %(id)s"),
    "poll.created": N_("%(who)s opened poll no. %(id)s"),
    "proposal.accepted": N_("%(who)s accepted proposal no. %(id)s"),
    "proposal.created": N_("%(who)s put forward proposal no. %(id)s"),
    "proposal.declined": N_("%(who)s declined proposal no. %(id)s"),
    "proposal.edited": N_("%(who)s changed proposal no. %(id)s"),
    "proposal.hidden": N_("%(who)s hid proposal no. %(id)s"),
    "proposal.restored": N_("%(who)s showed hidden proposal no. %(id)s again"),
    "proposal.support_withdrawn": N_("%(who)s withdrew their support for proposal no. %(id)s"),
    "proposal.supported": N_("%(who)s supported proposal no. %(id)s"),
    "proposal_comment.hidden": N_("%(who)s hid comment no. %(id)s on a proposal"),
    "proposal_comment.restored": N_("%(who)s showed hidden comment no. %(id)s on a proposal again"),
    "proposal_comment.posted": N_("%(who)s commented on proposal no. %(proposal)s"),
    "proxy.given": N_("%(who)s gave proxy no. %(id)s at forum no. %(forum)s"),
    "proxy.revoked": N_("%(who)s revoked proxy no. %(id)s"),
    "resolution.adopted": N_("%(who)s recorded the adoption of resolution no. %(id)s"),
    "site.registration_mode_set": N_("%(who)s set how people register: %(mode)s"),
    "speaker.floor_given": N_("%(who)s gave the floor to speaker no. %(id)s"),
    "speaker.moved": N_("%(who)s moved speaker no. %(id)s in the list of speakers"),
    "speaker.requested": N_("%(who)s asked to speak on item no. %(item)s"),
    "speaker.speech_ended": N_("%(who)s ended speech no. %(id)s"),
    "speaker.withdrawn": N_("%(who)s withdrew request to speak no. %(id)s"),
    "speakers.closed": N_("%(who)s closed the list of speakers on item no. %(id)s"),
    "speakers.reopened": N_("%(who)s reopened the list of speakers on item no. %(id)s"),
    "speakers.time_set": N_("%(who)s set the speaking time on item no. %(id)s to %(seconds)s s"),
    "user.coordinator_set": lambda d: (
        N_("%(who)s made member no. %(id)s a coordinator")
        if d.get("value")
        else N_("%(who)s removed member no. %(id)s from the coordinators")
    ),
    "user.joined_from_host": N_("%(who)s joined from the host platform"),
    "user.password_changed": N_("%(who)s changed their password"),
    "user.password_reset": N_("%(who)s set a new password through a reset link"),
    "user.password_reset_requested": N_("%(who)s asked for a password reset link"),
    "session.cancelled": N_("%(who)s cancelled session no. %(id)s of workshop no. %(workshop)s"),
    "session.registered": N_("%(who)s registered for session no. %(id)s of workshop no. %(workshop)s"),
    "session.scheduled": N_("%(who)s scheduled session no. %(id)s of workshop no. %(workshop)s"),
    "session.updated": N_("%(who)s changed session no. %(id)s of workshop no. %(workshop)s"),
    "session.withdrawn": N_("%(who)s withdrew from session no. %(id)s of workshop no. %(workshop)s"),
    "practice.hidden": N_("%(who)s hid practice no. %(id)s"),
    "practice.restored": N_("%(who)s showed hidden practice no. %(id)s again"),
    "practice.offered": N_("%(who)s offered practice no. %(id)s"),
    "report.hidden": N_("%(who)s hid report no. %(id)s"),
    "report.restored": N_("%(who)s showed hidden report no. %(id)s again"),
    "report.submitted": N_("%(who)s reported on carrying out resolution no. %(number)s"),
    "report.updated": N_("%(who)s updated report no. %(id)s"),
    "user.profile_updated": N_("%(who)s changed their profile"),
    "user.registered": N_("%(who)s registered"),
    "vote.cancelled": N_("%(who)s cancelled vote no. %(id)s"),
    "vote.closed": N_("%(who)s closed vote no. %(id)s"),
    "vote.opened": N_("%(who)s opened vote no. %(id)s"),
    "vote.prepared": N_("%(who)s prepared vote no. %(id)s"),
    "vote.updated": N_("%(who)s changed the rule of vote no. %(id)s"),
    "workshop.created": N_("%(who)s created workshop no. %(id)s"),
    "workshop.updated": N_("%(who)s changed the details of workshop no. %(id)s"),
}
UNKNOWN = N_("%(who)s: %(action)s")
#: Who did it when no person did: the host platform or the system itself (a feminine noun in Ukrainian).
NOBODY = N_("The system")

_DETAIL_NUMBERS = {
    "forum": ("forum_id",),
    "document": ("document_id",),
    "workshop": ("workshop_id",),
    "item": ("item_id", "agenda_item_id"),
    "vote": ("vote_id",),
    "user": ("user_id",),
    "adopted": ("adopted",),
    "number": ("number",),
    "seconds": ("seconds",),
    "proposal": ("proposal_id",),
}
_MASCULINE_VERB = re.compile(r"^(%\(who\)s (?:не )?\w+?)в(ся)?\b")


def feminine(sentence: str) -> str:
    """The Ukrainian sentence with its leading past-tense verb agreeing with a woman."""
    return _MASCULINE_VERB.sub(lambda m: m.group(1) + ("лася" if m.group(2) else "ла"), sentence, count=1)


def template_for(action: str, details: Mapping[str, Any]) -> str:
    """The untranslated sentence for an entry."""
    chosen = SENTENCES.get(action, UNKNOWN)
    return chosen(details) if callable(chosen) else chosen


def sentence(
    *,
    action: str,
    details: Mapping[str, Any],
    object_id: int | None,
    actor_name: str | None,
    labels: Mapping[str, Mapping[str, str]],
) -> Markup:
    """The entry as one sentence in the current language, escaped, the person's name isolated (<bdi>).

    ``labels``: for each detail a sentence may show as a word (``status``, ``mode``), the table
    putting a stored value into words. The capabilities that own the values hand them in: the
    audit log sits below them all, so it never imports them.
    """
    template = gettext(template_for(action, details))
    who = Markup("<bdi>%s</bdi>") % actor_name if actor_name else gettext(NOBODY)
    if get_locale() == "uk" and (actor_name is None or name_is_feminine(actor_name)):
        template = feminine(template)
    values: dict[str, Any] = {"who": who, "id": object_id if object_id is not None else "—", "action": action}
    for name, keys in _DETAIL_NUMBERS.items():
        values[name] = next((details[key] for key in keys if details.get(key) is not None), "—")
    for name, table in labels.items():
        value = details.get(name, "")
        values[name] = gettext(table[value]) if value in table else value
    return Markup.escape(template) % values
