"""A forum in Chromium: submit, put on the agenda, register, vote an amendment and the final text from
phones, the projector following without reload, and the resolution frozen with its record."""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import expect

from deliberation.discussion.actions import check_propose_amendment
from deliberation.drafting.queries import get_document_view, paragraphs_of
from deliberation.testing import PASSWORD, make_document, make_forum, make_user, make_workshop

from .browser_helpers import DESKTOP, inspect, mark_document, new_page, same_document, seed, sign_in, submit

BODY = """Ічнянська міська рада

Про відкритість бюджетного процесу громади

Відповідно до Закону України «Про місцеве самоврядування в Україні» міська рада вирішила:

1. Оприлюднювати проєкт бюджету громади за двадцять днів до сесії.
2. Проводити публічні обговорення проєкту бюджету в кожному старостинському окрузі."""

PASSAGE = "за двадцять днів"


def _seed(engine):
    with seed(engine) as db:
        chair = make_user(db, coordinator=True, email="chair@example.org", display_name="Олена Головуюча")
        facilitator = make_user(db, email="fac@example.org", display_name="Петро Фасилітатор")
        amender = make_user(db, email="amend@example.org", display_name="Марія Поправка")
        for n in (1, 2, 3):
            make_user(db, email=f"d{n}@example.org", display_name=f"Делегатка {n}")
        workshop = make_workshop(db, creator=chair, facilitators=(facilitator,), members=(amender,))
        document = make_document(
            db,
            workshop=workshop,
            author=facilitator,
            kind="council_decision",
            title="Про відкритість бюджету",
            body=BODY,
        )
        view = get_document_view(db, document_id=document.id)
        paragraph = next(p for p in paragraphs_of(view.revision) if PASSAGE in p.text)
        start = paragraph.text.index(PASSAGE)
        check_propose_amendment(
            db,
            document=document,
            actor=amender,
            data={
                "kind": "replace",
                "pid": paragraph.pid,
                "start": str(start),
                "end": str(start + len(PASSAGE)),
                "proposed": "за тридцять днів",
                "rationale": "Двадцяти днів замало для сільських громад.",
            },
        )
        forum = make_forum(
            db,
            creator=chair,
            title="Форум громад Чернігівщини",
            starts_on=date.today(),
            ends_on=date.today() + timedelta(days=1),
        )  # it meets today
        return document.id, forum.id


def _person(browser, base, email, **options):
    page = new_page(browser, base, **options)
    sign_in(page, base, "", email, PASSWORD)
    return page


def _vote_from_phones(phones, vote_id, choices):
    for phone, choice in zip(phones, choices):
        phone.goto(f"/votes/{vote_id}/booth")
        mark_document(phone)
        phone.locator(f"#booth button[value={choice}]").first.click()
        expect(phone.locator(f"#booth button[value={choice}]").first).to_have_attribute("aria-pressed", "true")
        # The confirmation takes the focus, so a screen reader says the vote is cast.
        expect(phone.locator("#ballot-confirmation")).to_be_focused()
        assert same_document(phone), "the ballot reloaded the page instead of swapping the booth"


def _prepare_and_open(chair, forum_id, item_id, *, link_selector, look=""):
    chair.goto(f"/forums/{forum_id}/agenda/{item_id}")
    chair.locator(link_selector).first.click()
    chair.wait_for_url(re.compile(r".*/votes/new.*"))
    if look:
        inspect(chair, look)
    submit(chair, "main form[action$='/votes/new']")
    vote_id = int(re.search(r"/votes/(\d+)$", chair.url).group(1))
    submit(chair, f"form[action$='/votes/{vote_id}/open']")
    return vote_id


