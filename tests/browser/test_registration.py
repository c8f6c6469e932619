"""Registration in a real browser: a taken address gets the same page as a new one, the mailed link
leads to choosing the password (in English too), and a used link says so plainly.

Every page is checked with axe and photographed (screenshots/registration-*.png).
"""

from __future__ import annotations

from playwright.sync_api import expect

from deliberation.testing import letters_to, make_user

from .browser_helpers import (
    choose_password,
    expect_console_error,
    inspect,
    new_page,
    open_mailed_link,
    seed,
    signed_in_as,
    submit,
    switch_language,
    t,
)

PASSWORD = "вишня липа каштан 42"


def _fill_and_send(page, email: str, name: str) -> None:
    page.goto("/register")
    page.fill("#f-email", email)
    page.fill("#f-display_name", name)
    submit(page, "main form[action='/register']")


def _main_without_address(page, email: str) -> str:
    return page.locator("main").inner_html().replace(email, "ADDRESS")


def test_a_taken_address_and_a_new_one_see_the_same_page_and_the_link_finishes_in_english(browser, engine, standalone):
    with seed(engine) as db:
        make_user(db, email="maria@example.org", display_name="Марія Коваль")
    page = new_page(browser, standalone)

    _fill_and_send(page, "maria@example.org", "Хтось Інший")
    taken = _main_without_address(page, "maria@example.org")
    inspect(page, "registration-01-taken-sent")

    page = new_page(browser, standalone)
    _fill_and_send(page, "petro@example.org", "Петро Шевчук")
    assert _main_without_address(page, "petro@example.org") == taken
    inspect(page, "registration-02-new-sent")

    with seed(engine) as db:
        [warning] = letters_to(db, "maria@example.org")
    assert warning["body"].startswith("Вітаємо!") and "/password/forgot" in warning["body"]
    assert "Хтось Інший" not in warning["body"] and "/register/confirm/" not in warning["body"]

    switch_language(page, "en")
    expect(page.locator("main h1")).to_have_text("Create an account")
    inspect(page, "registration-03-form-en")
    open_mailed_link(page, engine, email="petro@example.org", path="/register/confirm/")
    expect(page.locator("main h1")).to_have_text("Finish your registration")
    inspect(page, "registration-04-confirm-en")
    expect_console_error(r"status of 422")
    choose_password(page, "password1234")
    submit(page, "main form[action^='/register/confirm/']")
    expect(page.locator("main #e-password")).to_contain_text("most common passwords")
    inspect(page, "registration-05-confirm-weak-password-en")
    choose_password(page, PASSWORD)
    submit(page, "main form[action^='/register/confirm/']")
    assert signed_in_as(page, "") == "Петро Шевчук"
    expect(page.locator("main .flash")).to_have_text("Welcome! Your account is ready. Find a workshop to join below.")

    # The same link again: it is spent.
    expect_console_error(r"status of 404")
    open_mailed_link(page, engine, email="petro@example.org", path="/register/confirm/")
    expect(page.locator("main")).to_contain_text("This link is not valid any more")
    inspect(page, "registration-06-link-spent-en")
    switch_language(page, "uk")
    expect(page.locator("main")).to_contain_text(t("Register again"))
    inspect(page, "registration-07-link-spent")
