"""Every route, for every role: the permission table reads like the policy.

Roles: anonymous; member (signed in, not in the workshop); facilitator (of the workshop); coordinator.
Outcomes are status codes; "login" means a redirect to the sign-in page.
"""

from __future__ import annotations

import pytest
from starlette.routing import Mount, Route

from deliberation.testing import csrf_token, sign_in
from tests.consultations.permission_rows import ROWS as CONSULTATION_ROWS
from tests.web.world import (  # noqa: F401  (built_world, connection and world are fixtures)
    HROMADA,
    LATER,
    PRACTICE_FORM,
    SESSION_FORM,
    SOON,
    TODAY,
    built_world,
    connection,
    fill,
    world,
)

ROLES = ("anonymous", "member", "facilitator", "coordinator")
WORKSHOP_FORM = {
    "kind": "experts",
    "title": "Експертна майстерня",
    "topic": "Статут громади",
    "place": "Полтава",
    "starts_on": SOON,
    "ends_on": LATER,
}
FORUM_FORM = {
    "title": "Осінній форум",
    "theme": "Бюджетний процес",
    "place": "Житомир",
    "starts_on": SOON,
    "ends_on": LATER,
}
DOCUMENT_FORM = {"kind": "petition", "title": "Петиція про водогін", "body": "Просимо відремонтувати водогін у селі."}
PROPOSAL_FORM = {
    "kind": "workshop_topic",
    "title": "Громадський бюджет для молоді",
    "description": "Майстерня могла б напрацювати положення про молодіжний громадський бюджет.",
    "sectors": "youth_sport",
}
POLL_FORM = {
    "title": "Яку тему взяти для форуму?",
    "mode": "single",
    "closes_at": SOON + "T10:00",
    "free_options": "Освіта\nЖКГ",
}
_EVERYONE_READS = dict(anonymous=200, member=200, facilitator=200, coordinator=200)
PROFILE_FORM = {"display_name": "Нове імʼя", "occupation": "expert", "hromada": "Гадяцька", "region": "poltava"}