def test_a_forum_votes_an_amendment_and_adopts_the_text_as_a_resolution(browser, engine, standalone):
    document_id, forum_id = _seed(engine)

    # The workshop's facilitator submits the draft; the committee puts it on the agenda.
    fac = _person(browser, standalone, "fac@example.org")
    fac.goto(f"/documents/{document_id}")
    fac.locator("#submit summary").click()
    # No forum is chosen for them, and the text freezes only once they confirm it.
    fac.select_option("#f-forum", str(forum_id))
    fac.check("#submit input[name=confirm]")
    submit(fac, "#submit form")
    chair = _person(browser, standalone, "chair@example.org", viewport=DESKTOP)
    chair.goto(f"/forums/{forum_id}")
    submit(chair, "#submissions form[action$='/accept']")
    item_id = int(
        re.search(r"/agenda/(\d+)", chair.locator("#agenda a[href*='/agenda/']").first.get_attribute("href")).group(1)
    )

    # Three delegates register from their phones before the forum opens.
    phones = [_person(browser, standalone, f"d{n}@example.org") for n in (1, 2, 3)]
    for phone in phones:
        phone.goto(f"/forums/{forum_id}/delegates")
        submit(phone, "main form[action$='/delegates']")
    inspect(phones[0], "assembly-01-delegates")

    # The chair opens the forum and puts the text before the assembly; the hall screen follows.
    chair.goto(f"/forums/{forum_id}")
    submit(chair, "form[action$='/status']")
    submit(chair, f"form[action$='/agenda/{item_id}/current']")
    projector = new_page(browser, standalone, viewport={"width": 1920, "height": 1080})
    projector.goto(f"/forums/{forum_id}/projector")
    mark_document(projector)
    expect(projector.locator(".live-item")).to_contain_text("Про відкритість бюджету")

    # A delegate asks for the floor from her phone; the chair gives it; the hall sees the time run.
    phones[0].goto(f"/forums/{forum_id}/agenda/{item_id}")
    submit(phones[0], "form[action$='/speakers']")
    chair.goto(f"/forums/{forum_id}/agenda/{item_id}")
    submit(chair, "form[action$='/floor']")
    expect(projector.locator(".live-speaker")).to_contain_text("Делегатка 1")
    expect(projector.locator(".live-speaker .countdown")).to_have_text(re.compile(r"^\d+:\d\d$"))
    assert same_document(projector)
    inspect(projector, "assembly-03a-projector-speaker")
    inspect(chair, "assembly-03b-agenda-item-chair")
    submit(chair, "form[action$='/end']")

    # The amendment goes to the vote first.
    vote_id = _prepare_and_open(
        chair, forum_id, item_id, link_selector="a[href*='subject=amendment']", look="assembly-03c-vote-form"
    )
    expect(projector.locator(".live-turnout")).to_contain_text("0 з 3")
    _vote_from_phones(phones, vote_id, ["for", "for", "against"])
    inspect(phones[2], "assembly-02-booth")
    expect(projector.locator(".live-turnout")).to_contain_text("3 з 3")
    assert same_document(projector), "the projector reloaded instead of updating in place"
    inspect(projector, "assembly-03-projector-open")
    chair.goto(f"/forums/{forum_id}/console")
    inspect(chair, "assembly-04-chair-screen")
    chair.locator("#console-vote form[action$='/close'] button").click()  # htmx swaps the vote region
    expect(chair.locator("#console-vote .vote-result-adopted")).to_be_visible()
    expect(projector.locator(".tally")).to_contain_text("2")
    expect(projector.locator(".vote-result-adopted")).to_be_visible()

    # The final text, with the amendment merged in, goes to the vote.
    vote_id = _prepare_and_open(chair, forum_id, item_id, link_selector="#votes-title ~ p a[href$='/votes/new']")
    _vote_from_phones(phones, vote_id, ["for", "for", "abstain"])
    expect(projector.locator(".live-turnout")).to_contain_text("3 з 3")
    chair.goto(f"/votes/{vote_id}")
    inspect(chair, "assembly-05-vote-open")
    submit(chair, f"form[action$='/votes/{vote_id}/close']")
    expect(chair.locator(".vote-result-adopted")).to_be_visible()
    inspect(chair, "assembly-06-vote-closed")
    expect(projector.locator(".vote-result-adopted")).to_be_visible()
    assert same_document(projector)
    inspect(projector, "assembly-07-projector-result")

    # The resolution: the adopted text with the amendment, its tally, hash and contributors.
    reader = new_page(browser, standalone)
    reader.goto("/resolutions")
    reader.locator("main a[href*='/resolutions/']").first.click()
    expect(reader.locator("main")).to_contain_text("за тридцять днів")
    expect(reader.locator("main")).to_contain_text("Марія Поправка")
    expect(reader.locator("main code").filter(has_text=re.compile(r"^[0-9a-f]{64}$")).first).to_be_visible()
    inspect(reader, "assembly-08-resolution")
    reader.goto(f"/forums/{forum_id}/minutes")
    expect(reader.locator("main")).to_contain_text("Делегатка 1")
    inspect(reader, "assembly-09-minutes")
    reader.goto(f"/forums/{forum_id}")
    inspect(reader, "assembly-10-forum")
    reader.goto(f"/documents/{document_id}")
    inspect(reader, "assembly-11-document-adopted")


