"""Both catalogs are complete and every template renders in both languages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from deliberation import i18n
from deliberation.practices.actions import check_offer_practice as offer_practice
from deliberation.reports.actions import check_submit_report as submit_report
from deliberation.web.rendering import TEMPLATE_DIR

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _catalog(locale: str):
    with (i18n.LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=locale)


def _template_ids() -> set[str]:
    with (i18n.LOCALE_DIR / "messages.pot").open("rb") as f:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}


@pytest.mark.parametrize("locale", ["uk", "en"])
def test_catalog_is_complete_with_no_fuzzy_entries(locale):
    catalog = _catalog(locale)
    missing = [m.id for m in catalog if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)))]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert missing == [] and fuzzy == []
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
    assert _template_ids() <= ids, "run `make catalogs` and translate the new entries"


@pytest.mark.parametrize("locale", ["uk", "en"])
def test_translations_keep_every_placeholder(locale):
    for message in _catalog(locale):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(PLACEHOLDER.findall(" ".join(ids)))
        for string in strings:
            found = set(PLACEHOLDER.findall(string))
            assert found <= wanted and (found == wanted or isinstance(message.id, tuple)), (message.id, string)


def test_source_catalog_is_up_to_date_with_the_code(tmp_path):
    """A new string in code or templates must be extracted and translated, not silently English."""
    from babel.messages.frontend import CommandLineInterface

    out = tmp_path / "fresh.pot"
    CommandLineInterface().run(
        [
            "pybabel",
            "-q",
            "extract",
            "-F",
            str(ROOT / "babel.cfg"),
            "-k",
            "N_",
            "-k",
            "Nn_:1,2",
            "-k",
            "ngettext:1,2",
            "-k",
            "pgettext:1c,2",
            "--no-location",
            "--sort-output",
            "-o",
            str(out),
            str(ROOT / "deliberation"),
            str(ROOT / "templates"),
        ]
    )
    with out.open("rb") as f:
        fresh = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
    assert fresh - _template_ids() == set(), "run `make catalogs` and translate the new entries"


def test_ukrainian_uses_three_plural_forms():
    token = i18n.set_locale("uk")
    try:
        forms = [i18n.ngettext("%(num)s member", "%(num)s members", n) for n in (1, 3, 5, 21)]
    finally:
        i18n.reset_locale(token)
    assert forms[0].startswith("1 ") and forms[3].startswith("21 ")
    assert len({f.split(" ", 1)[1] for f in forms[:3]}) == 3
    assert forms[0].split(" ", 1)[1] == forms[3].split(" ", 1)[1]


def test_dates_follow_the_locale():
    from datetime import date

    token = i18n.set_locale("uk")
    try:
        uk = i18n.format_date(date(2026, 11, 23))
    finally:
        i18n.reset_locale(token)
    token = i18n.set_locale("en")
    try:
        en = i18n.format_date(date(2026, 11, 23))
    finally:
        i18n.reset_locale(token)
    assert "листопада" in uk and "November" in en


PAGES = [
    "/",
    "/workshops",
    "/workshops/{workshop}",
    "/workshops/new",
    "/workshops/{workshop}/edit",
    "/forums",
    "/forums/{forum}",
    "/forums/new",
    "/forums/{forum}/edit",
    "/admin",
    "/admin/people",
    "/admin/audit",
    "/account",
    "/account/password",
    "/workshops/{workshop}/documents/new",
    "/workshops/{workshop}/documents/new?kind=council_decision",
    "/documents/{document}",
    "/documents/{document}/edit",
    "/documents/{document}/history",
    "/documents/{document}/compare",
    "/documents/{document}/compare?view=side",
    "/documents/{document}/attribution",
    "/documents/{document}/revisions/1",
    "/documents/{document}/head?known=1",
    "/notifications",
    "/account/notifications",
    "/documents/{document}/comments",
    "/documents/{document}/comments?pid={pid}",
    "/comments/{comment}/edit",
    "/comments/{comment}/history",
    "/documents/{document}/amendments",
    "/documents/{document}/amendments/new?pid={pid}",
    "/amendments/{amendment}",
    "/amendments/{amendment}/edit",
    "/consultations",
    "/consultations/queue",
    "/consultations/new",
    "/consultations/{consultation}",
    "/consultations/{consultation}/assign",
    "/moderation",
    "/moderation/comment/{comment}/hide",
    "/moderation/comment/{comment}/keep",
    "/moderation/comment/{hidden}/restore",
    "/report/comment/{reply}",
    "/calendar",
    "/workshops/{workshop}/sessions/new",
    "/calendar/sessions/{session}",
    "/calendar/sessions/{session}/edit",
]
ANONYMOUS_PAGES = [
    "/login",
    "/register",
    "/register/confirm/expired",
    "/password/forgot",
    "/password/reset/expired",
    "/missing-page",
]


def _every_template() -> set[str]:
    return {p.relative_to(TEMPLATE_DIR).as_posix() for p in TEMPLATE_DIR.rglob("*.html")}


@pytest.mark.parametrize("locale", ["uk", "en"])
def test_every_template_renders_in_both_languages(app, client, db, locale):
    from deliberation.testing import csrf_token, make_document, make_forum, make_user, make_workshop, sign_in
    from deliberation.workshops.models import Membership

    coordinator = make_user(db, coordinator=True)
    requester = make_user(db)
    workshop = make_workshop(db, creator=coordinator, facilitators=(coordinator,))
    db.add(Membership(workshop_id=workshop.id, user_id=requester.id, status="pending", message="Прошу прийняти"))
    forum = make_forum(db, creator=coordinator)
    document = make_document(db, workshop=workshop, author=coordinator, revisions=2)
    from deliberation.discussion import actions as discussion
    from deliberation.discussion import comments
    from deliberation.drafting.queries import get_revision, paragraphs_of

    pid = paragraphs_of(get_revision(db, document_id=document.id, number=2))[0].pid
    comment = comments.check_post_comment(
        db, document=document, actor=coordinator, data={"body": "Зауваження", "pid": pid, "start": "0", "end": "7"}
    )
    comments.check_edit_comment(db, comment=comment, actor=coordinator, data={"body": "Уточнене зауваження"})
    reply = comments.check_post_comment(
        db, document=document, actor=requester, data={"body": "Відповідь", "parent": str(comment.id)}
    )
    from deliberation.moderation import actions as moderation

    hidden = comments.check_post_comment(db, document=document, actor=requester, data={"body": "Реклама"})
    moderation.check_report(
        db, actor=coordinator, subject=moderation.Subject.COMMENT, subject_id=reply.id, data={"reason": "spam"}
    )
    moderation.check_hide(
        db, actor=coordinator, subject=moderation.Subject.COMMENT, subject_id=hidden.id, data={"reason": "Реклама"}
    )
    amendment = discussion.check_propose_amendment(
        db,
        document=document,
        actor=coordinator,
        data={"kind": "replace", "pid": pid, "proposed": "Нова редакція абзацу.", "rationale": "Так краще."},
    )
    assembly = _assembly_pages(db, coordinator=coordinator, requester=requester, workshop=workshop)
    assembly["session"] = _session(db, workshop=workshop, coordinator=coordinator, member=requester)
    from tests.consultations.helpers import make_consultation, make_parties

    consultation = make_consultation(db, make_parties(db), answered=True)
    # One waits for the coordinator's own answer: their home page lists it (home/_consultations.html).
    from deliberation.consultations.actions import check_assign_consultation

    waiting = make_consultation(db, make_parties(db))
    check_assign_consultation(db, consultation=waiting, actor=coordinator, data={"assignee_id": str(coordinator.id)})
    assembly |= _proposal_pages(db, coordinator=coordinator, requester=requester)
    db.commit()
    client.post("/language", data={"lang": locale, "csrf_token": csrf_token(client)})
    rendered = set()
    for path in ANONYMOUS_PAGES:
        response = client.get(path)
        assert f'<html lang="{locale}">' in response.text
        rendered.add(response.template.name)
    sign_in(client, coordinator.email)
    for path in PAGES + ASSEMBLY_PAGES + PROPOSAL_PAGES:
        response = client.get(
            path.format(
                workshop=workshop.id,
                forum=forum.id,
                document=document.id,
                pid=pid,
                comment=comment.id,
                amendment=amendment.id,
                consultation=consultation.id,
                reply=reply.id,
                hidden=hidden.id,
                **assembly,
            )
        )
        assert response.status_code == 200, path
        assert response.status_code == 200, path
        if path in CACHED_PAGES:
            # Rendered once and kept: the print page in the network's language whatever the reader's.
            assert f'<html lang="{locale}">' in response.text or '<html lang="uk">' in response.text, path
            rendered.add(CACHED_PAGES[path])
            continue
        assert f'<html lang="{locale}">' in response.text or response.template.name.split("/")[-1].startswith("_")
        rendered.add(response.template.name)
        rendered.update(_included(response.text))
    conflict = client.post(
        f"/documents/{document.id}/edit",
        data={
            "csrf_token": csrf_token(client),
            "base": "1",
            "title": "Петиція",
            "body": "Просимо міську раду відремонтувати водогін у селі Іванівка.\n\nІнший абзац з першої версії.",
        },
    )
    assert conflict.status_code == 409 and f'<html lang="{locale}">' in conflict.text
    rendered.add(conflict.template.name)
    # Partials render through their pages; the error page through the missing one.
    partials = {
        "discussion/_thread.html",
        "drafting/_doc_header.html",
        "drafting/_tags.html",
        "drafting/_watch.html",
        "_macros.html",
        "base.html",
        "accounts/_profile_fields.html",
        "workshops/_membership.html",
        "workshops/_people.html",
        "admin/_nav.html",
        "consultations/_rows.html",
        "moderation/_item.html",
        "voting/_macros.html",
        "drafting/_diff.html",
        "calendar/_event.html",
        "_live.html",
        # The page a delegate gets after a wrong check-in code without JavaScript (tests/web/test_console.py).
        "forums/checkin.html",
        # The check-in code alone, which htmx fetches into the console (tests/web/test_compression.py).
        "forums/console/_checkin_code.html",
    }
    assert _every_template() - partials <= rendered


ASSEMBLY_PAGES = [
    "/forums/{hall}/agenda/{item}",
    "/forums/{hall}/agenda/{point}",
    "/forums/{hall}/delegates",
    "/forums/{hall}/minutes",
    "/forums/{hall}",
    "/forums/{hall}/console",
    "/forums/{hall}/checkin/shown",
    "/forums/{hall}/projector",
    "/forums/{hall}/vote-call",
    "/forums/{hall}/agenda/{point}/votes/new",
    "/votes/{final}",
    "/votes/{secret}",
    "/votes/{draft}/edit",
    "/votes/{secret}/booth",
    "/votes/{secret}/receipt",
    "/documents/{text}",
    "/resolutions",
    "/resolutions/{resolution}",
    "/resolutions/{resolution}/print",
    "/resolutions/{resolution}/table",
    "/documents/{document}/compare/table?from=1&to=2",
    "/workshops/{workshop}/documents/import",
    "/library",
    "/library?q=водогін",
    "/resolutions/{resolution}/history",
    "/resolutions/{resolution}/compare?from=1&to=1",
    "/reports",
    "/resolutions/{resolution}/reports",
    "/resolutions/{resolution}/reports/new",
    "/reports/{report}/edit",
    "/reports/{open_report}/practice",
    "/practices?q=бюджет",
    "/practices/{practice}",
    "/practices/hromadas",
]


# Pages served from a per-process cache as plain responses, with the template that made them.
CACHED_PAGES = {
    "/resolutions/{resolution}/print": "exports/print.html",
    "/resolutions/{resolution}/table": "exports/table.html",
}


def _session(db, *, workshop, coordinator, member) -> int:
    """A workshop session tomorrow with one registration, its facilitator looking at it."""
    from datetime import timedelta

    from deliberation.calendar import actions as calendar
    from deliberation.calendar.times import kyiv_today
    from deliberation.db import utcnow
    from deliberation.workshops.queries import get_membership

    day = (kyiv_today(utcnow()) + timedelta(days=1)).isoformat()
    data = {"title": "Зустріч майстерні", "day": day, "starts": "10:00", "ends": "12:00", "place": "Ічня"}
    session = calendar.check_create_session(
        db,
        workshop=workshop,
        actor=coordinator,
        membership=get_membership(db, workshop_id=workshop.id, user_id=coordinator.id),
        data=data,
    )
    calendar.do_register(db, session=session, actor=member, now=utcnow())
    # The coordinator goes too: their home page lists it (home/_sessions.html).
    calendar.do_register(db, session=session, actor=coordinator, now=utcnow())
    return session.id


def _assembly_pages(db, *, coordinator, requester, workshop) -> dict:
    """A forum in session: an adopted text with its resolution, a point with a speaker, a secret vote
    open and another being prepared."""
    from deliberation.forums import agenda, floor
    from deliberation.forums.models import Delegate
    from deliberation.resolutions.queries import get_resolution_for_document
    from deliberation.testing import make_document, make_forum
    from deliberation.voting import actions as voting
    from deliberation.voting import closing
    from deliberation.workshops.queries import get_membership

    hall = make_forum(db, creator=coordinator, title="Форум у залі")
    db.add_all(
        [
            Delegate(forum_id=hall.id, user_id=u.id, registered_by=coordinator.id, is_present=True)
            for u in (coordinator, requester)
        ]
    )
    text = make_document(db, workshop=workshop, author=coordinator, title="Звернення щодо водогонів")
    item = agenda.do_submit_document(
        db,
        forum=hall,
        document=text,
        actor=coordinator,
        membership=get_membership(db, workshop_id=workshop.id, user_id=coordinator.id),
    )
    agenda.do_accept_item(db, item=item, actor=coordinator)
    point = agenda.check_add_discussion_point(db, forum=hall, actor=coordinator, data={"title": "Різне"})
    hall.status = "open"
    db.flush()
    agenda.do_set_current_item(db, forum=hall, item=point, actor=coordinator)
    floor.do_give_floor(db, speaker=floor.do_request_floor(db, item=point, actor=requester), actor=coordinator)
    final = voting.check_prepare_vote(db, item=item, forum=hall, actor=coordinator, data={"subject": "final"})
    voting.do_open_vote(db, vote=final, forum=hall, actor=coordinator)
    for person in (coordinator, requester):
        voting.check_cast_ballot(db, vote=final, actor=person, data={"choice": "for"})
    closing.do_close_vote(db, vote=final, forum=hall, actor=coordinator)
    secret = voting.check_prepare_vote(
        db,
        item=point,
        forum=hall,
        actor=coordinator,
        data={"subject": "motion", "is_secret": "1", "title": "Лічильна комісія"},
    )
    voting.do_open_vote(db, vote=secret, forum=hall, actor=coordinator)
    draft = voting.check_prepare_vote(db, item=point, forum=hall, actor=coordinator, data={"subject": "motion"})
    from deliberation.forums.presence import do_start_checkin

    do_start_checkin(db, forum=hall, actor=coordinator)
    resolution = get_resolution_for_document(db, text.id)
    report, open_report = (
        submit_report(
            db,
            resolution=resolution,
            actor=coordinator,
            data={"hromada": code, "status": "carried_out", "account": "Ухвалено.", "done_on": "2026-01-15"},
        )
        for code in ("UA05020030000031457", "UA80000000000093317")
    )
    practice = offer_practice(
        db,
        report=report,
        actor=coordinator,
        data={"title": "Бюджет участі", "summary": "Як ухвалили.", "sector": "education", "theme": "budget"},
    )
    return {
        "report": report.id,
        "open_report": open_report.id,
        "practice": practice.id,
        "hall": hall.id,
        "item": item.id,
        "point": point.id,
        "final": final.id,
        "secret": secret.id,
        "draft": draft.id,
        "text": text.id,
        "resolution": resolution.number,
    }


PROPOSAL_PAGES = [
    "/proposals",
    "/proposals?sector=education&status=open",
    "/proposals/new",
    "/proposals/ranking?order=breadth",
    "/proposals/{proposal}",
    "/proposals/{proposal}/edit",
    "/proposals/{proposal}/accept",
    "/proposals/{proposal}/decline",
    "/proposal-comments/{proposal_comment}/hide",
    "/polls",
    "/polls/new",
    "/polls/{open_poll}",
    "/polls/{closed_poll}",
]


def _proposal_pages(db, *, coordinator, requester) -> dict:
    """A proposal of the coordinator's, supported and commented on; a poll open and one closed."""
    from deliberation.proposals.actions import check_comment
    from deliberation.testing import make_closed_poll, make_poll, make_proposal

    proposal = make_proposal(db, author=coordinator, supporters=(requester,))
    comment = check_comment(db, proposal=proposal, actor=requester, data={"body": "Підтримую: це на часі."})
    return {
        "proposal": proposal.id,
        "proposal_comment": comment.id,
        "open_poll": make_poll(db, creator=coordinator).id,
        "closed_poll": make_closed_poll(db, creator=coordinator).id,
    }