# (name, method, path template, form data, {role: expected status})
TABLE = [
    ("home", "GET", "/", None, dict(anonymous=200, member=200, facilitator=200, coordinator=200)),
    ("health", "GET", "/healthz", None, dict(anonymous=200, member=200, facilitator=200, coordinator=200)),
    ("ready", "GET", "/readyz", None, dict(anonymous=200, member=200, facilitator=200, coordinator=200)),
    (
        "language",
        "POST",
        "/language",
        {"lang": "en"},
        dict(anonymous=303, member=303, facilitator=303, coordinator=303),
    ),
    ("login", "GET", "/login", None, dict(anonymous=200, member=200, facilitator=200, coordinator=200)),
    (
        "login",
        "POST",
        "/login",
        {"email": "nobody@example.org", "password": "wrong password"},
        dict(anonymous=400, member=400, facilitator=400, coordinator=400),
    ),
    ("logout", "POST", "/logout", {}, dict(anonymous=303, member=303, facilitator=303, coordinator=303)),
    ("register", "GET", "/register", None, dict(anonymous=200, member=200, facilitator=200, coordinator=200)),
    (
        "register",
        "POST",
        "/register",
        {"email": "bad"},
        dict(anonymous=422, member=422, facilitator=422, coordinator=422),
    ),
    (
        "register_confirm",
        "GET",
        "/register/confirm/not-a-token",
        None,
        dict(anonymous=404, member=404, facilitator=404, coordinator=404),
    ),
    (
        "register_confirm",
        "POST",
        "/register/confirm/not-a-token",
        {"password": "x" * 12, "password_confirm": "x" * 12},
        dict(anonymous=404, member=404, facilitator=404, coordinator=404),
    ),
    (
        "password_forgot",
        "GET",
        "/password/forgot",
        None,
        dict(anonymous=200, member=200, facilitator=200, coordinator=200),
    ),
    (
        "password_forgot",
        "POST",
        "/password/forgot",
        {"email": "nobody@example.org"},
        dict(anonymous=200, member=200, facilitator=200, coordinator=200),
    ),
    (
        "password_reset",
        "GET",
        "/password/reset/not-a-token",
        None,
        dict(anonymous=404, member=404, facilitator=404, coordinator=404),
    ),
    (
        "password_reset",
        "POST",
        "/password/reset/not-a-token",
        {"password": "x" * 12, "password_confirm": "x" * 12},
        dict(anonymous=404, member=404, facilitator=404, coordinator=404),
    ),
    ("account", "GET", "/account", None, dict(anonymous="login", member=200, facilitator=200, coordinator=200)),
    ("account", "POST", "/account", PROFILE_FORM, dict(anonymous=401, member=303, facilitator=303, coordinator=303)),
    (
        "account_password",
        "GET",
        "/account/password",
        None,
        dict(anonymous="login", member=200, facilitator=200, coordinator=200),
    ),
    (
        "account_password",
        "POST",
        "/account/password",
        {"current_password": "wrong"},
        dict(anonymous=401, member=422, facilitator=422, coordinator=422),
    ),
    ("workshops", "GET", "/workshops", None, dict(anonymous=200, member=200, facilitator=200, coordinator=200)),
    (
        "workshop_new",
        "GET",
        "/workshops/new",
        None,
        dict(anonymous="login", member=403, facilitator=403, coordinator=200),
    ),
    (
        "workshop_new",
        "POST",
        "/workshops/new",
        WORKSHOP_FORM,
        dict(anonymous=401, member=403, facilitator=403, coordinator=303),
    ),
    (
        "workshop",
        "GET",
        "/workshops/{workshop}",
        None,
        dict(anonymous=200, member=200, facilitator=200, coordinator=200),
    ),
    (
        "workshop_edit",
        "GET",
        "/workshops/{workshop}/edit",
        None,
        dict(anonymous="login", member=403, facilitator=403, coordinator=200),
    ),
    (
        "workshop_edit",
        "POST",
        "/workshops/{workshop}/edit",
        {**WORKSHOP_FORM, "kind": "deputies"},
        dict(anonymous=401, member=403, facilitator=403, coordinator=303),
    ),
    (
        "workshop_join",
        "POST",
        "/workshops/{workshop}/join",
        {},
        dict(anonymous=401, member=303, facilitator=409, coordinator=303),
    ),
    (
        "workshop_leave",
        "POST",
        "/workshops/{workshop}/leave",
        {},
        dict(anonymous=401, member=403, facilitator=303, coordinator=403),
    ),
    (
        "workshop_decide",
        "POST",
        "/workshops/{workshop}/requests/{requester}",
        {"decision": "approve"},
        dict(anonymous=401, member=403, facilitator=303, coordinator=303),
    ),
    (
        "workshop_facilitator",
        "POST",
        "/workshops/{workshop}/facilitators",
        {"user_id": "{requester}", "appoint": "1"},
        dict(anonymous=401, member=403, facilitator=403, coordinator=303),
    ),
    # Proposals: the facilitator wrote the proposal, the member commented on it.
    ("proposals", "GET", "/proposals", None, _EVERYONE_READS),
    (
        "proposal_new",
        "GET",
        "/proposals/new",
        None,
        dict(anonymous="login", member=200, facilitator=200, coordinator=200),
    ),
    (
        "proposal_new",
        "POST",
        "/proposals/new",
        PROPOSAL_FORM,
        dict(anonymous=401, member=303, facilitator=303, coordinator=303),
    ),
    (
        "proposal_ranking",
        "GET",
        "/proposals/ranking",
        None,
        dict(anonymous="login", member=403, facilitator=403, coordinator=200),
    ),
    ("proposal", "GET", "/proposals/{proposal}", None, _EVERYONE_READS),
    # Hidden, it is there for coordinators only, its author included in the others.
    (
        "proposal",
        "GET",
        "/proposals/{hidden_proposal}",
        None,
        dict(anonymous=404, member=404, facilitator=404, coordinator=200),
    ),
    (
        "proposal_support",
        "POST",
        "/proposals/{hidden_proposal}/support",
        {"support": "1"},
        dict(anonymous=401, member=404, facilitator=404, coordinator=403),
    ),
    (
        "proposal_edit",
        "GET",
        "/proposals/{proposal}/edit",
        None,
        dict(anonymous="login", member=403, facilitator=200, coordinator=403),
    ),
    (
        "proposal_edit",
        "POST",
        "/proposals/{proposal}/edit",
        PROPOSAL_FORM,
        dict(anonymous=401, member=403, facilitator=303, coordinator=403),
    ),
    (
        "proposal_support",
        "POST",
        "/proposals/{proposal}/support",
        {"support": "1"},
        dict(anonymous=401, member=303, facilitator=403, coordinator=303),
    ),
    (
        "proposal_comment",
        "POST",
        "/proposals/{proposal}/comments",
        {"body": "Слушна пропозиція."},
        dict(anonymous=401, member=303, facilitator=303, coordinator=303),
    ),
    (
        "proposal_accept",
        "GET",
        "/proposals/{proposal}/accept",
        None,
        dict(anonymous="login", member=403, facilitator=403, coordinator=200),
    ),
    (
        "proposal_accept",
        "POST",
        "/proposals/{proposal}/accept",
        {"forum_id": "{forum}"},
        dict(anonymous=401, member=403, facilitator=403, coordinator=303),
    ),
    (
        "proposal_decline",
        "GET",
        "/proposals/{proposal}/decline",
        None,
        dict(anonymous="login", member=403, facilitator=403, coordinator=200),
    ),
    (
        "proposal_decline",
        "POST",
        "/proposals/{proposal}/decline",
        {"reason": "Така тема вже була."},
        dict(anonymous=401, member=403, facilitator=403, coordinator=303),
    ),
    (
        "proposal_comment_hide",
        "GET",
        "/proposal-comments/{proposal_comment}/hide",
        None,
        dict(anonymous="login", member=403, facilitator=403, coordinator=200),
    ),
    (
        "proposal_comment_hide",
        "POST",
        "/proposal-comments/{proposal_comment}/hide",
        {"reason": "Образливий зміст"},
        dict(anonymous=401, member=403, facilitator=403, coordinator=303),
    ),
    ("polls", "GET", "/polls", None, _EVERYONE_READS),
    ("poll_new", "GET", "/polls/new", None, dict(anonymous="login", member=403, facilitator=403, coordinator=200)),
    (
        "poll_new",
        "POST",
        "/polls/new",
        POLL_FORM,
        dict(anonymous=401, member=403, facilitator=403, coordinator=303),
    ),
    ("poll", "GET", "/polls/{open_poll}", None, _EVERYONE_READS),
    ("poll", "GET", "/polls/{closed_poll}", None, _EVERYONE_READS),
    (
        "poll_answer",
        "POST",
        "/polls/{open_poll}/answer",
        {"option": "{open_option}"},
        dict(anonymous=401, member=303, facilitator=303, coordinator=303),
    ),
    (
        "poll_answer",
        "POST",
        "/polls/{closed_poll}/answer",
        {"option": "{closed_option}"},
        dict(anonymous=401, member=409, facilitator=409, coordinator=409),
    ),
    ("forums", "GET", "/forums", None, dict(anonymous=200, member=200, facilitator=200, coordinator=200)),
    ("forum_new", "GET", "/forums/new", None, dict(anonymous="login", member=403, facilitator=403, coordinator=200)),
    ("forum_new", "POST", "/forums/new", FORUM_FORM, dict(anonymous=401, member=403, facilitator=403, coordinator=303)),
    ("forum", "GET", "/forums/{forum}", None, dict(anonymous=200, member=200, facilitator=200, coordinator=200)),
    (
        "forum_edit",
        "GET",
        "/forums/{forum}/edit",
        None,
        dict(anonymous="login", member=403, facilitator=403, coordinator=200),
    ),
    (
        "forum_edit",
        "POST",
        "/forums/{forum}/edit",
        FORUM_FORM,
        dict(anonymous=401, member=403, facilitator=403, coordinator=303),
    ),
    (
        "forum_status",
        "POST",
        "/forums/{forum}/status",
        {"status": "open", "outside_dates": "1"},
        dict(anonymous=401, member=403, facilitator=403, coordinator=303),
    ),
    ("admin", "GET", "/admin", None, dict(anonymous="login", member=403, facilitator=403, coordinator=200)),
    (
        "admin_registration",
        "POST",
        "/admin/registration",
        {"mode": "invitation"},
        dict(anonymous=401, member=403, facilitator=403, coordinator=303),
    ),
    (
        "admin_invitations",
        "POST",
        "/admin/invitations",
        {"note": "для депутата з Ічні"},
        dict(anonymous=401, member=403, facilitator=403, coordinator=201),
    ),
    (
        "admin_people",
        "GET",
        "/admin/people",
        None,
        dict(anonymous="login", member=403, facilitator=403, coordinator=200),
    ),
    (
        "admin_coordinator",
        "POST",
        "/admin/people/{requester}/coordinator",
        {"value": "1"},
        dict(anonymous=401, member=403, facilitator=403, coordinator=303),
    ),
    ("admin_audit", "GET", "/admin/audit", None, dict(anonymous="login", member=403, facilitator=403, coordinator=200)),
    (
        "document_new",
        "GET",
        "/workshops/{workshop}/documents/new",
        None,
        dict(anonymous="login", member=403, facilitator=200, coordinator=403),
    ),
    (
        "document_new",
        "POST",
        "/workshops/{workshop}/documents/new",
        DOCUMENT_FORM,
        dict(anonymous=401, member=403, facilitator=303, coordinator=403),
    ),
    (
        "document",
        "GET",
        "/documents/{document}",
        None,
        dict(anonymous="login", member=200, facilitator=200, coordinator=200),
    ),
    (
        "document_edit",
        "GET",
        "/documents/{document}/edit",
        None,
        dict(anonymous="login", member=403, facilitator=200, coordinator=403),
    ),
    (
        "document_edit",
        "POST",
        "/documents/{document}/edit",
        {**DOCUMENT_FORM, "base": "2"},
        dict(anonymous=401, member=403, facilitator=303, coordinator=403),
    ),
    (
        # Renders what is being typed and saves nothing: anyone who may read the text may preview.
        "document_preview",
        "POST",
        "/documents/{document}/preview",
        {"body": DOCUMENT_FORM["body"]},
        dict(anonymous=401, member=200, facilitator=200, coordinator=200),
    ),
    (
        "document_resolve",
        "POST",
        "/documents/{document}/resolve",
        {"title": "Положення", "mine": DOCUMENT_FORM["body"], "base": "2", "head": "2"},
        dict(anonymous=401, member=403, facilitator=303, coordinator=403),
    ),
    (
        "document_history",
        "GET",
        "/documents/{document}/history",
        None,
        dict(anonymous="login", member=200, facilitator=200, coordinator=200),
    ),
    (
        "revision",
        "GET",
        "/documents/{document}/revisions/1",
        None,
        dict(anonymous="login", member=200, facilitator=200, coordinator=200),
    ),
    (
        "revision_restore",
        "POST",
        "/documents/{document}/revisions/1/restore",
        {},
        dict(anonymous=401, member=403, facilitator=303, coordinator=403),
    ),
    (
        "document_compare",
        "GET",
        "/documents/{document}/compare?from=1&to=2&view=side",
        None,
        dict(anonymous="login", member=200, facilitator=200, coordinator=200),
    ),
    (
        "document_attribution",
        "GET",
        "/documents/{document}/attribution",
        None,
        dict(anonymous="login", member=200, facilitator=200, coordinator=200),
    ),
    (
        "document_head",
        "GET",
        "/documents/{document}/head?known=1",
        None,
        dict(anonymous="login", member=200, facilitator=200, coordinator=200),
    ),
    (
        "document_tags",
        "POST",
        "/documents/{document}/tags",
        {"sectors": "education"},
        dict(anonymous=401, member=403, facilitator=303, coordinator=403),
    ),
    (
        "document_status",
        "POST",
        "/documents/{document}/status",
        {"status": "withdrawn"},
        dict(anonymous=401, member=403, facilitator=303, coordinator=303),
    ),
    (
        "comments",
        "GET",
        "/documents/{document}/comments",
        None,
        dict(anonymous="login", member=200, facilitator=200, coordinator=200),
    ),
    (
        "comments",
        "POST",
        "/documents/{document}/comments",
        {"body": "Слушне зауваження."},
        dict(anonymous=401, member=303, facilitator=303, coordinator=303),
    ),
    (
        "comment_edit",
        "GET",
        "/comments/{comment}/edit",
        None,
        dict(anonymous="login", member=200, facilitator=403, coordinator=403),
    ),
    (
        "comment_edit",
        "POST",
        "/comments/{comment}/edit",
        {"body": "Виправлене зауваження."},
        dict(anonymous=401, member=303, facilitator=403, coordinator=403),
    ),
    (
        "comment_history",
        "GET",
        "/comments/{comment}/history",
        None,
        dict(anonymous="login", member=200, facilitator=200, coordinator=200),
    ),
    (
        "comment_resolve",
        "POST",
        "/comments/{comment}/resolve",
        {"resolved": "1"},
        dict(anonymous=401, member=303, facilitator=303, coordinator=303),
    ),
    (
        "comment_hide",
        "POST",
        "/comments/{comment}/hide",
        {"reason": "Не по темі"},
        dict(anonymous=401, member=403, facilitator=303, coordinator=303),
    ),
    ("moderation", "GET", "/moderation", None, dict(anonymous="login", member=403, facilitator=403, coordinator=200)),
    (
        "moderation_hide",
        "GET",
        "/moderation/comment/{comment}/hide",
        None,
        dict(anonymous="login", member=403, facilitator=403, coordinator=200),
    ),
    (
        "moderation_hide",
        "POST",
        "/moderation/comment/{comment}/hide",
        {"reason": "Образливо"},
        dict(anonymous=401, member=403, facilitator=403, coordinator=303),
    ),
    (
        "moderation_keep",
        "GET",
        "/moderation/comment/{comment}/keep",
        None,
        dict(anonymous="login", member=403, facilitator=403, coordinator=200),
    ),
    (
        "moderation_keep",
        "POST",
        "/moderation/comment/{comment}/keep",
        {"note": "По суті"},
        dict(anonymous=401, member=403, facilitator=403, coordinator=303),
    ),
    (
        "moderation_restore",
        "GET",
        "/moderation/comment/{hidden_comment}/restore",
        None,
        dict(anonymous="login", member=403, facilitator=403, coordinator=200),
    ),
    (
        "moderation_restore",
        "POST",
        "/moderation/comment/{hidden_comment}/restore",
        {"reason": "Помилково"},
        dict(anonymous=401, member=403, facilitator=403, coordinator=303),
    ),
    (
        "report",
        "GET",
        "/report/comment/{comment}",
        None,
        dict(anonymous="login", member=403, facilitator=200, coordinator=200),
    ),
    (
        "report",
        "POST",
        "/report/comment/{comment}",
        {"reason": "spam"},
        dict(anonymous=401, member=403, facilitator=303, coordinator=303),
    ),
    (
        "amendments",
        "GET",
        "/documents/{document}/amendments",
        None,
        dict(anonymous="login", member=200, facilitator=200, coordinator=200),
    ),
    (
        "amendment_new",
        "GET",
        "/documents/{document}/amendments/new?kind=whole",
        None,
        dict(anonymous="login", member=200, facilitator=200, coordinator=200),
    ),
    (
        "amendment_new",
        "POST",
        "/documents/{document}/amendments/new",
        {"kind": "whole", "proposed": "Зовсім нова редакція петиції.", "rationale": "Коротше."},
        dict(anonymous=401, member=303, facilitator=303, coordinator=303),
    ),
    (
        "amendment",
        "GET",
        "/amendments/{amendment}",
        None,
        dict(anonymous="login", member=200, facilitator=200, coordinator=200),
    ),
    (
        "amendment",
        "POST",
        "/amendments/{amendment}",
        {"body": "Підтримую ідею."},
        dict(anonymous=401, member=303, facilitator=303, coordinator=303),
    ),
    (
        "amendment_edit",
        "GET",
        "/amendments/{amendment}/edit",
        None,
        dict(anonymous="login", member=200, facilitator=403, coordinator=403),
    ),
    (
        "amendment_edit",
        "POST",
        "/amendments/{amendment}/edit",
        {"proposed": "Інша редакція.", "rationale": "Точніше."},
        dict(anonymous=401, member=303, facilitator=403, coordinator=403),
    ),
    (
        "amendment_stance",
        "POST",
        "/amendments/{amendment}/stance",
        {"stance": "support"},
        dict(anonymous=401, member=403, facilitator=303, coordinator=303),
    ),
    (
        "amendment_accept",
        "POST",
        "/amendments/{amendment}/accept",
        {},
        dict(anonymous=401, member=403, facilitator=303, coordinator=303),
    ),
    (
        "amendment_reject",
        "POST",
        "/amendments/{amendment}/reject",
        {"reason": "Не відповідає меті."},
        dict(anonymous=401, member=403, facilitator=303, coordinator=303),
    ),
    (
        "amendment_withdraw",
        "POST",
        "/amendments/{amendment}/withdraw",
        {},
        dict(anonymous=401, member=303, facilitator=403, coordinator=403),
    ),
    (
        "notifications",
        "GET",
        "/notifications",
        None,
        dict(anonymous="login", member=200, facilitator=200, coordinator=200),
    ),
    (
        "notifications_read",
        "POST",
        "/notifications/read",
        {},
        dict(anonymous=401, member=303, facilitator=303, coordinator=303),
    ),
    (
        "notification_settings",
        "GET",
        "/account/notifications",
        None,
        dict(anonymous="login", member=200, facilitator=200, coordinator=200),
    ),
    (
        "notification_settings",
        "POST",
        "/account/notifications",
        {"revision": "immediate", "reply": "daily"},
        dict(anonymous=401, member=303, facilitator=303, coordinator=303),
    ),
    (
        "document_follow",
        "POST",
        "/documents/{document}/follow",
        {"follow": "1"},
        dict(anonymous=401, member=303, facilitator=303, coordinator=303),
    ),
    # The hromada picker's second step: public, like the codifier it reads.
    (
        "place_hromadas",
        "GET",
        "/places/hromadas?oblast=UA05000000000010236",
        None,
        dict(anonymous=200, member=200, facilitator=200, coordinator=200),
    ),
    ("resolutions", "GET", "/resolutions", None, dict(anonymous=301, member=301, facilitator=301, coordinator=301)),
    # The world has no resolution (adopting would freeze its document); tests/resolutions read real ones.
    (
        "resolution",
        "GET",
        "/resolutions/1900/1",
        None,
        dict(anonymous=404, member=404, facilitator=404, coordinator=404),
    ),
    ("static", "GET", "/static/css/site.css", None, dict(anonymous=200, member=200, facilitator=200, coordinator=200)),
]