def test_a_secret_vote_booth_shows_the_receipt_and_checks_it(browser, engine, standalone):
    from deliberation.forums.models import AgendaItem, Delegate
    from deliberation.voting import actions

    with seed(engine) as db:
        chair = make_user(db, coordinator=True, email="chair@example.org")
        voter = make_user(db, email="voter@example.org", display_name="Ганна Таємна")
        forum = make_forum(db, creator=chair, status="open")
        db.add(Delegate(forum_id=forum.id, user_id=voter.id, registered_by=chair.id))
        item = AgendaItem(
            forum_id=forum.id,
            kind="discussion",
            title="Обрання лічильної комісії",
            status="scheduled",
            position=1,
            submitted_by=chair.id,
        )
        db.add(item)
        db.flush()
        vote = actions.check_prepare_vote(
            db, item=item, forum=forum, actor=chair, data={"subject": "motion", "is_secret": "1"}
        )
        actions.do_open_vote(db, vote=vote, forum=forum, actor=chair)
        vote_id = vote.id

    phone = _person(browser, standalone, "voter@example.org")
    phone.goto(f"/votes/{vote_id}/booth")
    phone.locator("#booth button[value=for]").click()
    receipt = phone.locator(".receipt-code")
    expect(receipt).to_have_text(re.compile(r"^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$"))
    code = receipt.inner_text()
    inspect(phone, "assembly-12-secret-booth")
    phone.reload()
    expect(phone.locator(".receipt-code")).to_have_text(code)
    phone.locator("#booth button[value=against]").click()
    expect(phone.locator("#booth button[value=against]")).to_have_attribute("aria-pressed", "true")

    # A receipt checks only its own voter's ballot: the voter checks it, signed in.
    checker = phone
    checker.goto(f"/votes/{vote_id}/receipt")
    checker.fill("#f-code", code.lower())
    submit(checker, "main form")
    expect(checker.locator("main [role=status]")).to_be_visible()
    assert "Проти" not in checker.locator("main").inner_text()
    inspect(checker, "assembly-13-receipt-check")


def test_the_booth_weighs_under_60_kb_compressed(browser, engine, standalone):
    import gzip

    document_id, forum_id = _seed(engine)
    phone = _person(browser, standalone, "d1@example.org")
    responses = []
    phone.on(
        "response", lambda r: r.request.resource_type in ("document", "stylesheet", "script") and responses.append(r)
    )
    phone.goto(f"/forums/{forum_id}/projector", wait_until="load")
    total = sum(len(gzip.compress(r.body())) for r in responses)
    assert total < 60 * 1024, f"the projector weighs {total} B compressed"
