"""A document page's rendering work per paragraph is the paragraph's own: no route lookup and no
copy of the template context for each of its links and labels (a 2,000-paragraph text made 6,000
copies and 4,000 lookups, most of the page's CPU)."""

from __future__ import annotations

import jinja2.runtime
import pytest
import starlette.routing

from deliberation.testing import make_document, sign_in
from deliberation.web.rendering import make_templates


def _body(paragraphs: int) -> str:
    return "\n\n".join(f"{n}. Громада погоджує пункт {n} плану відновлення." for n in range(1, paragraphs + 1))


def _counts(reader, db, team, monkeypatch, paragraphs: int) -> tuple[int, int]:
    document = make_document(db, workshop=team["workshop"], author=team["olena"], body=_body(paragraphs))
    lookups, copies = [0], [0]
    url_path_for, derived = starlette.routing.Router.url_path_for, jinja2.runtime.Context.derived

    def counted_lookup(self, name, /, **params):
        lookups[0] += 1
        return url_path_for(self, name, **params)

    def counted_copy(self, locals=None):
        copies[0] += 1
        return derived(self, locals)

    with monkeypatch.context() as patch:
        patch.setattr(starlette.routing.Router, "url_path_for", counted_lookup)
        patch.setattr(jinja2.runtime.Context, "derived", counted_copy)
        response = reader.get(f"/documents/{document.id}")
    assert response.status_code == 200 and f"пункт {paragraphs} плану" in response.text
    return lookups[0], copies[0]


@pytest.fixture
def reader(client, db, team):
    sign_in(client, team["petro"].email)
    return client


def test_a_longer_document_costs_no_more_route_lookups_or_context_copies(reader, db, team, monkeypatch):
    short_lookups, short_copies = _counts(reader, db, team, monkeypatch, 5)
    long_lookups, long_copies = _counts(reader, db, team, monkeypatch, 120)
    assert long_lookups <= short_lookups, f"{short_lookups} route lookups for 5 paragraphs, {long_lookups} for 120"
    assert long_copies <= short_copies, f"{short_copies} context copies for 5 paragraphs, {long_copies} for 120"


def test_translated_labels_escape_what_they_are_given():
    env = make_templates().env
    name = "<script>alert(1)</script> & Co"
    page = env.from_string(
        '{{ _("by %(name)s", name=name) }}|{{ ngettext("%(num)s comment", "%(num)s comments", 3) }}|'
        '{{ pgettext("vote", "For") }}|{% trans %}Written by {{ name }}{% endtrans %}|{{ _("a <em>") }}'
    ).render(name=name)
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co"
    assert page.split("|")[0].endswith(escaped) and page.count("<script>") == 0
    assert page.split("|")[3].endswith(escaped)
    assert page.split("|")[1].startswith("3 ")
    # A message is ours, not a member's: its own markup is kept as written.
    assert page.split("|")[4].endswith("<em>")