# The assembly: {forum} is planned (registration, submissions), {assembly} is open with a sitting
# under way; member and requester are its delegates (see _assembly below).
_CHAIR = dict(anonymous=401, member=403, facilitator=403, coordinator=303)
_EVERYONE = dict(anonymous=200, member=200, facilitator=200, coordinator=200)
TABLE += [
    ("agenda_item", "GET", "/forums/{assembly}/agenda/{point}", None, _EVERYONE),
    ("agenda_add", "POST", "/forums/{forum}/agenda", {"title": "Різне"}, _CHAIR),
    ("agenda_accept", "POST", "/forums/{forum}/agenda/{submission}/accept", {}, _CHAIR),
    (
        "agenda_return",
        "POST",
        "/forums/{forum}/agenda/{submission}/return",
        {"reason": "Бракує обґрунтування."},
        _CHAIR,
    ),
    ("agenda_move", "POST", "/forums/{assembly}/agenda/{point2}/move", {"direction": "up"}, _CHAIR),
    ("agenda_current", "POST", "/forums/{assembly}/agenda/{point}/current", {}, _CHAIR),
    (
        "document_submit",
        "POST",
        "/documents/{document}/submit",
        {"forum_id": "{forum}", "confirm": "1"},
        dict(anonymous=401, member=403, facilitator=303, coordinator=403),
    ),
    ("forum_delegates", "GET", "/forums/{forum}/delegates", None, _EVERYONE),
    (
        "delegate_register",
        "POST",
        "/forums/{forum}/delegates",
        {},
        dict(anonymous=401, member=303, facilitator=303, coordinator=303),
    ),
    ("delegate_unregister", "POST", "/forums/{forum}/delegates/{requester}/unregister", {}, _CHAIR),
    ("delegate_presence", "POST", "/forums/{forum}/delegates/{requester}/presence", {"present": "1"}, _CHAIR),
    (
        "proxy_give",
        "POST",
        "/forums/{assembly}/proxies",
        {"giver_id": "{member}", "holder_id": "{requester}"},
        dict(anonymous=401, member=303, facilitator=403, coordinator=303),
    ),
    ("proxy_revoke", "POST", "/forums/{assembly}/proxies/{proxy}/revoke", {}, _CHAIR),
    (
        "speaker_request",
        "POST",
        "/forums/{assembly}/agenda/{point2}/speakers",
        {},
        dict(anonymous=401, member=303, facilitator=403, coordinator=403),
    ),
    ("speakers_settings", "POST", "/forums/{assembly}/agenda/{point}/speakers/settings", {"closed": "1"}, _CHAIR),
    (
        "speaker_withdraw",
        "POST",
        "/speakers/{speaker}/withdraw",
        {},
        dict(anonymous=401, member=303, facilitator=403, coordinator=403),
    ),
    ("speaker_move", "POST", "/speakers/{speaker}/move", {"direction": "down"}, _CHAIR),
    ("speaker_floor", "POST", "/speakers/{speaker}/floor", {}, _CHAIR),
    ("speaker_end", "POST", "/speakers/{speaking}/end", {}, _CHAIR),
    ("forum_minutes", "GET", "/forums/{assembly}/minutes", None, _EVERYONE),
    # Votes: a draft vote in the assembly, and an open secret vote in another open forum, "hall",
    # whose delegates are member and requester.
    (
        "vote_new",
        "GET",
        "/forums/{assembly}/agenda/{point}/votes/new",
        None,
        dict(anonymous="login", member=403, facilitator=403, coordinator=200),
    ),
    (
        "vote_new",
        "POST",
        "/forums/{assembly}/agenda/{point}/votes/new",
        {
            "subject": "motion",
            "title": "Оголосити перерву",
            "threshold": "cast_majority",
            "quorum_num": "1",
            "quorum_den": "2",
            "quorum_base": "registered",
            "mode": "hall",
        },
        _CHAIR,
    ),
    ("vote", "GET", "/votes/{open_vote}", None, _EVERYONE),
    (
        "vote_edit",
        "GET",
        "/votes/{draft_vote}/edit",
        None,
        dict(anonymous="login", member=403, facilitator=403, coordinator=200),
    ),
    (
        "vote_edit",
        "POST",
        "/votes/{draft_vote}/edit",
        {"threshold": "two_thirds", "quorum_num": "2", "quorum_den": "3"},
        _CHAIR,
    ),
    ("vote_open", "POST", "/votes/{draft_vote}/open", {}, _CHAIR),
    ("vote_close", "POST", "/votes/{open_vote}/close", {}, _CHAIR),
    ("vote_cancel", "POST", "/votes/{draft_vote}/cancel", {}, _CHAIR),
    # Permission first, then the domain: the open vote is electronic, so a hand count is refused.
    (
        "vote_hand_count",
        "POST",
        "/votes/{open_vote}/hand-count",
        {"for": "1", "against": "0", "abstain": "0"},
        dict(anonymous=401, member=403, facilitator=403, coordinator=409),
    ),
    (
        "vote_booth",
        "GET",
        "/votes/{open_vote}/booth",
        None,
        dict(anonymous="login", member=200, facilitator=200, coordinator=200),
    ),
    (
        "vote_ballot",
        "POST",
        "/votes/{open_vote}/ballot",
        {"choice": "for"},
        dict(anonymous=401, member=303, facilitator=403, coordinator=403),
    ),
    # A receipt is bound to its voter: checking one needs the delegate (or proxy holder) signed in.
    (
        "vote_receipt",
        "GET",
        "/votes/{open_vote}/receipt",
        None,
        dict(anonymous="login", member=200, facilitator=200, coordinator=200),
    ),
    (
        "vote_receipt",
        "POST",
        "/votes/{open_vote}/receipt",
        {"code": "AAAA-BBBB-CCCC-DDDD"},
        dict(anonymous=401, member=200, facilitator=200, coordinator=200),
    ),
    # The old chair's screen is the console now; the console is the chair's alone.
    (
        "forum_live",
        "GET",
        "/forums/{assembly}/live",
        None,
        dict(anonymous=301, member=301, facilitator=301, coordinator=301),
    ),
    (
        "forum_console",
        "GET",
        "/forums/{assembly}/console",
        None,
        dict(anonymous="login", member=403, facilitator=403, coordinator=200),
    ),
    (
        "forum_console_region",
        "GET",
        "/forums/{assembly}/console/vote",
        None,
        dict(anonymous="login", member=403, facilitator=403, coordinator=200),
    ),
    ("agenda_clear_current", "POST", "/forums/{assembly}/current/clear", {}, _CHAIR),
    ("presence_mark_many", "POST", "/forums/{assembly}/presence", {"user_id": "{member}", "present": "1"}, _CHAIR),
    ("checkin_code", "POST", "/forums/{assembly}/checkin/code", {"action": "start"}, _CHAIR),
    (
        "checkin_code_shown",
        "GET",
        "/forums/{assembly}/checkin/shown",
        None,
        dict(anonymous="login", member=403, facilitator=403, coordinator=200),
    ),
    # Only a delegate checks in; member is one, but the chair has not started self check-in (409).
    (
        "delegate_checkin",
        "POST",
        "/forums/{assembly}/checkin",
        {"code": "123456"},
        dict(anonymous=401, member=409, facilitator=403, coordinator=403),
    ),
    ("forum_live_state", "GET", "/forums/{assembly}/live/state", None, _EVERYONE),
    ("forum_projector", "GET", "/forums/{assembly}/projector", None, _EVERYONE),
    # Public like the forum page: ids and counts only. An id from the future ends the stream at once
    # (the page is told to reload), so the request returns.
    ("forum_events", "GET", "/forums/{assembly}/events?after=999999999", None, _EVERYONE),
    ("forum_vote_call", "GET", "/forums/{assembly}/vote-call", None, _EVERYONE),
]