def _included(html: str) -> set[str]:
    found = set()
    markers = {
        'id="booth"': "voting/_booth.html",
        'id="live-state"': "voting/_state.html",
        'id="console-agenda"': "forums/console/_agenda.html",
        'id="console-floor"': "forums/console/_floor.html",
        'id="console-vote"': "forums/console/_vote.html",
        'id="console-presence"': "forums/console/_presence.html",
        'id="console-checkin"': "forums/console/_checkin_form.html",
        'id="checkin"': "forums/_checkin.html",
        '<body class="hall"': "hall_base.html",
        'id="votes-title"': "voting/_item_votes.html",
        'id="record-title"': "voting/_document_record.html",
        'id="speakers-title"': "forums/_speakers.html",
        'id="submit"': "forums/_submit.html",
        '<article class="document-text"': "drafting/_document_text.html",
        'id="downloads-heading"': "exports/_links.html",
        'id="library-results"': "resolutions/_results.html",
        'class="progress-chart"': "reports/_chart.html",
        'class="counts"': "reports/_counts.html",
        'id="practice-results"': "practices/_results.html",
        'class="hromada-picker"': "places/_hromada_picker.html",
        'id="hromada-choice"': "places/_hromada_choice.html",
        'class="compare-form"': "drafting/_compare_form.html",
        'id="preview"': "drafting/_preview.html",
        'class="md-toolbar"': "drafting/_editor.html",
        'class="change-text"': "drafting/_changes.html",
        'id="need-votes-title"': "home/_votes.html",
        'id="need-requests-title"': "home/_requests.html",
        'id="need-amendments-title"': "home/_amendments.html",
        'id="need-unread-title"': "home/_unread.html",
        'id="need-consultations-title"': "home/_consultations.html",
        'id="need-sessions-title"': "home/_sessions.html",
        'id="support"': "proposals/_support.html",
        'class="filters stacked"': "proposals/_filters.html",
        'class="tabs resolution-tabs"': "resolutions/_heading.html",
    }
    found.update(template for marker, template in markers.items() if marker in html)
    if "<h3>" in html and "/votes/" in html and "minutes-item" in html:
        found.add("voting/_minutes_votes.html")
    if 'id="membership"' in html:
        found.add("workshops/_membership.html")
    if 'id="people"' in html:
        found.add("workshops/_people.html")
    if 'id="follow"' in html:
        found.add("notifications/_follow.html")
    return found
