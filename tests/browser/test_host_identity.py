"""Mounted in the example host with the host's identity provider: the host says who is signed in.

Maria asks to join a workshop that has no facilitator; Olena, a coordinator in the host, stands in
and approves; the host heard both events.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from deliberation.testing import make_user, make_workshop
from examples.host_app import HOST_PEOPLE, PREFIX, create_host_app

from .browser_helpers import (
    MEMBER,
    PENDING,
    ask_to_join,
    assert_all_under,
    decide,
    expect_console_error,
    inspect,
    new_page,
    open_menu,
    seed,
    serve,
    t,
)


@pytest.fixture
def host(engine, settings):
    with serve(create_host_app(settings, engine=engine, use_host_identity=True)) as origin:
        yield origin


def _host_sign_in(page, origin: str, person: str) -> None:
    page.goto(f"{origin}/login")
    page.select_option("select#person", person)
    with page.expect_navigation():
        page.locator("form[action='/login'] button[type=submit]").click()
    assert page.url == f"{origin}/"
    expect(page.locator("main")).to_contain_text(HOST_PEOPLE[person][0])


def test_host_people_ask_and_a_host_coordinator_approves(browser, engine, host):
    with seed(engine) as db:
        creator = make_user(db, coordinator=True)
        workshop = make_workshop(db, creator=creator)  # no facilitator: a coordinator decides
    workshop_url = f"{host}{PREFIX}/workshops/{workshop.id}"
    maria_name = HOST_PEOPLE["h-maria"][0]
    # The toy host's own pages (/login, /events) name no icon, so Chromium asks the host for /favicon.ico
    # and gets a 404: the example host's matter, not Deliberation's; pages under the prefix are still checked.
    expect_console_error(r"^console error on http://127\.0\.0\.1:\d+/(login|events)?: .*/favicon\.ico\)$")

    maria = new_page(browser, host)
    _host_sign_in(maria, host, "h-maria")
    maria.goto(workshop_url)
    # The host owns accounts: no sign-in, sign-out or registration of our own.
    assert (
        maria.locator(f"a[href='{PREFIX}/login'], a[href='{PREFIX}/register'], form[action='{PREFIX}/logout']").count()
        == 0
    )
    expect(maria.locator(f"header a[href='{PREFIX}/account']")).to_have_text(maria_name)
    assert_all_under(maria, PREFIX)
    inspect(maria, "host-01-workshop-maria")
    ask_to_join(maria, "Прошу долучити мене.")
    expect(maria.locator("#membership")).to_contain_text(t(PENDING))

    olena = new_page(browser, host)
    _host_sign_in(olena, host, "h-olena")
    olena.goto(workshop_url)
    open_menu(olena)
    expect(olena.locator(f"header a[href='{PREFIX}/admin']")).to_be_visible()
    expect(olena.locator("#people ul.requests")).to_contain_text(maria_name)
    inspect(olena, "host-02-workshop-olena")
    decide(olena, maria_name, "approve")
    expect(olena.locator("#people ul.people:not(.requests)")).to_contain_text(maria_name)

    maria.reload()
    expect(maria.locator("#membership")).to_contain_text(t(MEMBER))

    olena.goto(f"{host}/events")
    events = olena.locator("main ul")
    expect(events).to_contain_text("membership requested")
    expect(events).to_contain_text("membership decided")
    decided = events.locator("li").filter(has_text="membership decided")
    expect(decided).to_contain_text("'approved': True")