# Reports on carrying out resolutions: public to read; members report; the author updates; coordinators hide.
REPORT_FORM = {"hromada": HROMADA, "status": "carried_out", "account": "Ухвалено.", "done_on": TODAY}
TABLE += [
    ("network_reports", "GET", "/reports", None, _EVERYONE),
    ("resolution_reports", "GET", "/resolutions/{year}/{n}/reports", None, _EVERYONE),
    (
        "report_new",
        "GET",
        "/resolutions/{year}/{n}/reports/new",
        None,
        dict(anonymous="login", member=200, facilitator=200, coordinator=200),
    ),
    (
        "report_new",
        "POST",
        "/resolutions/{year}/{n}/reports/new",
        REPORT_FORM,
        dict(anonymous=401, member=303, facilitator=303, coordinator=303),
    ),
    (
        "report_edit",
        "GET",
        "/reports/{report}/edit",
        None,
        dict(anonymous="login", member=200, facilitator=403, coordinator=403),
    ),
    (
        "report_edit",
        "POST",
        "/reports/{report}/edit",
        REPORT_FORM,
        dict(anonymous=401, member=303, facilitator=403, coordinator=403),
    ),
    (
        "report_hide",
        "POST",
        "/reports/{report}/hide",
        {"reason": "Неправда"},
        dict(anonymous=401, member=403, facilitator=403, coordinator=303),
    ),
]

