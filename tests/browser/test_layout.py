"""Sized for a thumb: every page type of the demo network (deliberation/tour.py), as the person it is
meant for sees it, fits a 320 px phone without scrolling sideways and has no axe violation; on the
ten main pages every primary action is at least 44×44 px and every other target at least 24×24 px."""

from __future__ import annotations

import pytest

from deliberation import create_app
from deliberation.tour import build_tour

from .browser_helpers import check_accessibility, expect_console_error, new_page, seed, serve

SMALLEST_PHONE = {"width": 320, "height": 640}
PHONE = {"width": 360, "height": 740}
PRIMARY, TARGET = 44, 24

# What a page offers a thumb, measured in the page. Primary actions: the buttons that do a page's
# work (.button, a ballot's choices, a form's submit). Every target: links, buttons, fields,
# summaries; a checkbox or radio button counts with its label (a tap on either ticks it), and a link
# inside a sentence is exempt, as WCAG 2.5.8 (target size, minimum) allows.
TARGETS = """() => {
  const visible = el => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && !el.closest('[hidden], .visually-hidden'); };
  const inSentence = el => { const p = el.parentElement; if (!p || getComputedStyle(el).display !== 'inline') return false;
    return p.textContent.replace(/\\s+/g, ' ').trim().length > el.textContent.replace(/\\s+/g, ' ').trim().length + 2; };
  const box = el => {
    if (el.matches('input[type=checkbox], input[type=radio]')) {
      const label = el.closest('label') || (el.id && document.querySelector(`label[for="${el.id}"]`));
      if (label) { const a = el.getBoundingClientRect(), b = label.getBoundingClientRect();
        return {w: Math.max(a.right, b.right) - Math.min(a.left, b.left), h: Math.max(a.bottom, b.bottom) - Math.min(a.top, b.top)}; }
    }
    const r = el.getBoundingClientRect(); return {w: r.width, h: r.height};
  };
  const name = el => `${el.tagName.toLowerCase()}${el.className ? '.' + String(el.className).trim().split(/\\s+/).join('.') : ''}`
    + ` "${(el.textContent || el.value || el.getAttribute('aria-label') || '').replace(/\\s+/g, ' ').trim().slice(0, 30)}"`;
  const found = [];
  document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary').forEach(el => {
    if (!visible(el) || el.classList.contains('skip-link') || (el.tagName === 'A' && inSentence(el))) return;
    const primary = el.matches('.button, .ballot-button, form:not(.inline-form) button[type=submit]:not(.link-button)');
    const {w, h} = box(el);
    found.push({name: name(el), primary, w: Math.round(w * 10) / 10, h: Math.round(h * 10) / 10});
  });
  return found;
}"""


@pytest.fixture
def toured(browser, engine, settings):
    with seed(engine) as db:
        tour = build_tour(db, secret_key=settings.secret_key)
    with serve(create_app(settings, engine=engine)) as base_url:
        yield base_url, tour


def _open(browser, base_url, tour, stop, viewport):
    page = new_page(browser, base_url, viewport=viewport)
    if stop.role != "anonymous":
        page.context.add_cookies(
            [{"name": name, "value": value, "url": base_url} for name, value in tour.cookies[stop.role].items()]
        )
    response = page.goto(stop.path)
    assert response is not None and response.status < 500, f"{stop.name}: {stop.path} answered {response.status}"
    return page


def test_no_page_type_scrolls_sideways_at_320_px_and_axe_finds_no_violation(browser, toured):
    base_url, tour = toured
    expect_console_error(r"status of 404 \(Not Found\)")  # the not-found page, on purpose
    sideways, inaccessible = [], []
    for stop in tour.stops:
        page = _open(browser, base_url, tour, stop, SMALLEST_PHONE)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if overflow > 0:
            wide = page.evaluate("""() => [...document.querySelectorAll('body *')].filter(el =>
                el.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5).slice(-3)
                .map(el => el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ')[0] : ''))""")
            sideways.append(f"{stop.name} ({stop.path}, as {stop.role}): {overflow}px too wide, e.g. {wide}")
        try:
            check_accessibility(page, label=f"{stop.name} ({stop.path}, as {stop.role})")
        except AssertionError as violation:
            inaccessible.append(str(violation))
        page.context.close()
    assert len(tour.stops) >= 50
    assert not sideways, "pages scroll sideways at 320 px:\n  " + "\n  ".join(sideways)
    assert not inaccessible, "\n".join(inaccessible)


def test_primary_actions_are_44_px_and_every_target_24_px_on_the_main_pages(browser, toured):
    base_url, tour = toured
    small, measured = [], 0
    for stop in tour.main():
        page = _open(browser, base_url, tour, stop, PHONE)
        for target in page.evaluate(TARGETS):
            least = PRIMARY if target["primary"] else TARGET
            measured += target["primary"]
            if target["w"] < least or target["h"] < least:
                small.append(
                    f"{stop.name}: {target['name']} is {target['w']}×{target['h']} px, "
                    f"under {least}×{least}{' (primary)' if target['primary'] else ''}"
                )
        page.context.close()
    assert len(tour.main()) == 10 and measured >= 10
    assert not small, "targets too small for a thumb:\n  " + "\n  ".join(small)
