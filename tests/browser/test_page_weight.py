"""The workshop page stays light for a phone on a slow rural connection."""

from __future__ import annotations

import gzip

from deliberation.testing import PASSWORD, make_user, make_workshop

from .browser_helpers import new_page, seed, sign_in

BUDGET = 60 * 1024  # bytes, gzip-compressed: document + CSS + JS


def test_workshop_page_weighs_under_60_kb_compressed(browser, engine, standalone):
    with seed(engine) as db:
        coordinator = make_user(db, coordinator=True, email="coord@example.org")
        people = [make_user(db) for _ in range(12)]
        workshop = make_workshop(
            db,
            creator=coordinator,
            facilitators=tuple(people[:2]),
            members=tuple(people[2:]),
            description="\n\n".join(["Абзац опису майстерні, досить довгий. " * 8] * 4),
        )

    page = new_page(browser, standalone)
    # The heaviest variant: a coordinator sees the edit button and the appoint form too.
    sign_in(page, standalone, "", "coord@example.org", PASSWORD)
    responses = []
    page.on(
        "response", lambda r: r.request.resource_type in ("document", "stylesheet", "script") and responses.append(r)
    )
    page.goto(f"/workshops/{workshop.id}", wait_until="load")

    rows, total, raw = [], 0, 0
    for response in responses:
        body = response.body()
        size = len(gzip.compress(body))
        total, raw = total + size, raw + len(body)
        rows.append(f"  {response.request.resource_type:<10} {len(body):>7} B raw {size:>7} B gzip  {response.url}")
    kinds = {r.request.resource_type for r in responses}
    assert kinds == {"document", "stylesheet", "script"}, f"expected one of each resource kind, got {kinds}"
    report = "\n".join(rows) + f"\n  total: {raw} B raw, {total} B gzip ({total / 1024:.1f} KB; budget 60 KB)"
    print(f"\nworkshop page weight:\n{report}")
    assert total < BUDGET, f"the workshop page is too heavy:\n{report}"