# Practices: public to read (the register's contacts only for members); the report's author offers; coordinators hide.
TABLE += [
    ("practices", "GET", "/practices?q=бюджету&sector=education&theme=budget", None, _EVERYONE),
    (
        "practices",
        "GET",
        "/practices?sector=space",
        None,
        dict(anonymous=400, member=400, facilitator=400, coordinator=400),
    ),
    ("experience_register", "GET", "/practices/hromadas", None, _EVERYONE),
    ("practice", "GET", "/practices/{practice}", None, _EVERYONE),
    (
        "practice_offer",
        "GET",
        "/reports/{report}/practice",
        None,
        dict(anonymous="login", member=200, facilitator=403, coordinator=403),
    ),
    (
        "practice_offer",
        "POST",
        "/reports/{report}/practice",
        PRACTICE_FORM,
        dict(anonymous=401, member=303, facilitator=403, coordinator=403),
    ),
    (
        "practice_hide",
        "POST",
        "/practices/{practice}/hide",
        {"reason": "Реклама"},
        dict(anonymous=401, member=403, facilitator=403, coordinator=303),
    ),
]

# The moderation queue over every kind of reportable thing: its author may not report it, coordinators decide.
_COORDINATORS_SEE = dict(anonymous="login", member=403, facilitator=403, coordinator=200)
_COORDINATORS_DO = dict(anonymous=401, member=403, facilitator=403, coordinator=303)
for _kind, _author in (
    ("proposal_comment", "member"),
    ("report", "member"),
    ("practice", "facilitator"),
    ("proposal", "facilitator"),
):
    _thing, _hidden = f"/{_kind}/{{{_kind}}}", f"/{_kind}/{{hidden_{_kind}}}"
    TABLE += [
        ("moderation_hide", "GET", f"/moderation{_thing}/hide", None, _COORDINATORS_SEE),
        ("moderation_hide", "POST", f"/moderation{_thing}/hide", {"reason": "Образливо"}, _COORDINATORS_DO),
        ("moderation_keep", "GET", f"/moderation{_thing}/keep", None, _COORDINATORS_SEE),
        ("moderation_keep", "POST", f"/moderation{_thing}/keep", {"note": "По суті"}, _COORDINATORS_DO),
        ("moderation_restore", "GET", f"/moderation{_hidden}/restore", None, _COORDINATORS_SEE),
        ("moderation_restore", "POST", f"/moderation{_hidden}/restore", {"reason": "Помилково"}, _COORDINATORS_DO),
        (
            "report",
            "GET",
            f"/report{_thing}",
            None,
            dict(anonymous="login", member=200, facilitator=200, coordinator=200) | {_author: 403},
        ),
        (
            "report",
            "POST",
            f"/report{_thing}",
            {"reason": "spam"},
            dict(anonymous=401, member=303, facilitator=303, coordinator=303) | {_author: 403},
        ),
        # Hidden, it is there for nobody to report.
        (
            "report",
            "GET",
            f"/report{_hidden}",
            None,
            dict(anonymous="login", member=404, facilitator=404, coordinator=404),
        ),
    ]

# The public library: everyone reads every resolution ({year}/{n}, adopted from a document of its own), its
# drafting history, the feeds and the sitemap.
TABLE += [
    ("library", "GET", "/library?kind=petition&sort=oldest&page=2", None, _EVERYONE),
    (
        "library_language",
        "GET",
        "/library/language?lang=en&next=/library",
        None,
        dict(anonymous=303, member=303, facilitator=303, coordinator=303),
    ),
    ("resolution", "GET", "/resolutions/{year}/{n}", None, _EVERYONE),
    ("resolution_jsonld", "GET", "/resolutions/{year}/{n}.jsonld", None, _EVERYONE),
    ("resolution_history", "GET", "/resolutions/{year}/{n}/history", None, _EVERYONE),
    ("resolution_compare", "GET", "/resolutions/{year}/{n}/compare?from=1&to=1&view=side", None, _EVERYONE),
    ("feed_resolutions", "GET", "/feeds/resolutions.atom?forum={forum}&sector=housing", None, _EVERYONE),
    ("sitemap", "GET", "/sitemap.xml", None, _EVERYONE),
]

# The open data API: public, the same for everyone, GET only (rows named mount:route).
TABLE += [
    ("api:index", "GET", "/api/v1/", None, _EVERYONE),
    ("api:openapi", "GET", "/api/v1/openapi.json", None, _EVERYONE),
    ("api:resolutions", "GET", "/api/v1/resolutions?kind=petition&sector=housing&limit=5", None, _EVERYONE),
    (
        "api:resolution",
        "GET",
        "/api/v1/resolutions/1900/1",
        None,
        dict(anonymous=404, member=404, facilitator=404, coordinator=404),
    ),
    ("api:forums", "GET", "/api/v1/forums", None, _EVERYONE),
    ("api:forum", "GET", "/api/v1/forums/{forum}", None, _EVERYONE),
    ("api:workshops", "GET", "/api/v1/workshops", None, _EVERYONE),
    ("api:workshop", "GET", "/api/v1/workshops/{workshop}", None, _EVERYONE),
]


# Exports of a resolution and comparative tables: public for a resolution (tests/exports reads real ones), for
# members for a draft; starting a draft from a .docx is creating a document (without a file the facilitator gets 422).
TABLE += CONSULTATION_ROWS

_NO_SUCH_RESOLUTION = dict(anonymous=404, member=404, facilitator=404, coordinator=404)
TABLE += [
    ("resolution_md", "GET", "/resolutions/1900/1.md", None, _NO_SUCH_RESOLUTION),
    ("resolution_txt", "GET", "/resolutions/1900/1.txt", None, _NO_SUCH_RESOLUTION),
    ("resolution_docx", "GET", "/resolutions/1900/1.docx", None, _NO_SUCH_RESOLUTION),
    ("resolution_json", "GET", "/resolutions/1900/1.json", None, _NO_SUCH_RESOLUTION),
    ("resolution_akn", "GET", "/resolutions/1900/1.akn.xml", None, _NO_SUCH_RESOLUTION),
    ("resolution_print", "GET", "/resolutions/1900/1/print", None, _NO_SUCH_RESOLUTION),
    ("resolution_table", "GET", "/resolutions/1900/1/table", None, _NO_SUCH_RESOLUTION),
    ("resolution_table_docx", "GET", "/resolutions/1900/1/table.docx", None, _NO_SUCH_RESOLUTION),
    (
        "document_compare_table",
        "GET",
        "/documents/{document}/compare/table?from=1&to=2",
        None,
        dict(anonymous="login", member=200, facilitator=200, coordinator=200),
    ),
    (
        "document_compare_table_docx",
        "GET",
        "/documents/{document}/compare/table.docx?from=1&to=2",
        None,
        dict(anonymous="login", member=200, facilitator=200, coordinator=200),
    ),
    (
        "document_import",
        "GET",
        "/workshops/{workshop}/documents/import",
        None,
        dict(anonymous="login", member=403, facilitator=200, coordinator=403),
    ),
    (
        "document_import",
        "POST",
        "/workshops/{workshop}/documents/import",
        {"kind": "petition", "title": "Петиція"},
        dict(anonymous=401, member=403, facilitator=422, coordinator=403),
    ),
]

# The calendar: public pages and feeds; sessions planned by the workshop's facilitators and coordinators;
# any member registers (and withdraws: with nothing to withdraw, that is already so); a members-only
# session does not exist for the public.
_CALENDAR = [
    ("calendar", "GET", "/calendar", None, dict(anonymous=200, member=200, facilitator=200, coordinator=200)),
    ("calendar_feed", "GET", "/calendar.ics", None, dict(anonymous=200, member=200, facilitator=200, coordinator=200)),
    (
        "workshop_calendar_feed",
        "GET",
        "/workshops/{workshop}/calendar.ics",
        None,
        dict(anonymous=200, member=200, facilitator=200, coordinator=200),
    ),
    (
        "session_new",
        "GET",
        "/workshops/{workshop}/sessions/new",
        None,
        dict(anonymous="login", member=403, facilitator=200, coordinator=200),
    ),
    (
        "session_new",
        "POST",
        "/workshops/{workshop}/sessions/new",
        SESSION_FORM,
        dict(anonymous=401, member=403, facilitator=303, coordinator=303),
    ),
    (
        "session",
        "GET",
        "/calendar/sessions/{session}",
        None,
        dict(anonymous=200, member=200, facilitator=200, coordinator=200),
    ),
    (
        "session",
        "GET",
        "/calendar/sessions/{private_session}",
        None,
        dict(anonymous="login", member=200, facilitator=200, coordinator=200),
    ),
    (
        "session_edit",
        "GET",
        "/calendar/sessions/{session}/edit",
        None,
        dict(anonymous="login", member=403, facilitator=200, coordinator=200),
    ),
    (
        "session_edit",
        "POST",
        "/calendar/sessions/{session}/edit",
        SESSION_FORM,
        dict(anonymous=401, member=403, facilitator=303, coordinator=303),
    ),
    (
        "session_cancel",
        "POST",
        "/calendar/sessions/{session}/cancel",
        {"reason": "Хвороба ведучого"},
        dict(anonymous=401, member=403, facilitator=303, coordinator=303),
    ),
    (
        "session_register",
        "POST",
        "/calendar/sessions/{session}/registration",
        {},
        dict(anonymous=401, member=303, facilitator=303, coordinator=303),
    ),
    (
        "session_withdraw",
        "POST",
        "/calendar/sessions/{session}/withdrawal",
        {},
        dict(anonymous=401, member=303, facilitator=303, coordinator=303),
    ),
]
TABLE += _CALENDAR


#: The name the sweeps that share this table import.
_fill = fill


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name,method,path,data,expected", TABLE, ids=[f"{r[1]} {r[2]}" for r in TABLE])
def test_route_permissions(client, world, role, name, method, path, data, expected):
    if role != "anonymous":
        sign_in(client, world[role].email)
    url = _fill(path, world)
    if method == "GET":
        response = client.get(url, follow_redirects=False)
    else:
        form = {k: _fill(v, world) for k, v in (data or {}).items()}
        response = client.post(url, data={**form, "csrf_token": csrf_token(client)}, follow_redirects=False)
    want = expected[role]
    if want == "login":
        assert response.status_code == 303 and "/login?next=" in response.headers["location"]
    else:
        assert response.status_code == want, response.text[:500]


def test_table_covers_every_route_and_method(app):
    covered = {(name, method) for name, method, *_ in TABLE}
    covered |= {(name, "GET") for name, method, *_ in TABLE if method == "GET"}
    for route in app.routes:
        if isinstance(route, Mount):
            # A Mount of our own routes (the API) needs a row for each of them; one of static files, one row.
            for sub in route.routes:
                for method in sub.methods - {"HEAD"}:
                    assert (f"{route.name}:{sub.name}", method) in covered, (
                        f"{method} {route.path}{sub.path} has no row"
                    )
            if not route.routes:
                assert (route.name, "GET") in covered
            continue
        assert isinstance(route, Route)
        for method in route.methods - {"HEAD"}:
            assert (route.name, method) in covered, f"{method} {route.path} has no row in the permission table"
